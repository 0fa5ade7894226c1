// SQLite reports constraint failures only in the message text, the same on better-sqlite3 and
// D1 (where the driver's error may wrap the original as `cause`).
const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : ''

/** True when a write failed on a UNIQUE or PRIMARY KEY constraint (e.g. a taken email). */
export function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(errorText(error))
}

/** True when a write failed on a FOREIGN KEY constraint (e.g. its parent row is missing). */
export function isForeignKeyViolation(error: unknown): boolean {
  return /FOREIGN KEY constraint failed/i.test(errorText(error))
}
