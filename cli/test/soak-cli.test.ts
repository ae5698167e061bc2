import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultRunId } from '../src/soak.js'
import { quick, runSoakCli, tempCwd } from './soak-run.js'

describe('npm run soak, failing before anything starts', () => {
  it('shows help with examples and exits 0', async () => {
    const run = await runSoakCli(['--help'])
    expect(await run.exit).toBe(0)
    expect(run.stdout()).toContain('Examples:')
    expect(run.stdout()).toContain('--server-leak')
  })

  it('exits 2 with one line naming the bad option', async () => {
    const run = await runSoakCli(['--rounds', '0'])
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toBe('soakwatch soak: exit 2: SW_CLI_USAGE: --rounds must be a whole number ≥ 1, got 0 (see: npm run soak -- --help)\n')
  })

  it('says the output folder is unwritable before any target or load starts', async () => {
    const cwd = await tempCwd()
    await writeFile(join(cwd, 'blocker'), 'a file where a folder should be')
    const run = await runSoakCli(['--out', 'blocker', ...quick()], cwd)
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toMatch(/^soakwatch soak: exit 2: SW_CLI_OUTPUT_UNWRITABLE: cannot write output to .*blocker\/reports\/.*: ENOTDIR.*\n$/)
    expect(run.stderr()).not.toContain('[soak]')
  })

  it('refuses an invalid soakwatch.config.json, naming the key, before writing anything', async () => {
    const cwd = await tempCwd()
    await writeFile(join(cwd, 'soakwatch.config.json'), JSON.stringify({ thresholds: { sockets: 1 } }))
    const run = await runSoakCli(quick(), cwd)
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toContain('SW_DIAG_CONFIG_INVALID')
    expect(run.stderr()).toContain('unknown threshold "sockets"')
    expect(existsSync(join(cwd, 'reports'))).toBe(false)
  })

  it('names runs by a sortable timestamp by default', () => {
    expect(defaultRunId(new Date(Date.UTC(2025, 0, 31, 12, 5, 9)))).toBe('2025-01-31T12-05-09')
  })
})
