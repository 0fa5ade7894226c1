import type {
  AuditEventName,
  AuditOutcome,
  AuditReasonCode,
  MailSendCode,
} from '../../core/audit-codes.ts'
import type { ErrorCode } from '../../core/errors.ts'
import type { Notice, QueuedNotice } from '../../core/mail.ts'
import type { RedirectUriProblem } from '../../core/oidc/redirect-uris.ts'
import type { PolicyViolationCode } from '../../core/password-policy.ts'
import type { Role } from '../../core/roles.ts'

// English sets the shape of the copy (`Copy` is its type): each table keyed by a set of codes is
// checked against that whole set here, and every other language must then have the same keys.

type NoticeKind = Notice['kind'] | QueuedNotice['kind']

// Named once: the mails name these menus and buttons exactly as the pages show them.
const navRequests = 'Forgot-password requests'
const navAccount = 'Account'
const showPassword = 'Show password'
const navApprovals = 'Approvals'
const showNewPassword = 'Show the new password'

export const en = {
  appName: 'oncepass',
  languageName: 'English',
  language: 'Language',
  skipToContent: 'Skip to content',
  mainNav: 'Main',
  menu: 'Menu',
  navUsers: 'Users',
  navRequests,
  navAudit: 'Audit log',
  navOutbox: 'Notifications',
  navApps: 'Applications',
  outbox: {
    title: 'Notifications',
    noMail:
      'No mail transport is configured: notifications are not sent, and wait here for you to read.',
    empty: 'No notifications yet.',
    created: 'Created',
    recipient: 'Recipient',
    kind: 'About',
    state: 'Sent',
    waiting: (attempts: number) => (attempts ? `not yet (${attempts} attempts)` : 'not yet'),
    lastError: (reason: string) => `Last attempt: ${reason}`,
    otherKind: 'Another notification',
    kinds: {
      password_reset_by_admin: 'An admin reset the password',
      password_changed: 'The password was changed',
      forgot_password_request: 'A forgot-password request',
      mfa_enrolled: 'Two-step verification was turned on',
      mfa_disabled: 'Two-step verification was turned off',
      mfa_reset_by_admin: 'An admin removed two-step verification',
      mfa_code_replayed: 'A verification code was used twice',
      reveal_link: 'A one-time link to a new password',
      backchannel_logout: 'An application was told the user signed out',
      caller_verification_code: 'A code to confirm the user’s identity',
      caller_verification_started: 'An admin started checking the user’s identity',
      caller_verification_succeeded: 'The user’s identity was confirmed to an admin',
      caller_verification_overridden: 'A reset without an identity check',
      approval_requested: 'A reset of an admin waits for approval',
      approval_decided: 'A request for approval was decided',
      signed_out_by_admin: 'An admin signed the user out of all sessions',
      sign_in_blocked: 'An admin blocked sign-in',
      sign_in_unblocked: 'An admin unblocked sign-in',
    } satisfies Record<NoticeKind, string>,
  },
  navAccount,
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  // Sign-in and the forced change
  signInTitle: 'Sign in',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  forgotPassword: 'Forgot password?',
  invalidCredentials: 'The email or password is incorrect.',
  tooManyAttempts: (wait: string) => `Too many attempts. Try again in ${wait}.`,
  temporaryExpired:
    'This temporary password has expired. Ask an administrator for a new one, or use "Forgot password?".',
  changeTitle: 'Set a new password',
  changeIntro: 'Your password was set by an administrator. Choose your own before you continue.',
  newPassword: 'New password',
  currentPassword: 'Current password',
  changePassword: 'Change password',
  policyHeading: 'Your new password must be',
  policyLength: (min: number, max: number) => `${min} to ${max} characters long`,
  policyCommon: 'not a commonly used password',
  policyEmail: 'not containing the name part of your email',
  policyService: 'not the name oncepass padded with digits or symbols',
  policyTemporary: 'different from the temporary password',
  policyHistory: (n: number) => `not one of your last ${n} passwords`,
  policyProblems: 'Fix these first:',
  violation: {
    TOO_SHORT: (min: number) => `Use at least ${min} characters.`,
    TOO_LONG: (max: number) => `Use at most ${max} characters.`,
    COMMON_PASSWORD: 'This password is on a list of commonly used passwords.',
    CONTAINS_EMAIL: 'The password must not contain the name part of your email.',
    CONTAINS_SERVICE_NAME:
      'The password must be more than the name of this service padded with digits or symbols.',
    SAME_AS_TEMPORARY: 'The new password must differ from the temporary password.',
    RECENTLY_USED: 'This password was used recently; choose another.',
  } satisfies Record<PolicyViolationCode, string | ((n: number) => string)>,
  challengeExpired: 'Your sign-in step expired. Sign in again with your temporary password.',
  mfaTitle: 'Two-step verification',
  mfaIntro: 'Enter the code from your authenticator app, or one of your recovery codes.',
  verificationCode: 'Verification code',
  codeToTurnOff: 'Code from your authenticator app',
  verify: 'Verify',
  invalidCode: 'This code is not valid.',
  mfaExpired: 'Your sign-in step expired. Sign in again.',
  showPassword,
  hidePassword: 'Hide password',
  forgotTitle: 'Forgot your password?',
  forgotIntro:
    'Enter your email. An administrator of your organisation will see your request and give you a temporary password.',
  sendRequest: 'Send request',
  forgotDone:
    'Thank you. If an account exists for this email, your administrators have been asked to reset its password.',
  backToSignIn: 'Back to sign in',
  // Admin: users
  usersTitle: 'Users',
  search: 'Search',
  searchLabel: 'Search by email or name',
  addUser: 'Add user',
  displayName: 'Display name',
  name: 'Name',
  role: 'Role',
  passwordState: 'Password',
  actions: 'Actions',
  roles: {
    global_admin: 'Global admin',
    password_admin: 'Password admin',
    user: 'User',
  } satisfies Record<Role, string>,
  mustChange: 'Must change at next sign-in',
  temporaryExpires: (at: string) => `Temporary password expires ${at}`,
  lastReset: (by: string, at: string) => `Last reset by ${by}, ${at}`,
  // The CLI's resets (no admin id): named for what it is to an admin reading the page.
  byOperator: 'the system administrator (command line)',
  byYou: 'you',
  byAdmin: 'an admin',
  passwordSet: 'Set by the user',
  resetPasswordFor: (email: string) => `Reset password for ${email}`,
  noUsers: 'No users match.',
  nextPage: 'Next page',
  firstPage: 'First page',
  previousPage: 'Previous page',
  userFilters: {
    anyRole: 'All roles',
    any: 'Any',
    on: 'On',
    off: 'Off',
    sortBy: 'Sort by',
    clear: 'Clear search and filters',
    total: (n: number, count: string) => (n === 1 ? '1 user' : `${count} users`),
    found: (n: number, count: string) => (n === 1 ? '1 user found' : `${count} users found`),
    moreThan: (count: string) => `More than ${count} users`,
    pages: 'Pages of users',
  },
  resetNotOffered: {
    CANNOT_RESET_SELF: `Your own account: change your password under ${navAccount}`,
    FORBIDDEN_ROLE: 'Only a global admin can reset this password',
  },
  create: 'Add user',
  emailTaken: 'A user with this email already exists.',
  userAddedTitle: 'User added',
  // Reset pane and confirmation
  resetTitle: 'Reset password',
  passwordChoice: 'How to set the password',
  autoPassword: 'Automatically create a password',
  customPassword: 'Let me create the password',
  requireChange: 'Require this user to change their password when they first sign in',
  requireChangeFixed: 'This deployment requires every admin-set password to be changed.',
  delivery: 'Delivery',
  deliverDisplay: 'Show the password on screen',
  deliverLink: 'Send a one-time link',
  recipients: 'Recipients',
  linkUnavailable: 'Sending a link needs a mail transport, which is not configured yet.',
  linkHowToEnable:
    'To send the password as a one-time link instead, set up mail: ONCEPASS_SMTP_URL on a server, or a send_email binding named MAIL in wrangler.toml on Cloudflare Workers.',
  recipientsHint: 'Up to five addresses, separated by commas. Each gets its own one-time link.',
  recipientsInvalid: 'Enter one to five valid email addresses, separated by commas.',
  linksSentTo: 'A one-time link was sent to',
  linksFailed: 'The mail could not be sent to',
  linksNoPassword:
    'You will not see the password: the first person to open a link sees it once, and every link then stops working.',
  linkExpires: (when: string) => `The links expire with the temporary password, at ${when}.`,
  linkOpenedAt: 'Link opened',
  linkNotOpened: 'not opened yet',
  sendNewLink: 'Send a new link',
  resetPassword: 'Reset password',
  resetDoneTitle: 'Password has been reset',
  temporaryPassword: 'Temporary password',
  copy: 'Copy',
  copied: 'Copied',
  expires: (at: string) => `Expires ${at}.`,
  notShownAgain:
    'This password will not be shown again. Copy it now and give it to the user in a safe way.',
  mustChangeNote: 'The user must choose a new password when they first sign in.',
  sessionsEnded: (n: number) =>
    n === 0
      ? 'The user was not signed in anywhere.'
      : `The user was signed out of ${n === 1 ? '1 open session' : `${n} open sessions`}.`,
  alreadyResetTitle: 'This reset was already done',
  alreadyReset:
    'This form was already used to reset the password, so no new password was made and the password is not shown again.',
  viewStatus: 'See the reset status',
  backToUsers: 'Back to users',
  cannotReset: 'Your role does not allow resetting this user’s password.',
  cannotResetSelf: `Use the ${navAccount} page to change your own password.`,
  permanentNotAllowed: 'This deployment does not allow permanent admin-set passwords.',
  rateLimited: 'Too many resets just now. Wait a minute and try again.',
  // User detail
  userDetail: 'User details',
  resetStatus: 'Latest reset',
  statuses: {
    none: 'No reset yet',
    pending: 'Pending: not used yet',
    used: 'Used: the user has set a new password',
    expired: 'Expired unused',
    superseded: 'Superseded by a newer reset',
  },
  issuedAt: 'Issued',
  issuedBy: 'Issued by',
  expiresLabel: 'Expires',
  usedAt: 'Used',
  auditTrail: 'Audit trail',
  // Helpdesk: verify the caller
  helpdesk: {
    title: 'Verify identity',
    verifyIdentity: 'Verify identity',
    intro:
      'Before you reset anything for someone who calls, check that it is them: they read out a code from their authenticator app, or a code sent to their email on file.',
    methods: 'How to check',
    methodTotp: 'Code from their authenticator app',
    methodEmail: 'Send a code by email',
    noTotp: 'This user has not set up an authenticator app.',
    noMail: 'Sending a code needs a mail transport, which is not configured yet.',
    noMethod:
      'This user cannot be checked here: they have no authenticator app, and no mail transport is configured.',
    notVerified: 'Not verified',
    verifiedByYou: (at: string, method: string) => `Identity verified by you at ${at}, ${method}`,
    methodNames: { totp: 'authenticator app', email: 'code by email' },
    timeLeft: (n: number) => (n === 1 ? '1 minute left' : `${n} minutes left`),
    scope: 'It counts for you and this user only, and the next reset uses it up.',
    required:
      'This organisation requires a verified caller, or a written reason, before any reset.',
    codeIntroTotp:
      'Ask the caller to open their authenticator app and read out the 6-digit code it shows for oncepass.',
    codeIntroEmail: (email: string) =>
      `A 6-digit code was sent to ${email}. Ask the caller to read it out to you.`,
    codeUntil: (at: string) => `Enter it before ${at}.`,
    checkCode: 'Check code',
    wrongCode: (left: number) =>
      `That code is not right. ${left === 1 ? '1 try left' : `${left} tries left`}.`,
    gone: 'This check has ended: its code expired, was entered wrongly too often, or a newer check replaced it. Start again.',
    verified: 'Identity verified.',
    backToUser: 'Back to the user',
    overrideLabel: 'Reason to reset without verifying',
    overrideHint:
      'At least 10 characters. It is recorded in the audit log, and every other global admin is told.',
    coverLabel: 'Identity check',
    coverVerified: (by: string, at: string, method: string) =>
      `Verified by ${by} at ${at}, ${method}`,
    coverOverride: (by: string, reason: string) =>
      `Not verified: ${by} gave the reason “${reason}”`,
    coverNone: 'Not checked',
    approvedBy: 'Approved by',
    approvedByAt: (by: string, at: string) => `${by}, ${at}`,
  },
  // Helpdesk: a second admin approves resets of admins
  approvals: {
    nav: navApprovals,
    waitingCount: (n: number) => `${n} waiting`,
    title: navApprovals,
    intro:
      'Password and two-step verification resets of admins wait here for another global admin to approve or deny them.',
    waiting: 'Waiting for a decision',
    others: 'Decided or ended',
    none: 'No requests.',
    openRequest: (email: string) => `Request for ${email}`,
    user: 'User',
    action: 'What',
    requestedBy: 'Asked by',
    requestedAt: 'Asked',
    expiresAt: 'Expires',
    status: 'Status',
    actions: { password_reset: 'Password reset', mfa_reset: 'Two-step verification reset' },
    statuses: {
      pending: 'Waiting for a decision',
      approved: 'Approved: waiting to be shown',
      denied: 'Denied',
      cancelled: 'Cancelled',
      expired: 'Expired',
      executed: 'Done',
    },
    requestTitle: 'Approval request',
    delivery: 'Delivery',
    deliveryDisplay: 'Shown once on screen, to the admin who asked',
    deliveryLink: (recipients: string) => `One-time links to ${recipients}`,
    mustChange: 'Must change at next sign-in',
    yes: 'Yes',
    no: 'No',
    decidedBy: 'Decided by',
    reason: 'Reason',
    approve: 'Approve',
    deny: 'Deny',
    denyReason: 'Reason for denying',
    denyHint: 'The admin who asked is told this reason.',
    cancel: 'Cancel request',
    showPassword: showNewPassword,
    showWithin: (at: string) => `Approved. You can show the new password once, until ${at}.`,
    waitingForRequester: (at: string) =>
      `Approved. The admin who asked can show the new password until ${at}.`,
    notEligible: 'Another global admin decides this request: you asked for it, or it is about you.',
    approvedDone: 'Approved. The reset has been carried out.',
    approvedWaits:
      'Approved. The admin who asked has been told to show the password within an hour.',
    deniedDone: 'Denied. The admin who asked has been told.',
    cancelledDone: 'The request was cancelled.',
    requestedTitle: 'Waiting for approval',
    requested: (email: string, until: string) =>
      `Resetting ${email} needs the approval of another global admin. The request waits until ${until}, and the other global admins have been told.`,
    alreadyRequested:
      'A request for this user was already waiting, so that request stands as it was asked.',
    viewRequest: 'See the request',
    paneNotice:
      'Resetting an admin needs the approval of another global admin. Your request waits up to 24 hours, and the password is generated when it runs.',
    customUnavailable: 'A reset that waits for approval generates its password.',
  },
  // Queue and audit
  requestsTitle: navRequests,
  requestedAt: 'Requested',
  noRequests: 'No open requests.',
  dismiss: 'Dismiss',
  dismissRequestOf: (email: string) => `Dismiss the request of ${email}`,
  openRequests: (count: number, more: boolean) =>
    more ? `more than ${count} open` : `${count} open`,
  requestDismissed: 'The request was dismissed and has left the queue. No password was changed.',
  auditTitle: 'Audit log',
  auditFilters: {
    repeated: (n: number, last: string) => `${n} times in all, the last at ${last}`,
    email: 'Email of a user (by or about)',
    event: 'Event',
    anyEvent: 'All events',
    from: 'From',
    to: 'To (inclusive)',
    clear: 'Clear filters',
    unknownEmail: 'No user of your organisation has this email.',
    happened: 'What happened',
  },
  filter: 'Filter',
  when: 'When',
  event: 'Event',
  actor: 'Actor',
  target: 'Target',
  outcome: 'Outcome',
  reason: 'Reason',
  ip: 'IP',
  noEvents: 'No events.',
  audit: {
    events: {
      tenant_created: 'Organisation set up',
      user_created: 'User added',
      password_reset_issued: 'Password reset',
      password_reset_denied: 'Password reset refused',
      password_reset_expired_use: 'Sign-in with an expired temporary password',
      authn_login_success: 'Signed in',
      authn_login_fail: 'Sign-in failed',
      authn_login_lock: 'Sign-in locked after repeated failures',
      authn_password_change_required: 'Signed in with a password that must be changed',
      authn_password_change: 'Password change',
      authn_token_revoked: 'Sessions ended',
      authn_token_reuse: 'A used token or code presented again',
      access_denied: 'Admin page or action refused',
      password_reset_requested: 'Forgot-password request',
      reveal_opened: 'One-time link opened',
      reveal_denied: 'One-time link refused',
      reveal_mail_failed: 'One-time link not sent',
      mfa_enrollment_started: 'Two-step verification setup started',
      mfa_enrolled: 'Two-step verification turned on',
      mfa_disabled: 'Two-step verification turned off',
      mfa_reset: 'Two-step verification reset by an admin',
      mfa_reset_denied: 'Two-step verification reset refused',
      authn_mfa_required: 'Password accepted, verification code asked for',
      authn_mfa_fail: 'Two-step verification failed',
      authn_mfa_step_up: 'Verified again with the authenticator app',
      caller_verification_started: 'Identity check started',
      caller_verification_failed: 'Identity check: wrong code',
      caller_verification_verified: 'Identity verified',
      caller_verification_expired: 'Identity check ended unused',
      caller_verification_used: 'Identity check used for a reset',
      caller_verification_overridden: 'Reset without an identity check',
      approval_requested: 'Approval asked for',
      approval_approved: 'Approved',
      approval_denied: 'Approval declined',
      approval_cancelled: 'Approval request cancelled',
      approval_expired: 'Approval request expired',
      approval_executed: 'Approved reset carried out',
      approval_decision_refused: 'Approval decision refused',
      app_registered: 'An application was added',
      app_removed: 'An application was removed',
      app_secret_rotated: 'An application got a new secret',
      app_sign_in: 'Signed in to an application',
      user_blocked: 'Sign-in blocked',
      user_unblocked: 'Sign-in unblocked',
      user_block_denied: 'Blocking sign-in refused',
      user_unblock_denied: 'Unblocking sign-in refused',
      user_sign_out_denied: 'Signing out of all sessions refused',
      password_reset_request_dismissed: 'Forgot-password request dismissed',
      password_reset_request_dismiss_denied: 'Dismissing a forgot-password request refused',
    } satisfies Record<AuditEventName, string>,
    sentences: {
      tenant_created: () => 'The organisation was set up',
      user_created: (actor: string, user: string) => `${actor} added ${user}`,
      password_reset_issued: (actor: string, user: string) =>
        `${actor} reset the password of ${user}`,
      password_reset_denied: (actor: string, user: string) =>
        `${actor} was refused a password reset of ${user}`,
      password_reset_expired_use: (_: string, user: string) =>
        `${user} tried to sign in with an expired temporary password`,
      authn_login_success: (_: string, user: string) => `${user} signed in`,
      authn_login_fail: (_: string, user: string) => `A sign-in as ${user} failed`,
      authn_login_lock: (_: string, user: string) =>
        `Sign-in as ${user} was locked after repeated failures`,
      authn_password_change_required: (_: string, user: string) =>
        `${user} signed in with a temporary password and was asked to choose a new one`,
      authn_password_change: (_: string, user: string) => `${user} chose a new password`,
      authn_token_revoked: (_: string, user: string) => `The sessions of ${user} were ended`,
      authn_token_reuse: (_: string, user: string) =>
        `A used token or code of ${user} was presented again`,
      password_reset_requested: (_: string, user: string) =>
        `A password reset was asked for ${user}`,
      reveal_opened: (_: string, user: string) =>
        `A one-time link with the password of ${user} was opened`,
      reveal_denied: (_: string, user: string) => `A one-time link for ${user} was refused`,
      reveal_mail_failed: (_: string, user: string) =>
        `A one-time link for ${user} could not be sent`,
      mfa_enrollment_started: (_: string, user: string) =>
        `${user} started setting up two-step verification`,
      mfa_enrolled: (_: string, user: string) => `${user} turned on two-step verification`,
      mfa_disabled: (_: string, user: string) => `${user} turned off two-step verification`,
      mfa_reset: (actor: string, user: string) =>
        `${actor} reset the two-step verification of ${user}`,
      mfa_reset_denied: (actor: string, user: string) =>
        `${actor} was refused a reset of the two-step verification of ${user}`,
      authn_mfa_required: (_: string, user: string) =>
        `${user} entered the right password and was asked for a verification code`,
      authn_mfa_fail: (_: string, user: string) => `Two-step verification failed for ${user}`,
      authn_mfa_step_up: (_: string, user: string) =>
        `${user} verified again with the authenticator app`,
      app_registered: (actor: string) => `${actor} added an application`,
      app_removed: (actor: string) => `${actor} removed an application`,
      app_secret_rotated: (actor: string) => `${actor} gave an application a new secret`,
      app_sign_in: (_: string, user: string) => `${user} signed in to an application`,
      user_blocked: (actor: string, user: string) => `${actor} blocked sign-in for ${user}`,
      user_unblocked: (actor: string, user: string) => `${actor} unblocked sign-in for ${user}`,
      user_block_denied: (actor: string, user: string) =>
        `${actor} was refused blocking sign-in for ${user}`,
      user_unblock_denied: (actor: string, user: string) =>
        `${actor} was refused unblocking sign-in for ${user}`,
      user_sign_out_denied: (actor: string, user: string) =>
        `${actor} was refused signing ${user} out of all sessions`,
      password_reset_request_dismissed: (actor: string, user: string) =>
        `${actor} dismissed the forgot-password request of ${user}`,
      password_reset_request_dismiss_denied: (actor: string, user: string) =>
        `${actor} was refused dismissing a forgot-password request of ${user}`,
      access_denied: (actor: string) => `${actor} was refused an admin page or action`,
      caller_verification_started: (actor: string, user: string) =>
        `${actor} started checking the identity of ${user}`,
      caller_verification_failed: (actor: string, user: string) =>
        `${actor} entered a wrong code checking the identity of ${user}`,
      caller_verification_verified: (actor: string, user: string) =>
        `${actor} verified the identity of ${user}`,
      caller_verification_expired: (_: string, user: string) =>
        `The identity check of ${user} ended unused`,
      caller_verification_used: (actor: string, user: string) =>
        `${actor} used the identity check of ${user} for a reset`,
      caller_verification_overridden: (actor: string, user: string) =>
        `${actor} went ahead for ${user} without an identity check`,
      approval_requested: (actor: string, user: string) =>
        `${actor} asked for approval to reset ${user}`,
      approval_approved: (actor: string, user: string) => `${actor} approved a reset of ${user}`,
      approval_denied: (actor: string, user: string) => `${actor} declined a reset of ${user}`,
      approval_cancelled: (actor: string, user: string) =>
        `${actor} cancelled the request to reset ${user}`,
      approval_expired: (_: string, user: string) =>
        `The request to reset ${user} expired undecided`,
      approval_executed: (actor: string, user: string) =>
        `${actor} carried out the approved reset of ${user}`,
      approval_decision_refused: (actor: string, user: string) =>
        `${actor} was refused deciding on a reset of ${user}`,
    } satisfies Record<AuditEventName, (actor: string, user: string) => string>,
    someone: 'someone',
    unknownAccount: 'an email with no account',
    outcomes: {
      success: 'Succeeded',
      denied: 'Refused',
      failure: 'Failed',
    } satisfies Record<AuditOutcome, string>,
    // Error codes are put into words by `errors`; these are the other reasons.
    reasons: {
      UNKNOWN_ACCOUNT: 'No account has this email.',
      WRONG_EMAIL: 'The email typed is not the account’s.',
      SIGN_OUT: 'Signed out.',
      SIGN_OUT_EVERYWHERE: 'Signed out everywhere.',
      PASSWORD_RESET: 'The password was reset.',
      PASSWORD_CHANGE: 'The password was changed.',
      MFA_RESET: 'Two-step verification was reset.',
      REFRESH_TOKEN_REUSE: 'A refresh token was used a second time.',
      FORCED_CHANGE: 'Required after a reset.',
      SELF_SERVICE: 'Changed by the user.',
      TEMPORARY: 'Temporary: to be changed at the next sign-in.',
      PERMANENT: 'Permanent: no change required.',
      SAME_AS_TEMPORARY: 'The same as the temporary password.',
      RECENTLY_USED: 'A recently used password.',
      MFA_CODE_REPLAYED: 'A verification code was used a second time.',
      FACTOR_REMOVED: 'The authenticator app was removed.',
      NO_FACTOR: 'There was nothing to remove.',
      TOTP_CODE: 'With a code from the authenticator app.',
      EMAIL_CODE: 'With a code sent by email.',
      CODE_ATTEMPTS: 'Too many wrong codes.',
      CODE_EXPIRED: 'The code expired.',
      EMAIL_CHANGED: 'The user’s email changed.',
      FOR_PASSWORD_RESET: 'For a password reset.',
      FOR_MFA_RESET: 'For a two-step verification reset.',
      REASON_GIVEN: 'A written reason was given instead.',
      APP_REMOVED: 'The application was removed.',
      APP_SIGN_OUT: 'Signed out through an application.',
      APP_TOKEN_REVOKED: 'The application gave up its access.',
      CODE_REPLAYED: 'A one-time sign-in code was used a second time.',
      OTHER_TENANT: 'The application belongs to another organisation.',
      ADMIN_SIGN_OUT: 'Signed out of all sessions by an admin.',
      SEND_FAILED: 'The mail could not be sent.',
      ECONNECTION: 'No connection to the mail server.',
      ECONNREFUSED: 'The mail server refused the connection.',
      ETIMEDOUT: 'The mail server did not answer in time.',
      ESOCKET: 'The connection to the mail server broke off.',
      EDNS: 'The mail server’s name could not be looked up.',
      ETLS: 'No secure connection to the mail server.',
      EREQUIRETLS: 'The mail server offers no secure connection.',
      EAUTH: 'The mail server refused the user name or password.',
      ENOAUTH: 'The mail server needs a user name and password.',
      EENVELOPE: 'The mail server refused the sender or a recipient.',
      EMESSAGE: 'The message could not be put together.',
      EPROTOCOL: 'The mail server answered in a way that was not expected.',
    } satisfies Record<AuditReasonCode | MailSendCode, string>,
    smtpReply: (code: number) => `The mail server refused the message (reply ${code}).`,
    httpReply: (code: number) => `The application answered with HTTP status ${code}.`,
    otherEvent: 'Other event',
    otherOutcome: 'Other',
    otherReason: 'Another reason.',
  },
  userActions: {
    title: 'Sign-in and security',
    signIn: 'Sign-in',
    allowed: 'Allowed',
    blocked: 'Blocked',
    resetTwoStep: 'Reset two-step verification',
    signOutAll: 'Sign out of all sessions',
    block: 'Block sign-in',
    unblock: 'Unblock sign-in',
    cancel: 'Cancel',
    titles: {
      'mfa-reset': 'Reset two-step verification?',
      'sign-out': 'Sign out of all sessions?',
      block: 'Block sign-in?',
      unblock: 'Unblock sign-in?',
      'new-link': 'Send a new link?',
    },
    explain: {
      'mfa-reset': (who: string) =>
        `${who} will sign in with the password alone and can set up two-step verification again. Every session ends, and the user is told by email.`,
      'sign-out': (who: string) =>
        `${who} is signed out on every device and in every application, and is told by email. The password stays as it is.`,
      block: (who: string) =>
        `${who} can no longer sign in and is signed out on every device and in every application, and is told by email. You can unblock sign-in at any time.`,
      unblock: (who: string) =>
        `${who} can sign in again with the same password, and is told by email.`,
      'new-link': (who: string) =>
        `A new password is made for ${who} and a one-time link to it is sent to the addresses below. The links sent before stop working.`,
    },
    done: {
      'mfa-reset': (who: string) => `Two-step verification of ${who} was reset.`,
      'sign-out': (who: string, n: number) =>
        n === 0
          ? `${who} had no open session: nothing needed to end.`
          : `${who} was signed out of ${n === 1 ? '1 session' : `${n} sessions`}.`,
      block: (who: string) => `Sign-in is blocked for ${who}.`,
      unblock: (who: string) => `${who} can sign in again.`,
    },
    blockedBadge: 'Sign-in blocked',
  },
  // Account
  accountTitle: navAccount,
  changeOwnTitle: 'Change my password',
  passwordChanged: 'Your password has been changed. Your other sessions have ended.',
  passwordSetFlash: 'Your new password is set. You are signed in.',
  wrongCurrent: 'The current password is incorrect.',
  signOutEverywhere: 'Sign out everywhere',
  // Not "Sign out …": the header's Sign out button must be the only one by that name.
  endAllSessions: 'End all sessions',
  signOutEverywhereIntro: 'Ends every session of your account, on every device, this one included.',
  twoStepTitle: 'Two-step verification',
  twoStepIntro: 'A code from an authenticator app on your phone, asked for after your password.',
  twoStepOn: 'Two-step verification is on.',
  twoStepOff: 'Two-step verification is off.',
  setUpTwoStep: 'Set up two-step verification',
  scanQr:
    'Scan this QR code with your authenticator app, or type the key into it. Then enter the code it shows.',
  qrCode: 'QR code',
  secretKey: 'Key',
  turnOn: 'Turn on',
  recoveryTitle: 'Recovery codes',
  recoveryIntro:
    'Each code signs you in once if you lose your phone. Keep them somewhere safe: they will not be shown again.',
  download: 'Download',
  turnOffTwoStep: 'Turn off two-step verification',
  setupLapsed: 'The setup expired. Start again.',
  mfaEnrollmentRequired:
    'Set up two-step verification on your account before you reset a password or add a user.',
  stepUpRequired:
    'Verify with your authenticator app again before you reset a password or add a user: it has been more than 15 minutes.',
  verifyAgain: 'Verify again',
  verified: 'Verified.',
  // Errors: every code, for people (the code itself is for programs)
  errors: {
    VALIDATION_FAILED: 'Some fields are missing or not valid.',
    MALFORMED_JSON: 'The request could not be read.',
    INVALID_IDEMPOTENCY_KEY: 'The request’s one-time key is not valid.',
    UNAUTHENTICATED: 'Signing in is required.',
    INVALID_CREDENTIALS: 'The email or password is incorrect.',
    TEMPORARY_PASSWORD_EXPIRED: 'The temporary password has expired.',
    INVALID_CHALLENGE: 'The password-change step has expired or is not valid. Sign in again.',
    INVALID_REFRESH_TOKEN: 'The session has ended. Sign in again.',
    INVALID_MFA_TOKEN: 'The two-step sign-in has expired or is not valid. Sign in again.',
    INVALID_MFA_CODE: 'The verification code is not valid.',
    INVALID_CURRENT_PASSWORD: 'The current password is incorrect.',
    FORBIDDEN: 'This is not allowed.',
    FORBIDDEN_ROLE: 'The role does not allow this for this user.',
    CANNOT_RESET_SELF: `Admins change their own password on the ${navAccount} page, not by a reset.`,
    PASSWORD_CHANGE_REQUIRED: 'A new password must be set first.',
    MFA_ENROLLMENT_REQUIRED: 'Two-step verification must be set up on the admin’s account first.',
    STEP_UP_REQUIRED: 'A fresh code from the authenticator app is needed first.',
    VERIFICATION_REQUIRED:
      'Verify the caller’s identity first, or give a reason to go ahead without it.',
    APPROVER_NOT_ELIGIBLE:
      'Another global admin decides this: not the one who asked, nor the user it is about.',
    CANNOT_MANAGE_SELF: 'Admins cannot do this to their own account.',
    SIGN_IN_BLOCKED: 'An administrator has blocked sign-in to this account.',
    CROSS_SITE_REQUEST: 'The request came from another site, so it was refused.',
    NOT_FOUND: 'What was asked for does not exist.',
    METHOD_NOT_ALLOWED: 'This action is not possible here.',
    RESET_ALREADY_ISSUED: 'This reset was already done; no new password was made.',
    ALREADY_SET_UP: 'oncepass is already set up.',
    EMAIL_TAKEN: 'A user with this email already exists.',
    MFA_ALREADY_ENROLLED: 'Two-step verification is already on.',
    MFA_NOT_ENROLLED: 'Two-step verification is not on.',
    MFA_ENROLLMENT_NOT_PENDING: 'No setup of two-step verification is waiting. Start again.',
    CONFLICT: 'Something else changed it at the same moment. Try again.',
    NO_APPROVER:
      'No other global admin can approve this reset. The system administrator can reset it from the command line.',
    APPROVAL_NOT_PENDING: 'This request was already decided or cancelled.',
    REVEAL_GONE: 'This link was already used, has expired or was replaced by a newer one.',
    VERIFICATION_GONE:
      'This identity check has ended: its code expired, was entered wrongly too often, or a newer check replaced it.',
    APPROVAL_GONE: 'This request has expired.',
    PAYLOAD_TOO_LARGE: 'What was sent is too large.',
    UNSUPPORTED_MEDIA_TYPE: 'The request must be sent as JSON.',
    PASSWORD_POLICY: 'The password does not meet the password rules.',
    PERMANENT_PASSWORD_NOT_ALLOWED: 'This deployment does not allow permanent admin-set passwords.',
    REVEAL_KEY_MISMATCH: 'The link is incomplete or damaged, so nothing was shown.',
    MAIL_NOT_CONFIGURED: 'No mail transport is configured, so no link can be sent.',
    LINK_REQUIRES_CHANGE: 'A password sent as a link must be changed at the first sign-in.',
    IDEMPOTENCY_KEY_REUSED: 'This one-time key was already used for a different request.',
    VERIFICATION_FAILED: 'The code is not right.',
    GENERATED_PASSWORD_REQUIRED:
      'A reset that waits for approval generates its password: choose “Automatically create a password”.',
    TOO_MANY_ATTEMPTS: 'Too many attempts. Try again later.',
    RATE_LIMITED: 'Too many requests just now. Wait a minute and try again.',
    INTERNAL_ERROR: 'Something went wrong.',
    SERVICE_BUSY: 'The service is busy. Try again shortly.',
    MAIL_SEND_FAILED: 'The mail could not be sent, so no code is on its way. Try again shortly.',
    DATABASE_BUSY: 'The database is busy. Try again shortly.',
    STORAGE_FULL: 'The storage is full, so nothing was changed.',
  } satisfies Record<ErrorCode, string>,
  notFoundTitle: 'Page not found',
  notFound: 'There is nothing at this address.',
  forbiddenTitle: 'Not allowed',
  forbidden: 'You are not allowed to do this.',
  crossSite: 'This form was sent from another site, so it was refused.',
  errorTitle: 'Something went wrong',
  error: 'Please try again. If it keeps happening, tell your administrator.',
  invalidForm: 'Check the fields and try again.',
  signedOut: 'You have been signed out. Sign in again.',
  home: 'Home',
  minutes: (n: number) => (n === 1 ? '1 minute' : `${n} minutes`),
  seconds: (n: number) => (n === 1 ? '1 second' : `${n} seconds`),
  mail: {
    revealSubject: 'Your new temporary password',
    revealIntro: (email: string) =>
      `An administrator reset the password of ${email}. Open this link to see the new temporary password:`,
    revealHow: `On the page, type the account's email and press ${showPassword}. The link works once: whoever opens it first burns it.`,
    revealExpires: (when: string) => `The link and the password expire at ${when}.`,
    revealIgnore: 'If you did not expect this, tell your administrator.',
    resetSubject: 'Your password was reset by an administrator',
    resetBody: (admin: string, when: string) =>
      `${admin} reset your oncepass password at ${when}. You will set a new one when you next sign in.`,
    changedSubject: 'Your password was changed',
    changedBody: (when: string) => `Your oncepass password was changed at ${when}.`,
    mfaEnrolledSubject: 'Two-step verification was turned on',
    mfaEnrolledBody: (when: string) =>
      `Two-step verification was turned on for your oncepass account at ${when}.`,
    mfaDisabledSubject: 'Two-step verification was turned off',
    mfaDisabledBody: (when: string) =>
      `Two-step verification was turned off for your oncepass account at ${when}.`,
    mfaResetSubject: 'An administrator removed your two-step verification',
    mfaResetBody: (admin: string, when: string) =>
      `${admin} removed two-step verification from your oncepass account at ${when} and signed you out everywhere. You can set it up again under ${navAccount}.`,
    mfaReplayedSubject: 'One of your verification codes was used twice',
    mfaReplayedBody: (when: string) =>
      `At ${when} someone entered a verification code of your oncepass account that had already been used. Whoever did may know your password: change it now.`,
    notMe: 'If this was not you, contact your administrator at once.',
    verifyCodeSubject: 'Your code for your administrator',
    verifyCodeBody: (admin: string) =>
      `${admin}, an administrator of your organisation, is checking that it is you they are in touch with. If you contacted them, read them this code:`,
    verifyCodeExpires: (when: string) => `The code works until ${when}.`,
    verifyCodeWarning:
      'If you are not in touch with your administrator right now, give this code to nobody: someone may be pretending to be you. Tell your administrator.',
    verifyStartedSubject: 'An administrator is checking your identity',
    verifyStartedBody: (admin: string, when: string) =>
      `At ${when} ${admin} started checking your identity with a code from your authenticator app. Read a code out only to an administrator you contacted yourself.`,
    verifySucceededSubject: 'Your identity was confirmed to an administrator',
    verifySucceededBody: (admin: string, method: string, when: string) =>
      `At ${when} ${admin} confirmed your identity with ${method}, and may now reset your password or your two-step verification.`,
    methodNames: {
      totp: 'a code from your authenticator app',
      email: 'a code sent to your email',
    },
    actionNames: { password_reset: 'password reset', mfa_reset: 'two-step verification reset' },
    overrideSubject: 'A reset without an identity check',
    overrideBody: (admin: string, action: string, email: string, when: string) =>
      `At ${when} ${admin} skipped verifying the caller’s identity for a ${action} of ${email}.`,
    overrideReason: (reason: string) => `The reason given: “${reason}”`,
    approvalRequestedSubject: 'A reset of an admin waits for your approval',
    approvalRequestedBody: (admin: string, action: string, email: string, when: string) =>
      `${admin} asked for a ${action} of ${email}. Approve or deny it in oncepass under ${navApprovals} before ${when}.`,
    approvedSubject: 'Your request was approved',
    approvedBody: (admin: string, action: string, email: string) =>
      `${admin} approved your request for a ${action} of ${email}.`,
    approvedShow: (when: string) =>
      `Open the request in oncepass under ${navApprovals} and press ${showNewPassword} before ${when}. The password is shown to you once.`,
    approvedDone: 'It has been carried out.',
    deniedSubject: 'Your request was denied',
    deniedBody: (admin: string, action: string, email: string) =>
      `${admin} denied your request for a ${action} of ${email}.`,
    deniedReason: (reason: string) => `The reason given: “${reason}”`,
    signedOutSubject: 'An administrator signed you out everywhere',
    signedOutBody: (admin: string, when: string) =>
      `${admin} signed you out of oncepass on every device and in every application at ${when}. Sign in again to go on.`,
    blockedSubject: 'Sign-in to your account was blocked',
    blockedBody: (admin: string, when: string) =>
      `${admin} blocked sign-in to your oncepass account at ${when}. Ask your administrator if you need to sign in.`,
    unblockedSubject: 'You can sign in again',
    unblockedBody: (admin: string, when: string) =>
      `${admin} unblocked sign-in to your oncepass account at ${when}.`,
    requestSubject: 'A user asked for a password reset',
    requestBody: (email: string, when: string) =>
      `${email} asked for a password reset at ${when}. Review it in oncepass under ${navRequests}.`,
    requestsSubject: 'Users asked for a password reset',
    requestsBody: (n: number, emails: string, when: string) =>
      `${n} users have asked for a password reset since ${when}: ${emails}. Review their requests in oncepass under ${navRequests}.`,
    requestsPace:
      'You get at most one of these mails every 15 minutes; oncepass always lists every open request.',
  },
  apps: {
    title: 'Applications',
    intro:
      'Your organisation’s own apps that sign their users in through oncepass (OpenID Connect).',
    add: 'Add application',
    none: 'No applications yet.',
    name: 'Name',
    type: 'Type',
    clientId: 'Client ID',
    added: 'Added',
    redirectUris: 'Redirect URIs',
    redirectUrisHint:
      'One per line, exactly as the app sends it: https, or http on 127.0.0.1, [::1] or localhost (any port).',
    postLogoutRedirectUris: 'Sign-out redirect URIs',
    postLogoutRedirectUrisHint:
      'Optional. One per line: where the app may send people back after they sign out.',
    backchannelLogoutUri: 'Back-channel logout URI',
    backchannelLogoutUriHint:
      'Optional. oncepass posts a signed logout token here whenever a user’s sessions end.',
    typeLegend: 'Type of application',
    confidential: 'Web application (with a secret)',
    confidentialHint: 'Runs on a server that can keep a secret.',
    public: 'Single-page or native app (no secret)',
    publicHint: 'Runs in a browser or on a device: it cannot keep a secret and relies on PKCE.',
    types: { confidential: 'Web application', public: 'Single-page or native app' },
    noneRegistered: 'None',
    detailsTitle: 'Details',
    discoveryUrl: 'Discovery URL',
    discoveryHint: 'Point the app’s OpenID Connect library at this address; it finds the rest.',
    secretRotatedAt: 'Secret last rotated',
    neverRotated: 'Never',
    copyClientId: 'Copy client ID',
    copyDiscoveryUrl: 'Copy discovery URL',
    back: 'Back to applications',
    cancel: 'Cancel',
    addedTitle: 'Application added',
    clientSecret: 'Client secret',
    secretNotShownAgain:
      'This secret will not be shown again. Copy it now and store it in the app’s configuration.',
    noSecretNeeded: 'This app has no secret: it proves itself with PKCE on each sign-in.',
    viewApp: 'See the application',
    alreadyAddedTitle: 'This application was already added',
    alreadyAdded:
      'This form was already used to add the application, so nothing new was added and its secret is not shown again. If the secret was lost, rotate it.',
    rotateSecret: 'Rotate secret',
    rotateTitle: 'Rotate the secret?',
    rotateQuestion: (app: string) =>
      `${app} gets a new secret, shown once. The current secret stops working at once: the app cannot sign anyone in until it has the new one.`,
    rotatedTitle: 'New secret created',
    alreadyRotatedTitle: 'The secret was already rotated',
    alreadyRotated:
      'The secret changed since this form was opened (this form may have been sent before), so it was not rotated again and no secret is shown. Rotate it again from the application’s page if you need a new one.',
    noSecret: 'A single-page or native app has no secret to rotate.',
    remove: 'Remove application',
    removeTitle: 'Remove the application?',
    removeQuestion: (app: string) =>
      `${app} can no longer sign anyone in. Everyone signed in to it through oncepass is signed out of it, and its tokens stop working. This cannot be undone.`,
    removedTitle: 'Application removed',
    removed: (app: string) => `${app} was removed. Its sign-ins and tokens have ended.`,
    alreadyRemoved: 'This application was already removed, or it does not exist.',
    stepUpRequired:
      'Verify with your authenticator app first: an application secret is only issued after a recent verification code.',
    nameInvalid:
      'Enter a name of at most 200 characters, without control or text-direction characters.',
    redirectUrisCount: 'Enter one to ten redirect URIs, one per line.',
    postLogoutRedirectUrisCount: 'Enter at most ten sign-out redirect URIs.',
    uriProblem: (uri: string, problem: string) => `${uri}: ${problem}`,
    uriProblems: {
      NOT_A_URL:
        'Not a full URL as browsers write it. Use a lower-case address with a path, such as https://app.example/callback.',
      TOO_LONG: 'Longer than 1000 characters.',
      HAS_FRAGMENT: 'Remove the part from # on.',
      HAS_WILDCARD: 'Wildcards (*) are not allowed: each URI is compared exactly.',
      HAS_CREDENTIALS: 'Remove the user name and password from the address.',
      NOT_HTTPS: 'Use https. Plain http is allowed only on 127.0.0.1, [::1] or localhost.',
    } satisfies Record<RedirectUriProblem, string>,
  },
  authorize: {
    signInTo: (app: string) => `Sign in to continue to ${app}.`,
    signInAgain: (app: string) => `${app} asks you to sign in again before you continue.`,
    cancel: (app: string) => `Cancel and return to ${app}`,
    continuingTitle: 'Continuing…',
    continuing: 'Taking you on to sign in. If nothing happens, continue here:',
    continueLink: 'Continue',
    invalidTitle: 'This sign-in link does not work',
    unknownClient:
      'The application that sent you here is not registered with this organisation. Ask the people who run it.',
    unregisteredRedirect:
      'The application asked to send you back to an address it has not registered, so you were not sent anywhere. Ask the people who run it.',
    confirmSignOut: 'Yes, sign out',
    invalidSignOut:
      'The application sent a sign-out request that could not be checked, so nothing was done. You can sign out from the menu.',
    signedOutTitle: 'You are signed out',
    signedOut: 'You are signed out of oncepass and the applications you used with it.',
    signOutTitle: 'Sign out?',
    signOutQuestion: (app: string | null) =>
      app ? `${app} asks you to sign out of oncepass.` : 'Sign out of oncepass on this device?',
    signOutUnknownReturn:
      'The application asked to send you to an address it has not registered after signing out, so you stay here.',
  },
  reveal: {
    title: 'Your temporary password',
    intro:
      "An administrator reset this account's password. Type the account's email to see the temporary password. It can be shown once.",
    gone: 'This link was already used, has expired or was replaced by a newer one. Ask your administrator for a new one.',
    wrongEmail:
      'That is not the email of this account. A few more wrong tries and the link stops working.',
    broken:
      'This link is incomplete or damaged: copy the whole link from the mail, including the part after #.',
    failed: 'Something went wrong. Try again in a moment.',
    noScript:
      'This page needs JavaScript: the password is decrypted in your browser, never on the server.',
    shown:
      'Copy it now and sign in with it: it will not be shown again, and you will choose your own password.',
    signIn: 'Go to sign in',
  },
}
