import { describe, expect, it } from 'vitest'
import { TargetExitedError } from '../../diagnosis/src/errors.js'
import { exitCodeForOutcome, exitForError } from '../src/exit-codes.js'

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
