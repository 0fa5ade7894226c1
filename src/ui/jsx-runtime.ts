/**
 * The JSX runtime of our views: each element becomes its HTML at once, escaped, as the view
 * function runs. Views are synchronous functions of their props and the page context, so nothing
 * here waits, and nothing needs a store that follows promises.
 *
 * Why not hono/jsx: on Node it renders every `<head>`, `<form>`, `<button>` and `<input>` inside an
 * AsyncLocalStorage, and once that storage has run, Node 20 calls an async hook for every promise
 * the process makes, on every request, pages or not. Its element tree and special components
 * (hoisting `<title>` and `<meta>` into the head, form actions) also serve client rendering,
 * which server-rendered pages never use.
 *
 * The output is the same markup hono/jsx writes for our views: void elements end in `/>`, a
 * boolean attribute is written as `name=""` or left out, and `&<>"'` are escaped in text and in
 * attribute values alike.
 */
import type { JSX as HonoJSX } from 'hono/jsx'

/** Markup that is safe to put in a page as it is: made by this runtime, never taken from input. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup
  }
}

/** What a view may put between tags: text and numbers are escaped; nothing, true and false vanish. */
export type Child = Html | string | number | bigint | boolean | null | undefined | Child[]

/** A view: a synchronous function of its props. */
export type FC<P = Record<string, unknown>> = (props: P) => Html | null

type Props = Record<string, unknown> & {
  children?: Child
  dangerouslySetInnerHTML?: { __html: string }
}

const EMPTY = new Html('')

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
])

const BOOLEAN_ATTRIBUTES = new Set([
  'allowfullscreen',
  'async',
  'autofocus',
  'autoplay',
  'checked',
  'controls',
  'default',
  'defer',
  'disabled',
  'download',
  'formnovalidate',
  'hidden',
  'inert',
  'ismap',
  'itemscope',
  'loop',
  'multiple',
  'muted',
  'nomodule',
  'novalidate',
  'open',
  'playsinline',
  'readonly',
  'required',
  'reversed',
  'selected',
])

const ESCAPED = /[&<>"']/
const EVERY_ESCAPED = new RegExp(ESCAPED.source, 'g')
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text made safe for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return ESCAPED.test(text) ? text.replace(EVERY_ESCAPED, (char) => ESCAPES[char]!) : text
}

// Names come from our own source, never from input; the check keeps a typo from breaking a tag.
const VALID_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/

function checkName(name: string): string {
  if (!VALID_NAME.test(name)) throw new Error(`Not a valid tag or attribute name: ${name}`)
  return name
}

function renderChildren(child: Child): string {
  if (typeof child === 'string') return escapeHtml(child)
  if (child instanceof Html) return child.markup
  if (child === null || child === undefined || typeof child === 'boolean') return ''
  if (typeof child === 'number' || typeof child === 'bigint') return String(child)
  if (Array.isArray(child)) {
    let markup = ''
    for (const each of child) markup += renderChildren(each)
    return markup
  }
  throw new TypeError(`A view cannot render ${Object.prototype.toString.call(child)}`)
}

function renderAttribute(name: string, value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean' && BOOLEAN_ATTRIBUTES.has(name)) return value ? ` ${name}=""` : ''
  if (typeof value === 'function' || typeof value === 'object') {
    throw new TypeError(`Attribute ${name} cannot be a ${typeof value}`)
  }
  return ` ${checkName(name)}="${escapeHtml(String(value))}"`
}

function renderElement(tag: string, props: Props): Html {
  let markup = `<${checkName(tag)}`
  for (const name in props) {
    // `key` arrives here only through a spread: a hint for client renderers, never markup.
    if (name !== 'children' && name !== 'dangerouslySetInnerHTML' && name !== 'key') {
      markup += renderAttribute(name, props[name])
    }
  }
  const inner = props.dangerouslySetInnerHTML
  if (inner && props.children !== undefined) {
    throw new Error(`<${tag}> has both children and dangerouslySetInnerHTML`)
  }
  const content = inner ? inner.__html : renderChildren(props.children)
  if (content === '' && VOID_ELEMENTS.has(tag)) return new Html(`${markup}/>`)
  return new Html(`${markup}>${content}</${tag}>`)
}

/** What the compiled JSX calls for each element: a view is called, a tag is written. */
export function jsx(type: string | FC<never>, props: object): Html {
  if (typeof type === 'function') {
    const result: unknown = (type as FC<object>)(props)
    if (result instanceof Promise) throw new Error(`${type.name}: a view must not be async`)
    return (result as Html | null) ?? EMPTY
  }
  return renderElement(type, props as Props)
}

export { jsx as jsxDEV, jsx as jsxs }

export function Fragment(props: { children?: Child }): Html {
  return new Html(renderChildren(props.children))
}

// TypeScript looks for the JSX types as a namespace in the runtime's module.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace JSX {
  type Element = Html
  type ElementType = string | FC<never>
  interface ElementChildrenAttribute {
    children: Child
  }
  interface IntrinsicElements extends HonoJSX.IntrinsicElements {
    [tag: string]: Record<string, unknown>
  }
  interface IntrinsicAttributes {
    key?: string | number | bigint | null | undefined
  }
}
