import type { D1Migration } from 'cloudflare:test'
import type * as worker from '../../src/runtime/workers/worker.ts'

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database
      TEST_MIGRATIONS: D1Migration[]
    }
    // types `exports.default` from 'cloudflare:workers'
    interface GlobalProps {
      mainModule: typeof worker
    }
  }
}
export {}
