import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

// Times are integer milliseconds since the epoch (UTC) everywhere: one representation for both
// SQLite drivers and for the guarded raw statements of atomic writes.

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
})

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    /** Normalised (NFKC, trimmed, lower case): unique case-insensitively by construction. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['global_admin', 'password_admin', 'user'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Bumped by every password write; sessions and challenges are bound to it. */
    credentialVersion: integer('credential_version').notNull().default(1),
    /** Random id of the current credential: the guard that ties a batch's statements together. */
    credentialId: text('credential_id').notNull(),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull(),
    temporaryExpiresAt: integer('temporary_expires_at'),
    /** The only password-change challenge still accepted; a new sign-in replaces it. */
    challengeId: text('challenge_id'),
    passwordChangedAt: integer('password_changed_at'),
    lastResetAt: integer('last_reset_at'),
    lastResetBy: text('last_reset_by'),
    createdAt: integer('created_at').notNull(),
    /** The TOTP seed, sealed (AES-256-GCM, see core/secret-box.ts); never stored in plaintext. */
    totpSecret: text('totp_secret'),
    /** Null while an enrollment waits for its first code; set once it is confirmed. */
    totpConfirmedAt: integer('totp_confirmed_at'),
    /** An unconfirmed enrollment lapses at this time. */
    totpPendingExpiresAt: integer('totp_pending_expires_at'),
    /** The session that started the pending enrollment: only it is shown the seed, or confirms. */
    totpPendingSessionId: text('totp_pending_session_id'),
    /** The last time step accepted: a code is taken only for a later step (no replay). */
    totpLastStep: integer('totp_last_step'),
    /** The only MFA sign-in step still accepted; the next password sign-in replaces it. */
    mfaChallengeId: text('mfa_challenge_id'),
    /** Fresh random id of the latest accepted second factor: guards that write's batch. */
    mfaWriteId: text('mfa_write_id'),
    /**
     * The name and email case-folded (Unicode, NFKC) by the app, for search and for sorting by
     * name: see core/search-text.ts. Unique, as it holds the email.
     */
    searchKey: text('search_key').notNull().default(''),
    /** The language notices to this user are written in (en, nl, da, sv). */
    language: text('language').notNull().default('en'),
    /** Set by the user's own choice; until then each sign-in takes the browser's language. */
    languageChosen: integer('language_chosen', { mode: 'boolean' }).notNull().default(false),
    /** While set, the password signs nobody in: an admin blocked sign-in. */
    blockedAt: integer('blocked_at'),
  },
  (table) => [
    uniqueIndex('users_email_unique').on(table.email),
    index('users_tenant_email').on(table.tenantId, table.email),
    index('users_tenant_search_key').on(table.tenantId, table.searchKey),
  ],
)

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    credentialVersion: integer('credential_version').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Hard end of the session whatever its activity (absolute timeout). */
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokeReason: text('revoke_reason'),
    ip: text('ip'),
    /** When this session last proved a second factor (sign-in or step-up), for admin actions. */
    mfaVerifiedAt: integer('mfa_verified_at'),
  },
  (table) => [index('sessions_user').on(table.userId)],
)

/** One row per refresh token ever issued in a session (its family); only SHA-256 digests. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    issuedAt: integer('issued_at').notNull(),
    /** Idle timeout: a refresh token unused until then is dead. */
    expiresAt: integer('expires_at').notNull(),
    /** Set when exchanged; presenting it again is reuse and ends the family. */
    rotatedAt: integer('rotated_at'),
    /** Digest of the token that replaced this one: the guard of the rotation batch. */
    replacedBy: text('replaced_by'),
  },
  (table) => [index('refresh_tokens_session').on(table.sessionId)],
)

export const passwordHistory = sqliteTable(
  'password_history',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('password_history_user').on(table.userId, table.createdAt)],
)

export const passwordResets = sqliteTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Null when issued by the operator (CLI, first start). */
    issuedBy: text('issued_by'),
    issuedAt: integer('issued_at').notNull(),
    expiresAt: integer('expires_at'),
    requireChange: integer('require_change', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: ['pending', 'used', 'superseded'] }).notNull(),
    usedAt: integer('used_at'),
    supersededAt: integer('superseded_at'),
    /** How the password reached the user: shown to the admin, or one-time reveal links. */
    deliveryMethod: text('delivery_method', { enum: ['display', 'link'] })
      .notNull()
      .default('display'),
  },
  (table) => [index('password_resets_user').on(table.userId, table.issuedAt)],
)

/**
 * One-time reveal links of a reset, one per recipient. Only the AES-256-GCM ciphertext and its
 * IV are kept (the key lives in the link's fragment alone), and both are cleared when the links
 * burn: at the first reveal, at the attempt limit, or when a newer reset voids them.
 */
export const revealLinks = sqliteTable(
  'reveal_links',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    resetId: text('reset_id')
      .notNull()
      .references(() => passwordResets.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    recipient: text('recipient').notNull(),
    ciphertext: text('ciphertext'),
    iv: text('iv'),
    /** SHA-256 of the link's key (see `keyCheckOf`): a damaged link is told apart unburned. */
    keyCheck: text('key_check').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    sentAt: integer('sent_at'),
    sendFailedAt: integer('send_failed_at'),
    /** Set on the one link whose reveal succeeded. */
    openedAt: integer('opened_at'),
    burnedAt: integer('burned_at'),
    burnReason: text('burn_reason', { enum: ['revealed', 'superseded', 'attempts'] }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
  },
  (table) => [
    index('reveal_links_reset').on(table.resetId),
    index('reveal_links_live_by_user')
      .on(table.userId)
      .where(sql`burned_at is null`),
  ],
)

/**
 * Notices that carry no secret, written in the same atomic write as the change they report and
 * sent after commit with retries. Without a mail transport they stay here for admins to read.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    kind: text('kind').notNull(),
    recipient: text('recipient').notNull(),
    /** The notice as JSON (times, names, emails); never a password, key, link or token. */
    payload: text('payload').notNull(),
    createdAt: integer('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    sentAt: integer('sent_at'),
    lastError: text('last_error'),
  },
  (table) => [
    index('outbox_due')
      .on(table.nextAttemptAt)
      .where(sql`sent_at is null`),
    // Without a mail transport only app notices are sent, and mail waits unsent for good: this
    // one keeps each delivery pass from reading every mail ever queued.
    index('outbox_due_by_kind')
      .on(table.kind, table.nextAttemptAt)
      .where(sql`sent_at is null`),
    index('outbox_tenant_created').on(table.tenantId, table.createdAt),
  ],
)

/** Idempotency keys of admin resets, namespaced by admin; never the response or password. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    actorId: text('actor_id').notNull(),
    keyHash: text('key_hash').notNull(),
    requestHash: text('request_hash').notNull(),
    resetId: text('reset_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.actorId, table.keyHash] })],
)

export const passwordResetRequests = sqliteTable(
  'password_reset_requests',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    ip: text('ip'),
    closedAt: integer('closed_at'),
    closedReason: text('closed_reason'),
  },
  (table) => [
    index('password_reset_requests_tenant').on(table.tenantId, table.closedAt),
    // A reset closes the user's open request, and a new request checks there is none yet.
    index('password_reset_requests_open_by_user')
      .on(table.userId)
      .where(sql`closed_at is null`),
  ],
)

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    at: integer('at').notNull(),
    event: text('event').notNull(),
    actorId: text('actor_id'),
    actorRole: text('actor_role'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: ['success', 'denied', 'failure'] }).notNull(),
    reason: text('reason'),
    requestId: text('request_id'),
    ip: text('ip'),
    /** Extra non-secret facts as JSON (counts, ids). Never a password, hash or token. */
    details: text('details'),
  },
  (table) => [
    index('audit_events_tenant_at').on(table.tenantId, table.at),
    // The audit log filtered by event: a rare event is found without reading the whole log.
    index('audit_events_tenant_event_at').on(table.tenantId, table.event, table.at),
    index('audit_events_target').on(table.targetId, table.at),
    index('audit_events_actor').on(table.actorId, table.at),
    // The admin-reset rate limits count issued resets per admin and per target in the last
    // minute: small indexes of those rows alone, which other audit inserts never touch.
    index('audit_events_resets_by_actor')
      .on(table.actorId, table.at)
      .where(sql`event = 'password_reset_issued'`),
    index('audit_events_resets_of_target')
      .on(table.targetId, table.at)
      .where(sql`event = 'password_reset_issued'`),
  ],
)

/** One-time recovery codes, as keyed hashes only (see core/recovery-codes.ts). */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    usedAt: integer('used_at'),
    /** Fresh random id of the write that used the code: guards that write's batch. */
    usedWriteId: text('used_write_id'),
  },
  (table) => [index('recovery_codes_user').on(table.userId)],
)

/**
 * Failure counters for sign-in, one per account (normalised email, known or not) and per client
 * IP. The key is a keyed digest (HMAC) of the email or IP, never the text that was typed.
 */
export const signInThrottle = sqliteTable(
  'sign_in_throttle',
  {
    key: text('key').primaryKey(),
    /** Failures in the current window (the account's: since its last quiet period). */
    failures: integer('failures').notNull(),
    windowStartedAt: integer('window_started_at').notNull(),
    lastFailureAt: integer('last_failure_at').notNull().default(0),
    /** Failures since the last success or admin reset, whatever the time between them. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lockedUntil: integer('locked_until'),
    /** When the row may be deleted; null while it holds a hard stop. */
    expiresAt: integer('expires_at'),
  },
  (table) => [index('sign_in_throttle_expires').on(table.expiresAt)],
)

/**
 * Fixed-window counters for other abuse limits (forgot-password requests per IP and per email,
 * repeated refusals already audited, wrong reveal key checks per network), and the short-lived
 * sign-in memories: the networks an account signed in from lately (with their failures since)
 * and the wrong passwords just seen. Keys are digests or ids, never typed text.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    windowStartedAt: integer('window_started_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('rate_limits_expires').on(table.expiresAt)],
)

/**
 * The tenant's own apps that sign their users in through oncepass (OpenID Connect clients). The
 * secret is kept only as a keyed digest; removing an app keeps its row (so its id stays known and
 * answers `unauthorized_client`) and ends every grant it holds.
 */
export const oauthClients = sqliteTable(
  'oauth_clients',
  {
    /** The `client_id`. */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    type: text('type', { enum: ['confidential', 'public'] }).notNull(),
    /** HMAC of the secret under a key derived for this purpose (confidential apps only). */
    secretDigest: text('secret_digest'),
    /** JSON arrays of exact URIs. */
    redirectUris: text('redirect_uris').notNull(),
    postLogoutRedirectUris: text('post_logout_redirect_uris').notNull(),
    backchannelLogoutUri: text('backchannel_logout_uri'),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by'),
    secretRotatedAt: integer('secret_rotated_at'),
    removedAt: integer('removed_at'),
  },
  (table) => [index('oauth_clients_tenant').on(table.tenantId, table.createdAt)],
)

/**
 * One-time authorization codes, as SHA-256 digests: bound to the app, its redirect URI and PKCE
 * challenge, the user and the browser session that signed in. `grantId` is set when the code is
 * exchanged, so that a replay can end what the first exchange issued.
 */
export const authorizationCodes = sqliteTable(
  'authorization_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => oauthClients.id),
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    browserSessionId: text('browser_session_id').notNull(),
    redirectUri: text('redirect_uri').notNull(),
    codeChallenge: text('code_challenge').notNull(),
    scope: text('scope').notNull(),
    nonce: text('nonce'),
    /** When the user signed in, and whether with a second factor. */
    authTime: integer('auth_time').notNull(),
    mfa: integer('mfa', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    grantId: text('grant_id'),
  },
  (table) => [index('authorization_codes_expires').on(table.expiresAt)],
)

/**
 * What an app holds of a user's sign-in: its session with oncepass, behind its access and refresh
 * tokens. Bound to the user's credential version as browser sessions are, so that a reset, a
 * password change, a block or "End all sessions" ends it with the rest.
 */
export const appGrants = sqliteTable(
  'app_grants',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    clientId: text('client_id')
      .notNull()
      .references(() => oauthClients.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The browser session the user signed in with (the tokens' `sid`). */
    browserSessionId: text('browser_session_id').notNull(),
    scope: text('scope').notNull(),
    authTime: integer('auth_time').notNull(),
    mfa: integer('mfa', { mode: 'boolean' }).notNull(),
    credentialVersion: integer('credential_version').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Hard end whatever its use (the session's absolute limit). */
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (table) => [
    index('app_grants_user').on(table.userId),
    index('app_grants_browser_session').on(table.browserSessionId),
    index('app_grants_client').on(table.clientId),
  ],
)

/** Refresh tokens of app grants, one row per token ever issued (the family): digests only. */
export const appRefreshTokens = sqliteTable(
  'app_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    grantId: text('grant_id')
      .notNull()
      .references(() => appGrants.id),
    issuedAt: integer('issued_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    rotatedAt: integer('rotated_at'),
    replacedBy: text('replaced_by'),
  },
  (table) => [index('app_refresh_tokens_grant').on(table.grantId)],
)

/**
 * How an admin settled a caller's identity before a reset (the helpdesk's first guard): a code
 * from the user's authenticator app, a 6-digit code mailed to the address on file, or, where the
 * deployment requires a check, an override with the admin's written reason. Counts for that admin
 * and that user only, while the user's email is unchanged, and is used up by the first reset, MFA
 * reset or approval request it covers. A mailed code is kept only as a keyed digest.
 */
export const callerVerifications = sqliteTable(
  'caller_verifications',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    adminId: text('admin_id')
      .notNull()
      .references(() => users.id),
    method: text('method', { enum: ['totp', 'email', 'override'] }).notNull(),
    /** The user's email when it started: a verification does not survive a change of address. */
    email: text('email').notNull(),
    /** HMAC of the mailed code under a key derived for this purpose (email only). */
    codeDigest: text('code_digest'),
    /** The admin's reason for going ahead without a check (override only). */
    overrideReason: text('override_reason'),
    createdAt: integer('created_at').notNull(),
    /** The code must be entered before this. */
    expiresAt: integer('expires_at').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    verifiedAt: integer('verified_at'),
    /** A verified caller counts until this (15 minutes after the code was accepted). */
    validUntil: integer('valid_until'),
    closedAt: integer('closed_at'),
    closedReason: text('closed_reason', {
      enum: ['attempts', 'expired', 'superseded', 'send_failed'],
    }),
    usedAt: integer('used_at'),
    /** Fresh random id of the latest write that moved it: guards that write's later statements. */
    writeId: text('write_id'),
    usedFor: text('used_for', { enum: ['password_reset', 'mfa_reset', 'approval'] }),
    /** The reset's or the approval request's id. */
    usedRef: text('used_ref'),
  },
  (table) => [
    index('caller_verifications_admin_user').on(table.adminId, table.userId, table.createdAt),
    index('caller_verifications_used_ref').on(table.usedRef),
  ],
)

/**
 * A reset of an admin waiting for a second global admin (the helpdesk's second guard). What runs
 * on approval is fixed here when it is asked; no password is ever stored: a link reset runs at
 * approval, an on-screen one when the requester opens it (within `revealUntil`). At most one
 * request per user waits at a time.
 */
export const resetApprovals = sqliteTable(
  'reset_approvals',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    action: text('action', { enum: ['password_reset', 'mfa_reset'] }).notNull(),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: integer('requested_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** The reset as asked, as JSON (`requireChange`, `delivery`); null for an MFA reset. */
    parameters: text('parameters'),
    /** The caller verification (or override) that covered the request, if any. */
    verificationId: text('verification_id'),
    status: text('status', {
      enum: ['pending', 'approved', 'denied', 'cancelled', 'expired', 'executed'],
    }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    /** Why it was denied, as the approver wrote it. */
    decisionReason: text('decision_reason'),
    /** An approved on-screen reset can be shown to the requester until then. */
    revealUntil: integer('reveal_until'),
    executedAt: integer('executed_at'),
    resetId: text('reset_id'),
    /** Fresh random id of the latest write that moved it: guards that write's later statements. */
    writeId: text('write_id'),
  },
  (table) => [
    uniqueIndex('reset_approvals_one_pending')
      .on(table.userId)
      .where(sql`status = 'pending'`),
    index('reset_approvals_tenant_requested').on(table.tenantId, table.requestedAt),
    index('reset_approvals_reset').on(table.resetId),
  ],
)

export const schema = {
  tenants,
  users,
  sessions,
  refreshTokens,
  passwordHistory,
  passwordResets,
  idempotencyKeys,
  passwordResetRequests,
  auditEvents,
  signInThrottle,
  recoveryCodes,
  rateLimits,
  revealLinks,
  outbox,
  oauthClients,
  authorizationCodes,
  appGrants,
  appRefreshTokens,
  callerVerifications,
  resetApprovals,
}
