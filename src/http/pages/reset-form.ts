import { z } from '@hono/zod-openapi'
import { ResetBody } from '../schemas.ts'

/**
 * The reset pane's form as posted. It is read into the API's own reset body (`ResetBody`), so the
 * same rules hold for both surfaces: the same recipient addresses, the same password limits.
 */
export const ResetForm = z.object({
  /** The form's one-time token: the reset's Idempotency-Key. */
  formToken: z.string().min(1).max(255),
  mode: z.enum(['generate', 'custom']).default('generate'),
  newPassword: z.string().default(''),
  requireChange: z.literal('true').optional(),
  delivery: z.enum(['display', 'link']).default('display'),
  /** One to five addresses, separated by commas, semicolons or spaces. */
  recipients: z.string().max(2000).default(''),
  /** Why the reset goes ahead without a verified caller (only asked where a check is required). */
  overrideReason: z.string().max(2000).default(''),
})

export type ResetFormValues = z.infer<typeof ResetForm>

export type ResetFormResult =
  | { success: true; body: z.infer<typeof ResetBody> }
  | { success: false; field: 'password' | 'recipients' | 'overrideReason' | 'form' }

/**
 * The API body this form asks for, or the field that makes it invalid. Without permission for
 * permanent passwords the checkbox is disabled, and so never sent: the change stays required.
 */
export function toResetBody(form: ResetFormValues, allowPermanent: boolean): ResetFormResult {
  const parsed = ResetBody.safeParse({
    mode: form.mode,
    ...(form.mode === 'custom' ? { password: form.newPassword } : {}),
    requireChange: allowPermanent ? form.requireChange === 'true' : true,
    delivery:
      form.delivery === 'link'
        ? { method: 'link', recipients: form.recipients.split(/[\s,;]+/).filter(Boolean) }
        : { method: 'display' },
    ...(form.overrideReason.trim() ? { overrideReason: form.overrideReason } : {}),
  })
  if (parsed.success) return { success: true, body: parsed.data }
  const [first] = parsed.error.issues[0]?.path ?? []
  return { success: false, field: FIELDS[String(first)] ?? 'form' }
}

/** The form's field that a refused part of the body came from. */
const FIELDS: Record<string, 'password' | 'recipients' | 'overrideReason'> = {
  password: 'password',
  delivery: 'recipients',
  overrideReason: 'overrideReason',
}
