import { Hono } from 'hono'
import { requestPasswordReset } from '../../services/forgot-password.ts'
import { ForgotPasswordPage } from '../../ui/pages/auth.tsx'
import { runAfterResponse } from '../after-response.ts'
import type { AppEnv } from '../env.ts'
import { requestMeta } from '../request-meta.ts'
import { ForgotPasswordBody } from '../schemas.ts'
import { readForm } from './forms.ts'
import { formGuards } from './guards.ts'
import { type Ctx, render } from './render.ts'

/** "Forgot password?": a request for the tenant's admins, answered the same whatever was typed. */
export function forgotPasswordPages() {
  return new Hono<AppEnv>()
    .get('/forgot-password', showForgotPassword)
    .post('/forgot-password', formGuards, submitForgotPassword)
}

function showForgotPassword(c: Ctx) {
  return render(c, ForgotPasswordPage, { done: false })
}

async function submitForgotPassword(c: Ctx) {
  const parsed = ForgotPasswordBody.safeParse({ email: (await readForm(c)).email ?? '' })
  // The same answer whatever was typed: nobody learns from it whether an account exists.
  if (parsed.success) {
    const followUp = await requestPasswordReset(c.get('deps'), parsed.data.email, requestMeta(c))
    // What depends on the email waits until the answer has left: its timing tells nothing.
    if (followUp) runAfterResponse(c, followUp)
  }
  return render(c, ForgotPasswordPage, { done: true })
}
