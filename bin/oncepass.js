#!/usr/bin/env node
// The `oncepass` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api'

register()
await import('../src/runtime/node/cli.ts')
