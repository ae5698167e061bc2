import { describe, expect, it } from 'vitest'
import { tellingStderr, TargetExitedError } from '../src/errors.js'

// What `node app.mjs` prints on stderr when app.mjs throws at top level (Node 20).
const uncaught = [
  'app: reading config',
  'file:///srv/app.mjs:3',
  "throw new Error('config missing: DATABASE_URL')",
  '^',
  '',
  'Error: config missing: DATABASE_URL',
  '    at file:///srv/app.mjs:3:7',
  '    at ModuleJob.run (node:internal/modules/esm/module_job:195:25)',
  '',
  'Node.js v20.20.2'
]

describe('tellingStderr', () => {
  it('names the thrown error, not the stack or Node\'s version trailer', () => {
    expect(tellingStderr(uncaught)).toBe('; stderr: "Error: config missing: DATABASE_URL"')
  })

  it('takes the last error named, with its class', () => {
    expect(tellingStderr(['TypeError: a is not a function', 'RangeError [ERR_SOCKET_BAD_PORT]: Port should be >= 0', 'Node.js v20.1.0']))
      .toBe('; stderr: "RangeError [ERR_SOCKET_BAD_PORT]: Port should be >= 0"')
    expect(tellingStderr(['Uncaught SyntaxError: Unexpected token']))
      .toBe('; stderr: "Uncaught SyntaxError: Unexpected token"')
  })

  it('falls back to the last line that says something', () => {
    expect(tellingStderr(['fixture: config file missing, giving up', '   '])).toBe('; stderr: "fixture: config file missing, giving up"')
  })

  it('says so when there was nothing', () => {
    expect(tellingStderr([])).toBe('; no stderr output')
    expect(tellingStderr(['', 'Node.js v20.20.2'])).toBe('; no stderr output')
  })

  it('keeps the whole tail on the error for the report', () => {
    const err = new TargetExitedError({ command: 'node app.mjs', code: 1, signal: null, during: 'startup', stderrTail: uncaught })
    expect(err.message).toBe('target "node app.mjs" exited (code 1) during startup; stderr: "Error: config missing: DATABASE_URL"')
    expect(err.detail.stderrTail).toEqual(uncaught)
  })
})
