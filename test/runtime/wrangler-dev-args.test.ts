import { describe, expect, it } from 'vitest'
import { wranglerDevArgs } from '../../src/runtime/node/wrangler-dev-args.ts'

describe('npm run dev:worker arguments', () => {
  it('serves on 127.0.0.1:8787 by default', () => {
    expect(wranglerDevArgs([])).toEqual({
      port: '8787',
      args: ['--ip', '127.0.0.1', '--port', '8787'],
    })
  })

  it('passes every flag it does not own to wrangler dev, --ip included', () => {
    const { port, args } = wranglerDevArgs([
      '--ip',
      '0.0.0.0',
      '--port=9000',
      '--log-level',
      'warn',
    ])
    expect(port).toBe('9000')
    expect(args).toEqual(['--port', '9000', '--ip', '0.0.0.0', '--log-level', 'warn'])
    expect(wranglerDevArgs(['--ip=::1']).args).toEqual(['--port', '8787', '--ip=::1'])
  })

  it('takes --port with its value apart, whichever form it comes in', () => {
    expect(wranglerDevArgs(['--port', '9100', '--inspector-port', '9229']).args).toEqual([
      '--ip',
      '127.0.0.1',
      '--port',
      '9100',
      '--inspector-port',
      '9229',
    ])
  })
})
