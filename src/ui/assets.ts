// The page's only script and stylesheet, served by the app itself (no CDN, no build step). The
// pages work without the script; it adds Copy, show/hide password and live length hints.

export const APP_JS = `'use strict'
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('.menu-button').forEach(function (button) {
    var top = button.closest('.top')
    if (!top) return
    button.hidden = false
    top.classList.add('menu-closed')
    button.addEventListener('click', function () {
      var closed = top.classList.toggle('menu-closed')
      button.setAttribute('aria-expanded', closed ? 'false' : 'true')
    })
  })
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'))
    var status = button.parentElement.querySelector('.copy-status')
    if (!target) return
    button.hidden = false
    button.addEventListener('click', function () {
      var text = target.textContent.trim()
      var done = function () {
        if (status) status.textContent = button.getAttribute('data-copied')
        button.classList.add('copied')
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { select(target); })
      } else {
        select(target)
      }
    })
  })
  document.querySelectorAll('[data-reveal]').forEach(function (button) {
    var input = document.getElementById(button.getAttribute('data-reveal'))
    if (!input) return
    button.hidden = false
    button.addEventListener('click', function () {
      var show = input.type === 'password'
      input.type = show ? 'text' : 'password'
      button.textContent = button.getAttribute(show ? 'data-hide' : 'data-show')
      button.setAttribute('aria-pressed', show ? 'true' : 'false')
    })
  })
  document.querySelectorAll('input[data-min]').forEach(function (input) {
    var rule = document.querySelector('#' + input.id + '-policy [data-rule="length"]')
    if (!rule) return
    var min = Number(input.getAttribute('data-min'))
    var max = Number(input.getAttribute('data-max'))
    var update = function () {
      var length = Array.from(input.value.normalize('NFKC')).length
      rule.classList.toggle('met', length >= min && length <= max)
      rule.classList.toggle('unmet', length > 0 && (length < min || length > max))
    }
    input.addEventListener('input', update)
    update()
  })
  document.querySelectorAll('[data-when]').forEach(function (block) {
    var radio = document.getElementById(block.getAttribute('data-when'))
    if (!radio || !radio.form) return
    var update = function () { block.hidden = !radio.checked }
    radio.form.querySelectorAll('input[name="' + radio.name + '"]').forEach(function (other) {
      other.addEventListener('change', update)
    })
    update()
  })
})
function select(element) {
  var range = document.createRange()
  range.selectNodeContents(element)
  var selection = window.getSelection()
  selection.removeAllRanges()
  selection.addRange(range)
}
`

export const APP_CSS = `:root {
  color-scheme: light dark;
  --bg: #f5f5f5; --surface: #ffffff; --text: #1b1b1b; --muted: #5c5c5c; --border: #d1d1d1;
  --accent: #0f6cbd; --accent-hover: #115ea3; --accent-text: #ffffff; --focus: #000000;
  --error: #b10e1c; --error-bg: #fdf3f4; --ok: #0e700e; --ok-bg: #f1faf1; --info-bg: #ebf3fc;
  font-family: "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif;
  font-size: 100%; line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #1f1f1f; --surface: #292929; --text: #f2f2f2; --muted: #c2c2c2; --border: #5c5c5c;
    --accent: #62abf5; --accent-hover: #77b7f7; --accent-text: #0a0a0a; --focus: #ffffff;
    --error: #f1707b; --error-bg: #3b1b1e; --ok: #54b054; --ok-bg: #1b311b; --info-bg: #1c2b3b;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
a:hover { color: var(--accent-hover); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--surface); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
[hidden] { display: none !important; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .5rem 1rem; background: var(--surface); border-bottom: 1px solid var(--border); }
.top-menu { flex: 1; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
.brand { font-weight: 600; font-size: 1.1rem; color: var(--text); text-decoration: none; }
.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
.top nav a { color: var(--text); text-decoration: none; padding: .25rem 0; border-bottom: 2px solid transparent; }
.top nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
.nav-count { display: inline-block; margin-left: .35rem; padding: 0 .4rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: var(--accent); color: var(--accent-text); }
.top-end { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.inline { display: inline-flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: 0; }
.who { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; font-weight: 600; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; font-weight: 600; margin: 0 0 .75rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 1.25rem; margin: 0 0 1rem; }
.narrow { max-width: 34rem; }
.page-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 1rem; margin-bottom: 1rem; }
.page-head h1 { margin: 0; overflow-wrap: anywhere; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.choice { display: flex; align-items: flex-start; gap: .5rem; margin: .5rem 0; }
.choice label { font-weight: 400; margin: 0; }
.choice input { margin-top: .3rem; width: 1.1rem; height: 1.1rem; flex: none; }
fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0 0 1rem; padding: .5rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.indent { margin-left: 1.6rem; }
input[type="text"], input[type="email"], input[type="password"], input[type="search"], input[type="date"], select, textarea {
  width: 100%; font: inherit; color: var(--text); background: var(--surface); padding: .5rem .6rem;
  border: 1px solid var(--border); border-bottom: 2px solid var(--muted); border-radius: 4px; min-height: 2.5rem;
}
input[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--error); }
textarea { resize: vertical; font-family: ui-monospace, Consolas, monospace; font-size: .9rem; }
.copyable { font-family: ui-monospace, Consolas, monospace; overflow-wrap: anywhere; }
input:disabled, select:disabled { opacity: .6; }
.with-button { display: flex; gap: .5rem; }
.with-button input { flex: 1; min-width: 0; }
button, .button {
  font: inherit; display: inline-flex; align-items: center; gap: .4rem; min-height: 2.5rem; padding: .4rem 1rem;
  border-radius: 4px; border: 1px solid var(--border); background: var(--surface); color: var(--text);
  cursor: pointer; text-decoration: none;
}
button:hover, .button:hover { border-color: var(--muted); }
.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
.primary:hover { background: var(--accent-hover); color: var(--accent-text); }
.danger { background: var(--error); border-color: var(--error); color: var(--bg); font-weight: 600; }
.badge { display: inline-block; margin-left: .5rem; padding: 0 .4rem; border-radius: 4px; font-size: .85rem; font-weight: 600; color: var(--error); border: 1px solid var(--error); }
.subtle { min-height: 2rem; padding: .2rem .6rem; }
button.link { border: 0; background: none; color: var(--accent); padding: .2rem .3rem; min-height: 2rem; text-decoration: underline; }
button.link[aria-pressed="true"] { color: var(--text); text-decoration: none; font-weight: 600; }
.languages a { padding: .2rem .3rem; }
.languages a[aria-current="true"] { color: var(--text); text-decoration: none; font-weight: 600; }
.icon-button { display: inline-flex; align-items: center; justify-content: center; width: 2.5rem; height: 2.5rem; border-radius: 4px; color: var(--accent); }
.icon-button:hover { background: var(--info-bg); }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; margin-top: 1rem; }
.notice { border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; border-left: 4px solid var(--accent); background: var(--info-bg); }
.notice.error { border-color: var(--error); background: var(--error-bg); }
.notice.success { border-color: var(--ok); background: var(--ok-bg); }
.hint, .muted { color: var(--muted); font-size: .9rem; }
.policy, .violations { font-size: .9rem; margin-top: .5rem; }
.policy p, .violations p { margin: 0; }
.policy ul, .violations ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.violations { color: var(--error); font-weight: 600; }
.policy li.met { color: var(--ok); }
.policy li.met::after { content: " ✓"; }
.policy li.unmet { color: var(--error); }
.secret-box { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; margin: 1rem 0; padding: 1rem; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); }
.secret-box .label { width: 100%; margin: 0; font-weight: 600; }
/* A password breaks only where it must: between its groups, never inside one that fits a line. */
.secret { display: block; max-width: 100%; font-family: ui-monospace, "Cascadia Mono", Consolas, "Courier New", monospace; font-size: clamp(1.1rem, 5vw, 1.5rem); letter-spacing: .04em; overflow-wrap: break-word; }
.copy-status { color: var(--ok); font-weight: 600; }
.user-email { font-weight: 600; overflow-wrap: anywhere; }
.search { max-width: 34rem; margin-bottom: 1rem; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0 1rem; align-items: end; margin-bottom: .5rem; }
.filters .search-field { grid-column: 1 / -1; max-width: 34rem; }
.filters .actions { margin: 0 0 1rem; }
.total { color: var(--muted); margin: 0 0 .5rem; }
.nowrap { white-space: nowrap; }
.ip { overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.outcome { font-weight: 600; }
.outcome-denied, .outcome-failure { color: var(--error); }
.outcome-success { color: var(--ok); }
/* Big enough for a phone camera to read from a screen; always dark on light, as scanners expect. */
.qr { width: 12rem; max-width: 100%; background: #fff; }
.qr svg { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .6rem .75rem; border-bottom: 1px solid var(--border); }
thead th { font-size: .9rem; color: var(--muted); }
tbody th { font-weight: 400; }
tbody tr:last-child th, tbody tr:last-child td { border-bottom: 0; }
ul.plain { list-style: none; margin: 0; padding: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
.status { font-weight: 600; }
.count { display: inline-block; min-width: 1.5em; padding: 0 .4em; border-radius: 1em; background: var(--accent); color: var(--accent-text); font-size: .8rem; font-weight: 600; text-align: center; }
.guard { border-bottom: 1px solid var(--border); margin: 0 0 1rem; padding-bottom: .5rem; }
form.deny { margin-top: 1.5rem; }
.approval-list { margin-bottom: 2rem; }
code { font-family: ui-monospace, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
/* Tables marked .stacked become one card per row on a phone, each cell headed by its column. */
.row-action { white-space: nowrap; }
@media (min-width: 40.01rem) {
  .menu-button { display: none; }
  /* An address is read whole: on a wide screen its column never breaks it. */
  .ip { overflow-wrap: normal; white-space: nowrap; }
}
@media (max-width: 40rem) {
  .top { justify-content: space-between; }
  .top-menu { flex-basis: 100%; flex-direction: column; align-items: stretch; gap: .75rem; padding: .25rem 0 .5rem; }
  .top.menu-closed .top-menu { display: none; }
  .top nav ul { flex-direction: column; gap: 0; }
  .top nav a { display: block; padding: .5rem 0; }
  .top-end { margin-left: 0; width: 100%; flex-direction: column; align-items: flex-start; }
  main { padding: 1rem .75rem 2rem; }
  .card { padding: 1rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: .5rem; }
  .page-head h1 { font-size: 1.35rem; }
  .table-wrap.stacked { overflow-x: visible; }
  .stacked table, .stacked tbody, .stacked tr, .stacked th, .stacked td { display: block; width: auto; }
  .stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .stacked tr { padding: .75rem; border-bottom: 1px solid var(--border); }
  .stacked tbody tr:last-child { border-bottom: 0; }
  .stacked th, .stacked td { border: 0; padding: .15rem 0; overflow-wrap: anywhere; }
  .stacked tbody th { font-weight: 600; }
  .stacked td[data-label]::before { display: inline; content: attr(data-label) ": "; color: var(--muted); }
  .stacked td.row-actions { padding-top: .5rem; }
  .stacked td.row-actions::before { display: none; }
}
`

// The reveal page's script: the key stays in the fragment and in this page's memory; the server
// answers only the ciphertext, once, to whoever types the account's email.
export const REVEAL_JS = `'use strict'
document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('reveal-form')
  if (!form) return
  var key = location.hash.slice(1)
  // The key is in memory now: take it out of the address bar and the history.
  if (key) history.replaceState(null, '', location.pathname + location.search)
  // Another language is this page again: it takes the key along, in the fragment only.
  document.querySelectorAll('a[data-keep-fragment]').forEach(function (link) {
    link.addEventListener('click', function () {
      if (key) link.href = link.pathname + link.search + '#' + key
    })
  })
  var error = document.getElementById('reveal-error')
  var fail = function (name) {
    error.textContent = form.getAttribute('data-' + name)
    error.hidden = false
  }
  var bytes = function (text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/')
    var binary = atob(b64 + '==='.slice((b64.length + 3) % 4))
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0) })
  }
  var encode = function (data) {
    return btoa(String.fromCharCode.apply(null, data)).split('+').join('-').split('/').join('_').split('=').join('')
  }
  // The same digest the server keeps: a damaged link is refused before anything burns.
  var keyCheck = function (raw) {
    var context = new TextEncoder().encode('oncepass reveal key check\\0')
    var input = new Uint8Array(context.length + raw.length)
    input.set(context)
    input.set(raw, context.length)
    return crypto.subtle.digest('SHA-256', input).then(function (digest) { return encode(new Uint8Array(digest)) })
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault()
    error.hidden = true
    if (!/^[A-Za-z0-9_-]{43}$/.test(key)) return fail('broken')
    var email = form.querySelector('input[name="email"]').value
    keyCheck(bytes(key)).then(function (check) {
      return fetch('/api/v1/reveal/' + encodeURIComponent(form.getAttribute('data-reveal-id')), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email, keyCheck: check }),
        credentials: 'omit',
        cache: 'no-store',
      })
    }).then(function (response) {
      if (response.status === 410) return fail('gone')
      if (response.status === 422) return fail('broken')
      if (response.status === 404) return fail('wrong-email')
      if (!response.ok) return fail('failed')
      return response.json().then(function (sealed) {
        return crypto.subtle.importKey('raw', bytes(key), 'AES-GCM', false, ['decrypt'])
          .then(function (cryptoKey) {
            return crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, cryptoKey, bytes(sealed.ciphertext))
          })
          .then(function (plain) {
            document.getElementById('temporary-password').textContent = new TextDecoder().decode(plain)
            form.hidden = true
            document.getElementById('revealed').hidden = false
            key = ''
          }, function () { fail('broken') })
      })
    }, function () { fail('failed') })
  })
})
`
