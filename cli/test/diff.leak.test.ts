import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HeapComparison } from '../../diagnosis/src/heap/heap-comparison.js'
import { runTarget, tempDir, type TargetSnapshots } from '../../diagnosis/test/heap/helper.js'

const DIFF = new URL('../../dist/scripts/diff.js', import.meta.url).pathname

/** Runs the built `diff` command; resolves with its exit code and output. */
async function diff (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [DIFF, ...args], { maxBuffer: 16 << 20 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('npm run diff', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let leaky: TargetSnapshots
  let clean: TargetSnapshots
  beforeAll(async () => {
    const tmp = await tempDir()
    dir = tmp.dir
    cleanup = tmp.cleanup
    await mkdir(join(dir, 'leaky'))
    await mkdir(join(dir, 'clean'))
    leaky = await runTarget(join(dir, 'leaky'), 2, 40, ['listener'])
    clean = await runTarget(join(dir, 'clean'), 2, 40, [])
  }, 60_000)
  afterAll(async () => { await cleanup() })

  it('exits 1 on a leak and prints the suspects with their retainer paths', async () => {
    const { code, stdout, stderr } = await diff(leaky.baseline, ...leaky.rounds, '--final-is-round', '--clients', '40')
    expect(code).toBe(1)
    expect(stdout).toMatch(/^heap: leak: Function, ChatSession/)
    // The table wraps long paths at spaces; the tokens stay whole.
    for (const token of ['global.chatServer', 'ChatServer.bus', 'EventEmitter._events', 'Object.broadcast', 'anonymous().this']) expect(stdout).toContain(token)
    expect(stderr).toMatch(/read baseline: .* in \d+\.\d s/)
  })

  it('exits 0 on a clean server', async () => {
    const { code, stdout } = await diff(clean.baseline, ...clean.rounds, clean.final, '--clients', '40,40')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^heap: clean: /)
  })

  it('writes the comparison as JSON, to stdout alone with -', async () => {
    const { code, stdout, stderr } = await diff(leaky.baseline, leaky.rounds[0]!, leaky.final, '--json', '-')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as HeapComparison
    expect(result.version).toBe(1)
    expect(result.verdict).toBe('suspect')
    expect(result.loadRounds).toBe(1)
    expect(stderr).toContain('heap: suspect: ')
    const file = join(dir, 'out.json')
    expect((await diff(leaky.baseline, ...leaky.rounds, '--final-is-round', '--json', file)).code).toBe(1)
    expect((JSON.parse(await readFile(file, 'utf8')) as HeapComparison).verdict).toBe('leak')
  })

  it('exits 2 with a one-line error on bad input, never a stack trace', async () => {
    const text = await readFile(leaky.baseline, 'utf8')
    const truncated = join(dir, 'truncated.heapsnapshot')
    const corrupt = join(dir, 'corrupt.heapsnapshot')
    const notSnapshot = join(dir, 'package.json')
    await writeFile(truncated, text.slice(0, text.length / 2))
    await writeFile(corrupt, text.replace('"nodes":[9', '"nodes":[9x'))
    await writeFile(notSnapshot, '{"name":"soakwatch"}')
    const cases: Array<[string[], RegExp]> = [
      [[truncated, leaky.final], /heap snapshot is truncated \(input ends inside the "\w+" array after \d+ bytes\)$/],
      [[leaky.baseline, corrupt], /corrupt heap snapshot at byte \d+: unexpected "x" in "nodes"/],
      [[notSnapshot, leaky.final], /not a V8 heap snapshot \(first key "name" at byte \d+\)$/],
      [[join(dir, 'missing.heapsnapshot'), leaky.final], /cannot read heap snapshot .*missing\.heapsnapshot: ENOENT$/],
      [[clean.baseline, leaky.final], /does not come from the same process as .*ids cannot be compared$/],
      [[leaky.final, leaky.baseline], /was taken before .*pass snapshots oldest first$/],
      [[leaky.baseline], /needs at least two snapshots/]
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await diff(...args)
      expect(code, args.join(' ')).toBe(2)
      expect(stdout).toBe('')
      const errorLines = stderr.split('\n').filter((l) => l.startsWith('soakwatch diff: '))
      expect(errorLines).toHaveLength(1)
      expect(errorLines[0]).toMatch(message)
      expect(stderr).not.toMatch(/\n\s+at /)
    }
  })
})
