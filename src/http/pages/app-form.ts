import { z } from '@hono/zod-openapi'
import { redirectUriProblem } from '../../core/oidc/redirect-uris.ts'
import type { Copy } from '../../ui/copy.ts'
import type { AppField, AppFormErrors, AppFormValues } from '../../ui/pages/apps.tsx'
import { CreateClientBody } from '../schemas.ts'

/**
 * The Add application form as posted. It is read into the API's own body (`CreateClientBody`), so
 * both surfaces hold an app to the same rules; the URI lists are typed one per line.
 */
export const AppForm = z.object({
  /** The form's one-time token: a form sent twice registers one app. */
  formToken: z.string().min(1).max(255),
  name: z.string().max(1000).default(''),
  type: z.string().max(32).default('confidential'),
  redirectUris: z.string().max(12_000).default(''),
  postLogoutRedirectUris: z.string().max(12_000).default(''),
  backchannelLogoutUri: z.string().max(2000).default(''),
})

export type AppFormResult =
  | { success: true; body: z.infer<typeof CreateClientBody> }
  | { success: false; errors: AppFormErrors }

type Asked = {
  name: string
  type: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri?: string
}

/** The API body this form asks for, or what to fix in each field, in the page's words. */
export function toClientBody(t: Copy, form: AppFormValues): AppFormResult {
  const backchannel = form.backchannelLogoutUri.trim()
  const asked: Asked = {
    name: form.name,
    type: form.type,
    redirectUris: lines(form.redirectUris),
    postLogoutRedirectUris: lines(form.postLogoutRedirectUris),
    ...(backchannel ? { backchannelLogoutUri: backchannel } : {}),
  }
  const parsed = CreateClientBody.safeParse(asked)
  if (parsed.success) return { success: true, body: parsed.data }
  const errors: AppFormErrors = {}
  for (const issue of parsed.error.issues) {
    const [field, index] = issue.path
    if (!isAppField(field)) continue
    const message = describeProblem(t, asked, field, typeof index === 'number' ? index : undefined)
    const messages = (errors[field] ??= [])
    if (!messages.includes(message)) messages.push(message)
  }
  return { success: false, errors }
}

/** The lines of a URI list, trimmed, blank lines left out. */
function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

const APP_FIELDS: readonly AppField[] = [
  'name',
  'type',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
]

function isAppField(value: unknown): value is AppField {
  return APP_FIELDS.includes(value as AppField)
}

function describeProblem(t: Copy, asked: Asked, field: AppField, index?: number): string {
  const a = t.apps
  switch (field) {
    case 'name':
      return a.nameInvalid
    case 'type':
      return t.invalidForm
    case 'redirectUris':
      return index === undefined ? a.redirectUrisCount : describeUri(t, asked.redirectUris[index])
    case 'postLogoutRedirectUris':
      return index === undefined
        ? a.postLogoutRedirectUrisCount
        : describeUri(t, asked.postLogoutRedirectUris[index])
    case 'backchannelLogoutUri':
      return describeUri(t, asked.backchannelLogoutUri)
  }
}

/** "the URI: why it cannot be registered", in the page's language. */
function describeUri(t: Copy, uri: string | undefined): string {
  const problem = uri === undefined ? null : redirectUriProblem(uri)
  if (uri === undefined || problem === null) return t.invalidForm
  return t.apps.uriProblem(uri, t.apps.uriProblems[problem])
}
