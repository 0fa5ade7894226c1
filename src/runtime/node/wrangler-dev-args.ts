import { parseArgs } from 'node:util'

/**
 * `npm run dev:worker`'s arguments: `--port` is ours (the printed URLs use it); every other flag
 * goes to `wrangler dev` unchanged, and `--ip 127.0.0.1` is added only when none was given.
 *
 * @example
 * wranglerDevArgs(['--port', '9000', '--ip', '0.0.0.0', '--local-protocol', 'https'])
 * // → { port: '9000', args: ['--port', '9000', '--ip', '0.0.0.0', '--local-protocol', 'https'] }
 */
export function wranglerDevArgs(argv: string[]): { port: string; args: string[] } {
  const { values, tokens } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '8787' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const port = String(values.port)
  const portIndexes = new Set(
    tokens.flatMap((token) =>
      token.kind === 'option' && token.name === 'port'
        ? token.value !== undefined && !token.inlineValue
          ? [token.index, token.index + 1]
          : [token.index]
        : [],
    ),
  )
  const passThrough = argv.filter((_, index) => !portIndexes.has(index))
  const ip = passThrough.some((arg) => arg === '--ip' || arg.startsWith('--ip='))
    ? []
    : ['--ip', '127.0.0.1']
  return { port, args: [...ip, '--port', port, ...passThrough] }
}
