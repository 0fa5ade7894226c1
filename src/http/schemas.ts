import { z } from '@hono/zod-openapi'
import { auditEventNames } from '../core/audit-codes.ts'
import { languages } from '../core/languages.ts'
import { isDisplaySafeName, UNSAFE_NAME_MESSAGE } from '../core/names.ts'
import {
  MAX_REDIRECT_URI_LENGTH,
  REDIRECT_URI_MESSAGES,
  redirectUriProblem,
} from '../core/oidc/redirect-uris.ts'
import { MAX_PASSWORD_BYTES } from '../core/password-policy.ts'
import { roles } from '../core/roles.ts'
import { MAX_CLIENT_URIS } from '../services/clients.ts'
import { OVERRIDE_REASON_MAX, OVERRIDE_REASON_MIN } from '../core/verification-code.ts'
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
/** Starting an enrollment: the password again, so that a session alone cannot add a factor. */
export const StartTotpBody = z
  .strictObject({ currentPassword: password })
  .openapi('StartTotpRequest')
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

/** Why an admin resets without a verified caller, where one is required: one line, said plainly. */
export const overrideReason = z
  .string()
  .trim()
  .min(OVERRIDE_REASON_MIN)
  .max(OVERRIDE_REASON_MAX)
  .refine(isDisplaySafeName, { message: UNSAFE_NAME_MESSAGE })
  .openapi({
    description:
      'With ONCEPASS_REQUIRE_CALLER_VERIFICATION and no verified caller: why the reset goes ahead anyway (audited; every other global admin is told)',
  })

export const ResetBody = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('generate'),
      requireChange: z.boolean().optional(),
      delivery: Delivery.optional(),
      overrideReason: overrideReason.optional(),
    }),
    z.strictObject({
      mode: z.literal('custom'),
      password,
      requireChange: z.boolean().optional(),
      delivery: Delivery.optional(),
      overrideReason: overrideReason.optional(),
    }),
  ])
  .openapi('PasswordResetRequest')

export const MfaResetBody = z
  .strictObject({ overrideReason: overrideReason.optional() })
  .openapi('MfaResetRequest')

export const StartVerificationBody = z
  .strictObject({ method: z.enum(['totp', 'email']) })
  .openapi('StartVerificationRequest')

export const VerificationCodeBody = z
  .strictObject({ code: z.string().min(1).max(64).openapi({ example: '123456' }) })
  .openapi('VerificationCodeRequest')

export const VerificationStarted = z
  .object({
    verificationId: z.string(),
    method: z.enum(['totp', 'email']),
    expiresAt: isoTime,
  })
  .openapi('VerificationStarted')

export const VerificationPassed = z
  .object({ status: z.literal('verified'), validUntil: isoTime })
  .openapi('VerificationPassed')

export const VerificationIdParam = z.object({
  verificationId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'verificationId', in: 'path' } }),
})

export const ApprovalPending = z
  .object({
    approvalId: z.string(),
    status: z.literal('pending'),
    expiresAt: isoTime,
    alreadyPending: z.boolean().openapi({
      description: 'A request for this user was already waiting: this is that one, unchanged',
    }),
  })
  .openapi('ApprovalPending')

const approvalStatuses = [
  'pending',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'executed',
] as const

const CoverFields = {
  verification: z
    .object({
      method: z.enum(['totp', 'email']),
      verifiedAt: isoTime,
      verifiedBy: z.string(),
    })
    .nullable(),
  override: z.object({ reason: z.string(), by: z.string(), at: isoTime }).nullable(),
}

export const Approval = z
  .object({
    approvalId: z.string(),
    userId: z.string(),
    userEmail: z.string(),
    action: z.enum(['password_reset', 'mfa_reset']),
    status: z.enum(approvalStatuses),
    requestedBy: z.string(),
    requestedAt: isoTime,
    expiresAt: isoTime,
    parameters: z
      .object({
        requireChange: z.boolean(),
        delivery: z.union([
          z.object({ method: z.literal('display') }),
          z.object({ method: z.literal('link'), recipients: z.array(z.string()) }),
        ]),
      })
      .nullable(),
    ...CoverFields,
    decidedBy: z.string().nullable(),
    decidedAt: isoTime.nullable(),
    decisionReason: z.string().nullable(),
    passwordAvailableUntil: isoTime.nullable(),
    executedAt: isoTime.nullable(),
    resetId: z.string().nullable(),
  })
  .openapi('Approval')

export const ApprovalList = z.object({ items: z.array(Approval) }).openapi('ApprovalList')

export const ApprovalQuery = z.strictObject({ status: z.enum(approvalStatuses).optional() })

export const ApprovalIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

/**
 * No body, or an empty one: what runs on approval was fixed when it was asked, so a decision
 * carries nothing that could change it (any field is a 400).
 */
export const NoParametersBody = z.strictObject({}).openapi('NoParameters')

/** The approver's reason for a denial, told to the requester. */
export const DenyBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(OVERRIDE_REASON_MAX)
      .refine(isDisplaySafeName, { message: UNSAFE_NAME_MESSAGE }),
  })
  .openapi('DenyApprovalRequest')

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
    /**
     * base64url SHA-256 of the link's key (see the reveal page's script): the proof that the
     * caller holds the link. Without the right one nothing burns and nothing is counted.
     */
    keyCheck: z.string().min(1).max(64),
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
    ...CoverFields,
    approval: z
      .object({
        approvalId: z.string(),
        requestedBy: z.string(),
        approvedBy: z.string().nullable(),
        approvedAt: isoTime.nullable(),
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

/** A URI an app registers: compared exactly, so it must be in the form a URL parser writes. */
const appUri = z
  .string()
  .superRefine((uri, context) => {
    const problem = redirectUriProblem(uri)
    if (problem) context.addIssue({ code: 'custom', message: REDIRECT_URI_MESSAGES[problem] })
  })
  .openapi({ format: 'uri', maxLength: MAX_REDIRECT_URI_LENGTH })

const clientType = z.enum(['confidential', 'public']).openapi({
  description: '`confidential`: a web app with a secret; `public`: a single-page or native app',
})

export const CreateClientBody = z
  .strictObject({
    name: displayName,
    type: clientType,
    redirectUris: z.array(appUri).min(1).max(MAX_CLIENT_URIS),
    postLogoutRedirectUris: z.array(appUri).max(MAX_CLIENT_URIS).optional(),
    backchannelLogoutUri: appUri.nullable().optional(),
  })
  .openapi('CreateClientRequest')

export const Client = z
  .object({
    clientId: z.string(),
    name: z.string(),
    type: clientType,
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    backchannelLogoutUri: z.string().nullable(),
    createdAt: isoTime,
    secretRotatedAt: isoTime.nullable(),
  })
  .openapi('Client')

export const ClientList = z.object({ items: z.array(Client) }).openapi('ClientList')

export const ClientCreated = z
  .object({
    client: Client,
    clientSecret: z
      .string()
      .optional()
      .openapi({ description: 'Web apps only: shown in this response only' }),
  })
  .openapi('ClientCreated')

export const ClientSecretIssued = z
  .object({
    client: Client,
    clientSecret: z.string().openapi({ description: 'Shown in this response only' }),
  })
  .openapi('ClientSecretIssued')

export const ClientIdParam = z.object({
  clientId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'clientId', in: 'path' } }),
})

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
