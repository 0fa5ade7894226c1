import { HTTPException } from 'hono/http-exception'
import { AppError } from '../../core/errors.ts'
import { type Copy, describeError } from '../../ui/copy.ts'
import { MessagePage } from '../../ui/pages/auth.tsx'
import { sessionCookie } from './cookies.ts'
import { type Ctx, pageCopy, type PageStatus, refusalStatus, render, seeOther } from './render.ts'

/**
 * A refusal in the copy's words, for the form that caused it or the failure page: the pages' own
 * wording where they say more (what to do next, how long to wait), else the sentence every error
 * code has in each language.
 */
export function refusalText(t: Copy, error: AppError): string {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return t.invalidCredentials
    case 'TEMPORARY_PASSWORD_EXPIRED':
      return t.temporaryExpired
    case 'TOO_MANY_ATTEMPTS':
      return t.tooManyAttempts(waitText(t, error.headers?.['Retry-After']))
    case 'INVALID_MFA_CODE':
      return t.invalidCode
    case 'INVALID_MFA_TOKEN':
      return t.mfaExpired
    case 'INVALID_CHALLENGE':
      return t.challengeExpired
    case 'INVALID_CURRENT_PASSWORD':
      return t.wrongCurrent
    case 'MFA_ENROLLMENT_NOT_PENDING':
      return t.setupLapsed
    case 'RATE_LIMITED':
      return t.rateLimited
    case 'MAIL_NOT_CONFIGURED':
    case 'LINK_REQUIRES_CHANGE':
      return t.linkUnavailable
    case 'PERMANENT_PASSWORD_NOT_ALLOWED':
      return t.permanentNotAllowed
    case 'EMAIL_TAKEN':
      return t.emailTaken
    case 'CANNOT_RESET_SELF':
      return t.cannotResetSelf
    case 'STEP_UP_REQUIRED':
      return t.stepUpRequired
    case 'MFA_ENROLLMENT_REQUIRED':
      return t.mfaEnrollmentRequired
    case 'CROSS_SITE_REQUEST':
      return t.crossSite
    case 'FORBIDDEN':
    case 'FORBIDDEN_ROLE':
      return t.forbidden
    case 'NOT_FOUND':
      return t.notFound
    case 'VALIDATION_FAILED':
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'INVALID_IDEMPOTENCY_KEY':
      return t.invalidForm
    default:
      return describeError(t, error.code)
  }
}

/** Minutes or seconds to wait, from a Retry-After value in seconds. */
export function waitText(t: Copy, retryAfter: string | undefined): string {
  const seconds = Math.max(1, Number(retryAfter ?? '60') || 60)
  return seconds >= 90 ? t.minutes(Math.ceil(seconds / 60)) : t.seconds(seconds)
}

/**
 * The pages' one translator for what no form handled: a refusal becomes a readable page with its
 * status, an expired session goes back to sign-in, and anything else is a bug, logged with its
 * stack and shown as a plain 500.
 */
export async function renderFailure(c: Ctx, error: unknown): Promise<Response> {
  if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
    sessionCookie.clear(c)
    return seeOther(c, '/sign-in')
  }
  // hono/csrf refuses a form from another origin with its own 403.
  if (error instanceof HTTPException && error.status === 403) {
    return renderFailure(c, new AppError('CROSS_SITE_REQUEST'))
  }
  const t = pageCopy(c)
  if (!(error instanceof AppError)) {
    c.get('deps').logger.error('unhandled_error', {
      requestId: c.get('requestId'),
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    })
    return showMessage(c, t.errorTitle, t.error, 500)
  }
  const status = refusalStatus(c, error)
  const title = status === 403 ? t.forbiddenTitle : status === 404 ? t.notFoundTitle : t.errorTitle
  // The way out of a missing or stale second factor is the two-step page.
  const needsTwoStep = error.code === 'STEP_UP_REQUIRED' || error.code === 'MFA_ENROLLMENT_REQUIRED'
  const link = needsTwoStep ? { href: '/account/two-step', label: t.twoStepTitle } : undefined
  return showMessage(c, title, refusalText(t, error), status, link)
}

/** The HTML 404 for a path outside the API. */
export function renderNotFound(c: Ctx): Promise<Response> {
  return renderFailure(c, new AppError('NOT_FOUND'))
}

function showMessage(
  c: Ctx,
  title: string,
  message: string,
  status: PageStatus,
  link?: { href: string; label: string },
) {
  const home = { href: '/', label: pageCopy(c).home }
  return render(c, MessagePage, { title, message, link: link ?? home }, status)
}
