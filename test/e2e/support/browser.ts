import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core'

const ROOT = resolve(import.meta.dirname, '../../..')
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots')
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
/** Every wait on the page is bounded by this, far below the test's own timeout. */
export const ACTION_TIMEOUT_MS = 15_000

/** Debian's Chromium (never a downloaded one), quiet: no GPU, no QUIC, no background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  })
}

/** A fresh context and page with bounded waits. `bypassCSP` only for the axe run (test-only). */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', ...options })
  context.setDefaultTimeout(ACTION_TIMEOUT_MS)
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS)
  return context.newPage()
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[] }[]
}

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is now. The page's CSP would block the
 * injected script, so the page must come from a context opened with `bypassCSP: true`.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT })
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })`,
  )) as { violations: AxeViolation[] }
  return result.violations
}

/** A readable summary of axe violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    )
    .join('\n')
}

/**
 * Form fields without an accessible label of their own (axe accepts a placeholder or title):
 * each visible input, select and textarea needs a <label>, aria-label or aria-labelledby.
 */
export function unlabelledFields(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const fields = document.querySelectorAll(
      'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea')
    const missing = []
    for (const field of fields) {
      const byLabel = field.labels && [...field.labels].some((l) => l.textContent.trim() !== '')
      const byAria = (field.getAttribute('aria-label') || '').trim() !== ''
      const byRef = (field.getAttribute('aria-labelledby') || '').split(/\\s+/).some(
        (id) => id && document.getElementById(id) && document.getElementById(id).textContent.trim() !== '')
      if (!byLabel && !byAria && !byRef) missing.push(field.outerHTML.slice(0, 120))
    }
    return missing
  })()`)
}

/** A full-page screenshot under test-results/screenshots/ (git-ignored). */
/** On a phone the header's menu folds behind its Menu button: opens it, so its links are there. */
export async function unfoldMenu(page: Page): Promise<void> {
  const button = page.locator('.menu-button')
  if ((await button.isVisible()) && (await button.getAttribute('aria-expanded')) !== 'true') {
    await button.click()
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
