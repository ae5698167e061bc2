import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as errors from '../src/errors.js'
import { SoakwatchError } from '../../common/src/define-error.js'

describe('loadgen errors', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('## loadgen'))

  it('lists every code under the loadgen heading of docs/errors.md', () => {
    expect(doc).toContain('## loadgen')
    for (const code of errors.LOADGEN_ERROR_CODES) expect(section).toContain(`\`${code}\``)
  })

  it('exports every error class in the code list, each with a distinct code', () => {
    const classes = Object.values(errors as Record<string, unknown>).filter((v): v is { code: string } => typeof v === 'function' && 'code' in v)
    expect(classes.map(c => c.code).sort()).toEqual([...errors.LOADGEN_ERROR_CODES].sort())
    expect(new Set(errors.LOADGEN_ERROR_CODES).size).toBe(errors.LOADGEN_ERROR_CODES.length)
  })

  it('builds errors that carry their code and the offending value', () => {
    const err = new errors.FdLimitError({ needed: 30_064, soft: 20_000, hard: 20_000, why: 'prlimit: Operation not permitted' })
    expect(err).toBeInstanceOf(SoakwatchError)
    expect(err.code).toBe('SW_LOADGEN_FD_LIMIT')
    expect(err.message).toContain('30064')
    expect(err.message).toContain('20000')
  })
})
