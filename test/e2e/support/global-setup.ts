import { spawnSync } from 'node:child_process'

/** Builds the Node bundle once (`npm run prestart`, as `npm start` does) before any file runs. */
export default function buildNodeBundle(): void {
  const built = spawnSync('npm', ['run', '--silent', 'prestart'], { stdio: 'inherit' })
  if (built.status !== 0) throw new Error(`npm run prestart failed (exit ${built.status})`)
}
