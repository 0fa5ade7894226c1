import { readFileSync } from 'node:fs'

/**
 * The node flags of package.json's start script (`--single-threaded-gc` and the rest), so that
 * the benches start the server exactly as `npm start` does and cannot drift from it.
 */
export function startScriptNodeFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
    scripts: { start: string }
  }
  const afterNode = scripts.start.split(/\s+node\s+/)[1]
  if (!afterNode) throw new Error(`no node command in the start script: ${scripts.start}`)
  return afterNode.split(/\s+/).filter((word) => word.startsWith('--'))
}
