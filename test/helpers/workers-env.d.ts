import type { D1Migration } from 'cloudflare:test'
import type { WorkerEnv } from '../../src/runtime/workers/config.ts'
import type * as worker from '../../src/runtime/workers/worker.ts'

declare global {
  namespace Cloudflare {
    // The Worker's bindings as config.ts declares them, plus what only the tests bind.
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[]
    }
    // types `exports.default` from 'cloudflare:workers'
    interface GlobalProps {
      mainModule: typeof worker
    }
  }
}
export {}
