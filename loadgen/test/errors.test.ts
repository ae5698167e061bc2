import { describe, expect, it } from 'vitest'
import * as errors from '../src/errors.js'
import { SoakwatchError } from '../../common/src/define-error.js'

describe('loadgen errors', () => {
  // That every code is documented is checked for all areas by common/test/errors-documented.test.ts.
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
