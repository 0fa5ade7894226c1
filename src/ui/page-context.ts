import type { Copy, Language } from './copy.ts'
import { type FC, jsx } from './jsx-runtime.ts'

/** Who is signed in, as far as the header needs to know. */
export interface Viewer {
  email: string
  isAdmin: boolean
  /** A global admin: Applications is in the menu. */
  canManageApps?: boolean
  /** How many forgot-password requests wait, for an admin's menu (counted up to a bound). */
  openRequests?: number
}

/** What every page renders with: the copy in the chosen language and, when signed in, the viewer. */
export interface PageContext {
  t: Copy
  lang: Language
  /** The path of this page, so the language switch can return to it. */
  path: string
  viewer?: Viewer
  /** The app this sign-in continues to, when an app sent the user here to sign in. */
  signingInTo?: string
  /** Approvals are on: the nav offers them, with how many wait for this viewer's decision. */
  approvals?: { toDecide: number }
  /** What the form before the redirect that led here did, in words, shown once. */
  flash?: string
}

/** The page being rendered: views are synchronous, so a variable set around the render is enough. */
let rendering: PageContext | undefined

/** The page context of the view being rendered; only inside `renderPage`. */
export function usePage(): PageContext {
  if (!rendering) throw new Error('usePage() outside a page: render views with renderPage()')
  return rendering
}

/** The copy of the page being rendered, in its language. */
export function useCopy(): Copy {
  return usePage().t
}

/**
 * A view as a whole HTML document, rendered inside `page`: the runtime calls every component
 * while the view runs, so each of them sees `page`.
 *
 * @example
 * renderPage(page, SignInPage, { email: 'ann@example.com' })
 */
export function renderPage<P extends object>(
  page: PageContext,
  View: FC<P>,
  props: NoInfer<P>,
): string {
  const outer = rendering
  rendering = page
  try {
    return `<!doctype html>${jsx(View as FC<never>, props)}`
  } finally {
    rendering = outer
  }
}
