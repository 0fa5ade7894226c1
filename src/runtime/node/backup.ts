import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

export interface BackupResult {
  /** The database file that was copied. */
  database: string
  /** The backup file written. */
  backup: string
  bytes: number
  ms: number
}

/** better-sqlite3's largest step: every remaining page. */
const ALL_PAGES = 0x7fffffff

/** The target exists and --force was not given: nothing was written. */
export class BackupTargetExists extends Error {}

/**
 * Copies the SQLite database at `databasePath` to `to` with SQLite's online backup API
 * (better-sqlite3's `backup()`): a consistent snapshot of one moment, taken while the server
 * keeps serving (neither its readers nor its writer wait for the copy). The copy is made in a temporary file beside the
 * target, owner-only (0600: it holds password hashes), and only a finished copy takes the
 * target's name, so a crash never leaves half a backup there. An existing target is kept unless
 * `force`.
 *
 * The signing and encryption keys beside the database are not copied: they belong in a separate,
 * safer place (see docs/security.md, "Backup and restore").
 */
export async function backupDatabase(
  databasePath: string,
  to: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  if (!options.force && existsSync(to)) throw new BackupTargetExists(`${to} already exists`)
  const started = performance.now()
  const source = new BetterSqlite3(databasePath, { fileMustExist: true })
  const partial = join(dirname(to), `.${basename(to)}.${randomBytes(6).toString('hex')}.partial`)
  try {
    // Created here, exclusively and owner-only, so the copy is never readable by others.
    closeSync(openSync(partial, 'wx', 0o600))
    source.pragma('busy_timeout = 5000')
    // After the first step, the rest in one: a single read transaction, which no concurrent commit
    // can make SQLite restart (in steps, every commit in between would) and which, in WAL mode,
    // blocks no writer.
    await source.backup(partial, { progress: () => ALL_PAGES })
    if (options.force) {
      renameSync(partial, to)
    } else {
      // A link fails if the target appeared meanwhile: never overwritten without --force.
      linkSync(partial, to)
      unlinkSync(partial)
    }
  } catch (error) {
    if (existsSync(partial)) unlinkSync(partial)
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupTargetExists(`${to} already exists`)
    }
    throw error
  } finally {
    source.close()
  }
  const ms = Math.round(performance.now() - started)
  return { database: databasePath, backup: to, bytes: statSync(to).size, ms }
}
