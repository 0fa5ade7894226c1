import type BetterSqlite3 from 'better-sqlite3'

/** What a connection promises about durability, as SQLite reports it. */
export interface ConnectionPragmas {
  /** `wal` */
  journalMode: string
  /** 2 = FULL: every commit waits for the disk */
  synchronous: number
  /** 1 = on */
  foreignKeys: number
  /** How long the connection waits for a lock, in ms */
  busyTimeout: number
  /** 1 on the server's reading connection */
  queryOnly: number
}

/** The durability pragmas of a connection, read from SQLite itself. */
export function readPragmas(sqlite: BetterSqlite3.Database): ConnectionPragmas {
  const read = (name: string) => sqlite.pragma(name, { simple: true })
  return {
    journalMode: read('journal_mode') as string,
    synchronous: read('synchronous') as number,
    foreignKeys: read('foreign_keys') as number,
    busyTimeout: read('busy_timeout') as number,
    queryOnly: read('query_only') as number,
  }
}
