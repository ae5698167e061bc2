import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { SoakReport } from '../../soak/src/report-model.js'
import { quick, runSoakCli } from './soak-run.js'

const fixture = fileURLToPath(new URL('../../soak/test/fixtures/tiny-irc-server.mjs', import.meta.url))
const readReport = (cwd: string, runId: string): SoakReport => JSON.parse(readFileSync(join(cwd, 'reports', runId, 'report.json'), 'utf8')) as SoakReport

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm run soak, end to end', () => {
  it('exits 0 on a clean run, with the report, the snapshots and the profiles written', async () => {
    // Two rounds: with one, the heap rule takes a few stray survivors per client for a leak.
    const run = await runSoakCli([...quick(), '--rounds', '2', '--run-id', 'ok', '--cpu-profile', '--heap-profile'])
    expect(await run.exit, run.stderr()).toBe(0)
    expect(run.stdout()).toMatch(/exit 0: CLEAN: .*\n$/)
    const report = readReport(run.cwd, 'ok')
    expect(report).toMatchObject({ schema: 'soakwatch.report/2', outcome: 'clean', partial: false })
    for (const file of ['baseline.heapsnapshot', 'round-1.heapsnapshot', 'round-2.heapsnapshot', 'soak.cpuprofile', 'soak.heapprofile']) {
      expect(existsSync(join(run.cwd, 'profiles', 'ok', file)), file).toBe(true)
    }
    expect(JSON.parse(readFileSync(join(run.cwd, 'profiles', 'ok', 'soak.cpuprofile'), 'utf8'))).toHaveProperty('nodes')
    expect(report.files.profiles.map((p) => p.split('/').pop())).toEqual(['soak.cpuprofile', 'soak.heapprofile'])
    expect(run.stdout()).toContain(`report:    ${join(run.cwd, 'reports', 'ok', 'report.json')}`)
    expect(run.stderr()).toContain('[soak] round 1: load of 12 IRC clients')
  })

  it('exits 1 on a leak, as a CI gate: JUnit and Markdown next to report.json', async () => {
    const run = await runSoakCli([...quick(), '--server-leak', 'timer', '--rounds', '1', '--no-heap-snapshots', '--junit', '--run-id', 'gate'])
    expect(await run.exit, run.stderr()).toBe(1)
    expect(run.stdout()).toMatch(/exit 1: LEAK: timer: 12 leaked timers from 1 creation site, threshold 0\n$/)
    const junit = readFileSync(join(run.cwd, 'reports', 'gate', 'junit.xml'), 'utf8')
    expect(junit).toContain('<testcase classname="soakwatch.leak" name="timer" time="0">\n      <failure message="12 leaked timers from 1 creation site, threshold 0"')
    expect(junit).toContain('<skipped message="no heap comparison in this run"/>')
    expect(readFileSync(join(run.cwd, 'reports', 'gate', 'report.md'), 'utf8')).toContain('keep-alive.ts:')
  })

  it('on SIGINT stops the clients, takes the final inventory, writes a partial report and exits 130', async () => {
    const run = await runSoakCli([...quick({ messages: '400', 'min-interval': '40', 'max-interval': '60' }), '--run-id', 'stopped'])
    await run.waitForStderr(/round 1: load of 12 IRC clients\n(.*\n)*phase: sending/)
    run.child.kill('SIGINT')
    expect(await run.exit, run.stderr()).toBe(130)
    expect(run.stderr()).toContain('SIGINT: stopping the load')
    expect(run.stdout()).toMatch(/exit 130: interrupted \(SIGINT\)/)
    const report = readReport(run.cwd, 'stopped')
    expect(report).toMatchObject({ outcome: 'error', partial: true, interruption: 'SIGINT' })
    expect(report.rounds[1]?.load?.irc?.messagesSent).toBeLessThan(12 * 400)
    // The final inventory was taken after the clients left: the diff is there, and clean.
    expect(report.handles?.leaked).toEqual([])
    expect(report.timings.phases.map((p) => p.name)).toContain('final inventory')
    expect(report.target.pid).not.toBeNull()
    expect(alive(report.target.pid ?? 0)).toBe(false)
  })

  it('reports a target that crashes mid-run with its last stderr lines, still writes the report, and exits 2', async () => {
    const target = `'${process.execPath}' '${fixture}' --port {port} --crash-after-messages 30`
    const run = await runSoakCli([...quick({ messages: '5' }), '--target', target, '--run-id', 'crashed'])
    expect(await run.exit, run.stderr()).toBe(2)
    expect(run.stdout()).toContain('target stderr (last lines):')
    expect(run.stdout()).toContain('  tiny-irc-server: crashing on purpose after 30 messages')
    expect(run.stdout()).toMatch(/exit 2: ERROR: target .* exited \(code 70\) during load round 1; stderr: "tiny-irc-server: crashing on purpose after 30 messages"\n$/)
    const report = readReport(run.cwd, 'crashed')
    expect(report).toMatchObject({ outcome: 'error', partial: true, errors: [{ code: 'SW_DIAG_TARGET_EXITED' }] })
    expect(report.target.exit).toMatchObject({ code: 70, expected: false })
    expect(report.target.exit?.stderrTail).toContain('tiny-irc-server: crashing on purpose after 30 messages')
    expect(readFileSync(join(run.cwd, 'reports', 'crashed', 'report.md'), 'utf8')).toContain('## Target stderr (last lines)')
  })

  it('reports a target that dies while starting with the error it threw and its stderr lines, and exits 2', async () => {
    const throws = fileURLToPath(new URL('../../soak/test/fixtures/throws-on-start.mjs', import.meta.url))
    const run = await runSoakCli([...quick(), '--target', `'${process.execPath}' '${throws}' --port {port}`, '--run-id', 'unborn'])
    expect(await run.exit, run.stderr()).toBe(2)
    // The one-line reason names the thrown error, not Node's version trailer that ends stderr.
    expect(run.stdout()).toMatch(/exit 2: ERROR: target .* exited \(code 1\) during startup; stderr: "Error: config missing: DATABASE_URL"\n$/)
    expect(run.stdout()).toContain('  throws-on-start: reading config')
    const report = readReport(run.cwd, 'unborn')
    expect(report.target.exit).toMatchObject({ code: 1, expected: false })
    expect(report.target.exit?.stderrTail).toContain('throws-on-start: reading config')
    expect(report.target.exit?.stderrTail).toContain('Error: config missing: DATABASE_URL')
  })
})
