import { z } from '@hono/zod-openapi'
import { Hono } from 'hono'
import { AppError } from '../../core/errors.ts'
import { randomToken } from '../../core/random.ts'
import { assertMayManageApps } from '../../services/access.ts'
import {
  type ClientView,
  getClient,
  listClients,
  registerClient,
  removeClient,
  rotateClientSecret,
} from '../../services/clients.ts'
import {
  AddAppPage,
  AppAddedPage,
  AppDetailPage,
  AppsPage,
  RemoveAppPage,
  RotateSecretPage,
  SecretRotatedPage,
} from '../../ui/pages/apps.tsx'
import { MessagePage } from '../../ui/pages/auth.tsx'
import type { AppEnv } from '../env.ts'
import { OIDC_PATHS } from '../oidc/discovery.ts'
import { requestMeta } from '../request-meta.ts'
import { AppForm, toClientBody } from './app-form.ts'
import { attempt, readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, markSecret, pageCopy, type PageStatus, render } from './render.ts'

/**
 * Applications: the list, Add application, one app's page, and the confirm steps of Rotate secret
 * and Remove application. Global admins only, as the use cases decide (and audit).
 */
export function appPages() {
  return new Hono<AppEnv>()
    .get('/apps', showApps)
    .get('/apps/new', showAddApp)
    .post('/apps', formGuards, submitAddApp)
    .get('/apps/:id', showApp)
    .get('/apps/:id/secret', showRotateSecret)
    .post('/apps/:id/secret', formGuards, submitRotateSecret)
    .get('/apps/:id/remove', showRemoveApp)
    .post('/apps/:id/remove', formGuards, submitRemoveApp)
}

// Refusals a form answers in its own words; anything else goes to the failure page.
const STEP_UP = ['STEP_UP_REQUIRED', 'MFA_ENROLLMENT_REQUIRED'] as const

async function showApps(c: Ctx) {
  return render(c, AppsPage, {
    apps: await listClients(c.get('deps'), c.get('actor'), requestMeta(c)),
  })
}

async function showAddApp(c: Ctx) {
  await assertMayManageApps(c.get('deps'), c.get('actor'), requestMeta(c), {
    action: 'apps.create',
  })
  const values = {
    formToken: randomToken(c.get('deps').random),
    name: '',
    type: 'confidential',
    redirectUris: '',
    postLogoutRedirectUris: '',
    backchannelLogoutUri: '',
  }
  return render(c, AddAppPage, { values })
}

async function submitAddApp(c: Ctx) {
  const form = AppForm.safeParse(await readForm(c))
  if (!form.success) throw new AppError('VALIDATION_FAILED')
  const values = form.data
  const asked = toClientBody(pageCopy(c), values)
  if (!asked.success) return render(c, AddAppPage, { values, errors: asked.errors }, 400)
  const deps = c.get('deps')
  const actor = c.get('actor')
  // The form's one-time token names the app: sent again, the form registers nothing.
  const outcome = await attempt(
    () => registerClient(deps, actor, asked.body, requestMeta(c), { formToken: values.formToken }),
    ['CONFLICT', ...STEP_UP],
  )
  if (!outcome.ok) {
    if (outcome.error.code !== 'CONFLICT') return showStepUpNeeded(c)
    const a = pageCopy(c).apps
    const clientId = String(outcome.error.extra?.clientId ?? '')
    return showMessage(c, a.alreadyAddedTitle, a.alreadyAdded, 409, appLink(c, clientId))
  }
  const { client, clientSecret } = outcome.value
  if (clientSecret !== undefined) markSecret(c)
  return render(c, AppAddedPage, { app: client, clientSecret, discoveryUrl: discoveryUrl(c) })
}

async function showApp(c: Ctx) {
  const app = await getClient(
    c.get('deps'),
    c.get('actor'),
    c.req.param('id') ?? '',
    requestMeta(c),
  )
  return render(c, AppDetailPage, { app, discoveryUrl: discoveryUrl(c) })
}

async function showRotateSecret(c: Ctx) {
  const app = await getClient(
    c.get('deps'),
    c.get('actor'),
    c.req.param('id') ?? '',
    requestMeta(c),
  )
  if (app.type !== 'confidential') return showNoSecret(c, app)
  return render(c, RotateSecretPage, { app })
}

/** The confirm form's view of the secret: when it was last rotated, empty if never. */
const RotateForm = z.object({ secretRotatedAt: z.string().max(64).default('') })

async function submitRotateSecret(c: Ctx) {
  const form = RotateForm.safeParse(await readForm(c))
  if (!form.success) throw new AppError('VALIDATION_FAILED')
  const deps = c.get('deps')
  const actor = c.get('actor')
  const clientId = c.req.param('id') ?? ''
  const expected = { secretRotatedAt: form.data.secretRotatedAt || null }
  const outcome = await attempt(
    () => rotateClientSecret(deps, actor, clientId, requestMeta(c), expected),
    ['CONFLICT', 'VALIDATION_FAILED', ...STEP_UP],
  )
  if (!outcome.ok) {
    const { code } = outcome.error
    if (code === 'VALIDATION_FAILED') return showNoSecret(c, { clientId })
    if (code !== 'CONFLICT') return showStepUpNeeded(c)
    const a = pageCopy(c).apps
    return showMessage(c, a.alreadyRotatedTitle, a.alreadyRotated, 409, appLink(c, clientId))
  }
  markSecret(c)
  return render(c, SecretRotatedPage, {
    app: outcome.value.client,
    clientSecret: outcome.value.clientSecret,
  })
}

async function showRemoveApp(c: Ctx) {
  const app = await getClient(
    c.get('deps'),
    c.get('actor'),
    c.req.param('id') ?? '',
    requestMeta(c),
  )
  return render(c, RemoveAppPage, { app })
}

async function submitRemoveApp(c: Ctx) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const clientId = c.req.param('id') ?? ''
  const a = pageCopy(c).apps
  const outcome = await attempt(
    () => removeClient(deps, actor, clientId, requestMeta(c)),
    ['NOT_FOUND'],
  )
  const back = { href: '/admin/apps', label: a.back }
  // Sent again (Back, then send), the form finds the app gone: said so, nothing else happens.
  if (!outcome.ok) return showMessage(c, a.removedTitle, a.alreadyRemoved, 404, back)
  return showMessage(c, a.removedTitle, a.removed(outcome.value.name), 200, back)
}

/** `{ONCEPASS_PUBLIC_URL}/.well-known/openid-configuration`, where apps find everything else. */
function discoveryUrl(c: Ctx): string | undefined {
  const issuer = c.get('deps').oidc?.issuer ?? c.get('deps').publicUrl
  return issuer ? `${issuer}${OIDC_PATHS.discovery}` : undefined
}

function appLink(c: Ctx, clientId: string) {
  const label = pageCopy(c).apps.viewApp
  return { href: `/admin/apps/${encodeURIComponent(clientId)}`, label }
}

function showNoSecret(c: Ctx, app: Pick<ClientView, 'clientId'>) {
  const a = pageCopy(c).apps
  return showMessage(c, a.rotateSecret, a.noSecret, 400, appLink(c, app.clientId))
}

/** An application secret waits for a recent verification code: the way there is Two-step. */
function showStepUpNeeded(c: Ctx) {
  const t = pageCopy(c)
  const link = { href: '/account/two-step', label: t.twoStepTitle }
  return showMessage(c, t.forbiddenTitle, t.apps.stepUpRequired, 403, link)
}

function showMessage(
  c: Ctx,
  title: string,
  message: string,
  status: PageStatus,
  link: { href: string; label: string },
) {
  return render(c, MessagePage, { title, message, link }, status)
}
