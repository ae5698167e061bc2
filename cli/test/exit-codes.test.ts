import { describe, expect, it } from 'vitest'
import { TargetExitedError } from '../../diagnosis/src/errors.js'
import { exitCodeForOutcome, exitForError } from '../src/exit-codes.js'
import { loadExitCode } from '../src/loadgen.js'
import { CliUsageError } from '../src/errors.js'
import { fakeResult } from '../../loadgen/test/helper.js'

describe('exit codes', () => {
  it('maps outcomes to 0 clean, 1 leak, 2 error', () => {
    expect([exitCodeForOutcome('clean'), exitCodeForOutcome('leak'), exitCodeForOutcome('error')]).toEqual([0, 1, 2])
  })

  it('maps every error to 2 with a one-line reason that carries the code', () => {
    const err = new TargetExitedError({ command: 'node a.js', code: 1, signal: null, during: 'startup', stderrTail: ['boom'] })
    expect(exitForError(err)).toEqual({ code: 2, reason: `SW_DIAG_TARGET_EXITED: ${err.message}` })
    expect(exitForError(new Error('bug'))).toEqual({ code: 2, reason: 'unexpected error: bug' })
  })
})

describe('load run exit codes', () => {
  it('maps a load outcome: complete 0, interrupted 130, ended by an error 2', () => {
    expect(loadExitCode(fakeResult())).toBe(0)
    expect(loadExitCode({ ...fakeResult(), outcome: 'stopped' })).toBe(130)
    expect(loadExitCode({ ...fakeResult(), outcome: 'target-lost', abort: { code: 'SW_LOADGEN_TARGET_LOST', message: '' } })).toBe(2)
    expect(loadExitCode({ ...fakeResult(), outcome: 'worker-failed', abort: { code: 'SW_LOADGEN_WORKER_FAILED', message: '' } })).toBe(2)
  })

  it('maps usage errors to 2 with their code', () => {
    expect(exitForError(new CliUsageError({ command: 'loadgen', problem: 'x' })).code).toBe(2)
  })
})
