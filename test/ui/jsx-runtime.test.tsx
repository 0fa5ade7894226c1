import { describe, expect, it } from 'vitest'
import { type Child, escapeHtml, type FC, Fragment, Html, jsx } from '../../src/ui/jsx-runtime.ts'

describe('the views’ JSX runtime', () => {
  it('escapes text and attribute values, the five characters HTML needs', () => {
    const hostile = `"><script>alert('x')</script>&`
    expect(String(<p title={hostile}>{hostile}</p>)).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">' +
        '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    )
    expect(escapeHtml('plain text')).toBe('plain text')
  })

  it('writes boolean attributes as present or absent, and drops null and undefined', () => {
    expect(String(<input required checked={false} disabled={undefined} value={0} />)).toBe(
      '<input required="" value="0"/>',
    )
    const spread = { key: 'k', id: 'x' }
    expect(String(<p {...spread} />)).toBe('<p id="x"></p>')
    // A boolean on an attribute that is not a boolean one is spelled out, as ARIA wants.
    expect(String(<div aria-hidden={true} hidden={true} />)).toBe(
      '<div aria-hidden="true" hidden=""></div>',
    )
  })

  it('closes void elements and writes the others in full', () => {
    expect(String(<br />)).toBe('<br/>')
    expect(String(<textarea name="n" />)).toBe('<textarea name="n"></textarea>')
    expect(String(<meta name="robots" content="noindex" />)).toBe(
      '<meta name="robots" content="noindex"/>',
    )
  })

  it('renders children: nested arrays, numbers, and nothing for null, true and false', () => {
    const items = ['a', 'b']
    expect(
      String(
        <ul>
          {items.map((item) => (
            <li>{item}</li>
          ))}
          {null}
          {false}
          {true}
          {[[3], [4n]]}
        </ul>,
      ),
    ).toBe('<ul><li>a</li><li>b</li>34</ul>')
    expect(String(<>{'<'}</>)).toBe('&lt;')
    expect(String(Fragment({}))).toBe('')
  })

  it('calls components with their props and children', () => {
    function Greeting(props: { name: string; children?: Child }) {
      return (
        <p>
          Hello {props.name}: {props.children}
        </p>
      )
    }
    const Nothing = () => null
    expect(
      String(
        <Greeting name="<Ann>">
          <b>hi</b>
          <Nothing />
        </Greeting>,
      ),
    ).toBe('<p>Hello &lt;Ann&gt;: <b>hi</b></p>')
  })

  it('puts dangerouslySetInnerHTML in as it is, and never with children', () => {
    expect(String(<div dangerouslySetInnerHTML={{ __html: '<svg></svg>' }} />)).toBe(
      '<div><svg></svg></div>',
    )
    expect(() => jsx('div', { dangerouslySetInnerHTML: { __html: 'x' }, children: 'y' })).toThrow(
      /both children/,
    )
  })

  it('refuses what it cannot write safely: objects, functions, bad names, async views', () => {
    expect(() => jsx('p', { children: { toString: () => '<b>' } })).toThrow(TypeError)
    expect(() => jsx('a', { href: { toString: () => 'x' } })).toThrow(TypeError)
    expect(() => jsx('button', { onclick: () => undefined })).toThrow(TypeError)
    expect(() => jsx('p', { 'x"y': '1' })).toThrow(/valid/)
    expect(() => jsx('p onload=x', {})).toThrow(/valid/)
    expect(() => jsx((async () => new Html('')) as unknown as FC, {})).toThrow(/async/)
  })
})
