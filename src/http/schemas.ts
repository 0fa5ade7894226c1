import { z } from '@hono/zod-openapi'
import { auditEventNames } from '../core/audit-codes.ts'
import { languages } from '../core/languages.ts'
import { isDisplaySafeName, UNSAFE_NAME_MESSAGE } from '../core/names.ts'
import { MAX_PASSWORD_BYTES } from '../core/password-policy.ts'
import { roles } from '../core/roles.ts'
import { isSearchableTerm } from '../core/search-text.ts'

// Request shapes are strict: an unknown field (say `role` or `mustChange` smuggled into a reset)
// is a 400, never silently honoured or ignored (mass assignment).

/** A password field: any text up to 1024 UTF-8 bytes; longer input never reaches argon2. */
const password = z
  .string()
  .min(1)
  .refine((value) => new TextEncoder().encode(value).length <= MAX_PASSWORD_BYTES, {
    message: `At most ${MAX_PASSWORD_BYTES} bytes.`,
  })
  .openapi({ format: 'password', maxLength: MAX_PASSWORD_BYTES })

/** A name people will see (a user's, a tenant's): no control, line-break or bidi characters. */
export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(isDisplaySafeName, { message: UNSAFE_NAME_MESSAGE })

const email = z.string().min(3).max(254).openapi({ example: 'ann@example.com' })
const isoTime = z.string().openapi({ format: 'date-time' })

export const SignInBody = z.strictObject({ email, password }).openapi('SignInRequest')
export const PasswordChangeBody = z
  .strictObject({ challengeToken: z.string().min(1).max(4096), newPassword: password })
  .openapi('PasswordChangeRequest')
export const RefreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(512) })
  .openapi('RefreshRequest')
export const SignOutBody = z
  .strictObject({ refreshToken: z.string().min(1).max(512).optional() })
  .openapi('SignOutRequest')
export const ChangeOwnPasswordBody = z
  .strictObject({ currentPassword: password, newPassword: password })
  .openapi('ChangeOwnPasswordRequest')
export const ForgotPasswordBody = z.strictObject({ email }).openapi('ForgotPasswordRequest')

/** A code as typed; anything that is not a current code is refused (and counted) by the service. */
const mfaCode = z.string().min(1).max(64).openapi({ example: '123456' })

export const MfaBody = z
  .union([
    z.strictObject({ mfaToken: z.string().min(1).max(4096), code: mfaCode }),
    z.strictObject({ mfaToken: z.string().min(1).max(4096), recoveryCode: mfaCode }),
  ])
  .openapi('MfaRequest')
export const MfaCodeBody = z.strictObject({ code: mfaCode }).openapi('MfaCodeRequest')
export const DisableTotpBody = z
  .strictObject({ currentPassword: password, code: mfaCode })
  .openapi('DisableTotpRequest')

export const MfaRequired = z
  .object({
    status: z.literal('mfa_required'),
    mfaToken: z.string(),
    expiresAt: isoTime,
    next: z.object({ method: z.literal('POST'), href: z.string() }),
  })
  .openapi('MfaRequired')

export const TotpEnrollment = z
  .object({
    secret: z.string().openapi({ description: 'base32, for typing into an authenticator app' }),
    otpauthUri: z.string(),
    qrSvg: z.string().openapi({ description: 'the otpauth URI as a QR code, SVG source' }),
    expiresAt: isoTime,
  })
  .openapi('TotpEnrollment')

export const RecoveryCodes = z
  .object({ recoveryCodes: z.array(z.string()).length(10) })
  .openapi('RecoveryCodes')

export const CreateUserBody = z
  .strictObject({
    email: z.email().max(254),
    displayName,
    role: z.enum(roles),
  })
  .openapi('CreateUserRequest')

export const Delivery = z
  .discriminatedUnion('method', [
    z.strictObject({ method: z.literal('display') }),
    z.strictObject({
      method: z.literal('link'),
      recipients: z.array(z.email().max(254)).min(1).max(5),
    }),
  ])
  .openapi('PasswordDelivery')

export const ResetBody = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('generate'),
      requireChange: z.boolean().optional(),
      delivery: Delivery.optional(),
    }),
    z.strictObject({
      mode: z.literal('custom'),
      password,
      requireChange: z.boolean().optional(),
      delivery: Delivery.optional(),
    }),
  ])
  .openapi('PasswordResetRequest')

export const SignedIn = z
  .object({
    status: z.literal('signed_in'),
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    refreshToken: z.string(),
  })
  .openapi('SignedIn')

export const PasswordChangeRequired = z
  .object({
    status: z.literal('password_change_required'),
    challengeToken: z.string(),
    expiresAt: isoTime,
    policy: z.object({
      minLength: z.number().int(),
      maxLength: z.number().int(),
      historySize: z.number().int(),
      rules: z.array(z.string()),
    }),
    next: z.object({ method: z.literal('POST'), href: z.string() }),
  })
  .openapi('PasswordChangeRequired')

export const Me = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(roles),
    tenantId: z.string(),
    language: z.enum(languages).openapi({
      description: "The language of notices to this user: their choice, else their browser's",
    }),
    mfa: z.object({ totp: z.boolean() }),
  })
  .openapi('Me')

export const UpdateMeBody = z
  .strictObject({ language: z.enum(languages) })
  .openapi('UpdateMeRequest')

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(roles),
    tenantId: z.string(),
    createdAt: isoTime,
    mfaEnrolled: z.boolean(),
    blocked: z.boolean().openapi({ description: 'Sign-in blocked by an admin' }),
    passwordState: z.object({
      mustChange: z.boolean(),
      temporaryExpiresAt: isoTime.nullable(),
      lastResetAt: isoTime.nullable(),
      lastResetBy: z.string().nullable(),
    }),
  })
  .openapi('User')

export const UserList = z
  .object({
    items: z.array(User),
    nextCursor: z.string().nullable(),
    previousCursor: z.string().nullable(),
    total: z
      .object({
        count: z.number().int(),
        exact: z.boolean().openapi({ description: 'false: at least this many' }),
      })
      .nullable()
      .openapi({ description: 'null when counting would read the whole tenant' }),
  })
  .openapi('UserList')

export const UserCreated = z
  .object({ user: User, temporaryPassword: z.string(), expiresAt: isoTime })
  .openapi('UserCreated')

export const ResetIssued = z
  .object({
    resetId: z.string(),
    userId: z.string(),
    temporaryPassword: z.string(),
    requireChange: z.boolean(),
    expiresAt: isoTime.nullable(),
    sessionsRevoked: z.number().int(),
  })
  .openapi('PasswordResetIssued')

export const ResetLinkIssued = z
  .object({
    resetId: z.string(),
    userId: z.string(),
    requireChange: z.boolean(),
    expiresAt: isoTime.nullable(),
    sessionsRevoked: z.number().int(),
    delivery: z.object({
      method: z.literal('link'),
      recipients: z.array(z.string()),
      linkExpiresAt: isoTime,
      failed: z.array(z.string()).optional(),
    }),
  })
  .openapi('PasswordResetLinkIssued')

export const RevealBody = z
  .strictObject({
    email,
    /** base64url SHA-256 of the link's key (see the reveal page's script): a damaged link burns nothing. */
    keyCheck: z.string().max(64).optional(),
  })
  .openapi('RevealRequest')
export const RevealIdParam = z.object({ id: z.string().min(1).max(64) })
export const Revealed = z
  .object({ ciphertext: z.string(), iv: z.string() })
  .openapi('RevealedCiphertext')

export const OutboxList = z
  .object({
    mailConfigured: z.boolean(),
    items: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        recipient: z.string(),
        notice: z.record(z.string(), z.unknown()),
        createdAt: isoTime,
        sentAt: isoTime.nullable(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
      }),
    ),
  })
  .openapi('OutboxList')

export const ResetStatus = z
  .object({
    status: z.enum(['none', 'pending', 'used', 'expired', 'superseded']),
    resetId: z.string().nullable(),
    issuedAt: isoTime.nullable(),
    issuedBy: z.string().nullable(),
    expiresAt: isoTime.nullable(),
    usedAt: isoTime.nullable(),
    supersededAt: isoTime.nullable(),
    delivery: z
      .object({
        method: z.enum(['display', 'link']),
        recipients: z.array(z.string()),
        sentAt: isoTime.nullable(),
        openedAt: isoTime.nullable(),
        failed: z.array(z.string()),
      })
      .nullable(),
  })
  .openapi('PasswordResetStatus')

export const SessionsRevoked = z
  .object({ sessionsRevoked: z.number().int() })
  .openapi('SessionsRevoked')

export const ResetRequestList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        userId: z.string(),
        email: z.string(),
        displayName: z.string(),
        role: z.enum(roles),
        createdAt: isoTime,
      }),
    ),
  })
  .openapi('PasswordResetRequestList')

export const AuditEventList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        at: isoTime,
        event: z.string(),
        actorId: z.string().nullable(),
        actorRole: z.string().nullable(),
        targetId: z.string().nullable(),
        outcome: z.string(),
        reason: z.string().nullable(),
        requestId: z.string().nullable(),
        ip: z.string().nullable(),
        details: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('AuditEventList')

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
  })
  .openapi('Problem')

export const UserIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

export const RequestIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

/** A yes/no filter in a query string: `true` or `false`, absent for either. */
const queryFlag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional()

export const ListQuery = z.strictObject({
  // A control character (a NUL, a line break) is never part of a name or an email: refused.
  search: z
    .string()
    .max(254)
    .refine(isSearchableTerm, { message: 'Must not contain control characters.' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  // A cursor by name holds the user's search key: longer than an email.
  cursor: z.string().max(2048).optional(),
  sort: z.enum(['email', 'name']).optional(),
  role: z.enum(roles).optional(),
  mustChange: queryFlag,
  mfaEnrolled: queryFlag,
  blocked: queryFlag,
})

export const AuditQuery = z.strictObject({
  userId: z.string().max(64).optional(),
  email: z.string().max(254).optional(),
  event: z.enum(auditEventNames).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(512).optional(),
})
