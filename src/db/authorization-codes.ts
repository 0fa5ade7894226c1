import { eq, sql } from 'drizzle-orm'
import { always, type AppDb, compiledWrite, type Guard, insertWhere, prepared } from './database.ts'
import { authorizationCodes } from './schema.ts'

// One-time authorization codes (digests only), and the grants they were exchanged for.

export type AuthorizationCodeRow = typeof authorizationCodes.$inferSelect

/** Expired codes deleted by each new code's write: more than the one it adds, so it keeps up. */
const PRUNE_BATCH = 4

/** A new code's fields (its digest only), spelled out for a compiled insert. */
interface CodeRow extends Record<string, unknown> {
  codeHash: string
  clientId: string
  tenantId: string
  userId: string
  browserSessionId: string
  redirectUri: string
  codeChallenge: string
  scope: string
  nonce: string | null
  authTime: number
  mfa: boolean
  createdAt: number
  expiresAt: number
}

/** The insert of a new code (every authorization that succeeds writes one). */
export const insertAuthorizationCode = compiledWrite((v: CodeRow) =>
  insertWhere(
    authorizationCodes,
    {
      codeHash: v.codeHash,
      clientId: v.clientId,
      tenantId: v.tenantId,
      userId: v.userId,
      browserSessionId: v.browserSessionId,
      redirectUri: v.redirectUri,
      codeChallenge: v.codeChallenge,
      scope: v.scope,
      nonce: v.nonce,
      authTime: v.authTime,
      mfa: v.mfa,
      createdAt: v.createdAt,
      expiresAt: v.expiresAt,
    },
    always,
  ),
)

/**
 * Deletes a few codes that expired before `before`. A used code is kept until then, so that its
 * replay is still recognised (and ends what it issued) for as long as it could have been valid.
 */
export const deleteExpiredCodes = compiledWrite((v: { before: number }) => {
  const t = authorizationCodes
  return sql`delete from ${t} where ${t.codeHash} in (select ${t.codeHash} from ${t} where ${t.expiresAt} <= ${v.before} limit ${PRUNE_BATCH})`
})

const codeByHash = (db: AppDb) =>
  prepared(db, 'authorization-code', (db) =>
    db
      .select()
      .from(authorizationCodes)
      .where(eq(authorizationCodes.codeHash, sql.placeholder('codeHash')))
      .prepare(),
  )

/** The code with this digest, used or not, or undefined. */
export async function findAuthorizationCode(
  db: AppDb,
  codeHash: string,
): Promise<AuthorizationCodeRow | undefined> {
  const [row] = await codeByHash(db).all({ codeHash })
  return row
}

/**
 * Takes the code for its one exchange, recording the grant it becomes: only while unused and
 * unexpired, so of two concurrent exchanges exactly one changes the row.
 */
export const markCodeUsed = compiledWrite(
  (v: { codeHash: string; grantId: string; now: number }) => {
    const t = authorizationCodes
    return sql`update ${t} set ${sql.identifier(t.usedAt.name)} = ${v.now}, ${sql.identifier(t.grantId.name)} = ${v.grantId}
      where ${t.codeHash} = ${v.codeHash} and ${t.usedAt} is null and ${t.expiresAt} > ${v.now}`
  },
)

/** Holds once this batch took the code for `grantId` (see `markCodeUsed`). */
export function codeTakenFor(codeHash: string, grantId: string): Guard {
  const t = authorizationCodes
  return sql`exists (select 1 from ${t} where ${t.codeHash} = ${codeHash} and ${t.grantId} = ${grantId})`
}
