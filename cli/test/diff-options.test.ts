import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { parseDiffArgs, type DiffOptions } from '../src/diff-options.js'

function options (argv: string[]): DiffOptions {
  const args = parseDiffArgs(argv)
  if (args.kind !== 'run') throw new Error('expected options')
  return args.options
}

function usageError (argv: string[]): string {
  try {
    parseDiffArgs(argv)
  } catch (err) {
    if (hasCode(err, 'SW_CLI_USAGE')) return err.message
    throw err
  }
  throw new Error(`no usage error for ${argv.join(' ')}`)
}

describe('parseDiffArgs', () => {
  it('takes the baseline first, the final last and rounds in between, with defaults', () => {
    expect(options(['a.heapsnapshot', 'b.heapsnapshot'])).toEqual({
      snapshots: ['a.heapsnapshot', 'b.heapsnapshot'],
      clients: null,
      finalIsRound: false,
      allow: [],
      json: null,
      top: 10,
      paths: 3,
      minRounds: 2,
      minObjectsPerRound: 10,
      minObjectsPerClient: 0.1,
      singleRoundObjectsPerClient: 1,
      proportionality: 0.5,
      timeout: 600
    })
  })

  it('reads client counts, allowlists, JSON output and thresholds', () => {
    const o = options(['b', 'r1', 'r2', 'f', '--clients', '50,60,70', '--final-is-round', '--allow', 'Cache', '--allow', 'Node / *', '--json', '-', '--min-objects-per-round', '3', '--proportionality', '0.8'])
    expect(o.snapshots).toEqual(['b', 'r1', 'r2', 'f'])
    expect(o.clients).toEqual([50, 60, 70])
    expect(o.finalIsRound).toBe(true)
    expect(o.allow).toEqual(['Cache', 'Node / *'])
    expect(o.json).toBe('-')
    expect(o.minObjectsPerRound).toBe(3)
    expect(o.proportionality).toBe(0.8)
  })

  it('rejects what it cannot honour, naming the offending value', () => {
    expect(usageError(['only-one.heapsnapshot'])).toBe('needs at least two snapshots (baseline and final), got 1 (see: npm run diff -- --help)')
    expect(usageError(['a', 'b', '--clients', 'many'])).toMatch(/--clients must be N or N,N,… .*got many/)
    expect(usageError(['a', 'b', 'c', '--clients', '1,2'])).toMatch(/--clients lists 2 counts but the snapshots make 1 load round/)
    expect(usageError(['a', 'b', '--proportionality', '2'])).toMatch(/between 0 and 1, got 2/)
    expect(usageError(['a', 'b', '--top', '-1'])).toMatch(/--top must be a non-negative integer, got -1/)
    expect(usageError(['a', 'b', '--frobnicate'])).toMatch(/Unknown argument: frobnicate/)
    expect(usageError(['a', 'b', '--json'])).toMatch(/json/)
  })

  it('shows help with examples', () => {
    const args = parseDiffArgs(['--help'])
    expect(args.kind).toBe('help')
    if (args.kind === 'help') {
      expect(args.text).toContain('Examples:')
      expect(args.text).toContain('--clients')
    }
  })
})
