import { describe, expect, it } from 'vitest'
import { ensureFdLimit, FD_RESERVE, readFdLimit } from '../src/fd-limit.js'
import type { FdLimitSystem } from '../src/fd-limit.js'
import { checkEphemeralPorts } from '../src/ephemeral-ports.js'
import type { SoakwatchError } from '../../common/src/define-error.js'

function system (soft: number, hard: number, raisable: boolean): FdLimitSystem & { raisedTo: number[] } {
  const s = {
    raisedTo: [] as number[],
    read: () => ({ soft, hard }),
    raise: (target: number) => {
      s.raisedTo.push(target)
      if (!raisable) return 'prlimit could not raise it (Operation not permitted)'
      soft = target
      hard = Math.max(hard, target)
      return undefined
    }
  }
  return s
}

function thrown (f: () => unknown): SoakwatchError {
  try { f() } catch (err) { return err as SoakwatchError }
  throw new Error('did not throw')
}

describe('file-descriptor limit', () => {
  it('reads this process\'s limit from /proc', () => {
    const { soft, hard } = readFdLimit()
    expect(soft).toBeGreaterThanOrEqual(256)
    expect(hard).toBeGreaterThanOrEqual(soft)
  })

  it('leaves a sufficient limit alone', () => {
    const sys = system(20_000, 20_000, true)
    expect(ensureFdLimit(1000, 1, sys)).toEqual({ soft: 20_000, hard: 20_000, needed: 1000 + FD_RESERVE, raised: false })
    expect(sys.raisedTo).toEqual([])
  })

  it('raises the limit when it can, and says so', () => {
    const sys = system(20_000, 20_000, true)
    expect(ensureFdLimit(30_000, 1, sys)).toMatchObject({ soft: 30_000 + FD_RESERVE, raised: true })
  })

  it('says clearly when it cannot, with the numbers and how many workers would fit', () => {
    const err = thrown(() => ensureFdLimit(50_000, 1, system(20_000, 20_000, false)))
    expect(err.code).toBe('SW_LOADGEN_FD_LIMIT')
    expect(err.message).toContain('need 50064 file descriptors but the limit is 20000 (hard 20000)')
    expect(err.message).toContain('Operation not permitted')
    expect(err.message).toContain('--workers 3')
  })
})

describe('ephemeral ports', () => {
  it('refuses more connections per source address than there are ports, and suggests more addresses', () => {
    expect(() => checkEphemeralPorts(28_000, 1, 1, 28_232)).not.toThrow()
    const err = thrown(() => checkEphemeralPorts(50_000, 1, 1, 28_232))
    expect(err.code).toBe('SW_LOADGEN_EPHEMERAL_PORTS')
    expect(err.message).toContain('--source-addresses')
    expect(() => checkEphemeralPorts(50_000, 2, 1, 28_232)).not.toThrow()
  })

  it('counts a pool per destination port when connections are not bound to a source address', () => {
    expect(() => checkEphemeralPorts(50_000, 0, 1, 28_232)).toThrow()
    expect(() => checkEphemeralPorts(50_000, 0, 3, 28_232)).not.toThrow()
    // Bound connections share their address's pool whatever the destination.
    expect(() => checkEphemeralPorts(50_000, 1, 3, 28_232)).toThrow()
  })
})
