import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { TargetProcess, nodeOptions } from '../src/target/target-process.js'
import { fixture, hooksPath, inspect, nodeCommand, startTarget } from './helper.js'

describe('TargetProcess', () => {
  it('fills {port}, waits until the port accepts connections and reads the DevTools URL from stderr', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port}') })
    expect(target.address.host).toBe('127.0.0.1')
    expect(target.address.port).toBeGreaterThan(0)
    expect(target.command).toContain(`--port ${target.address.port}`)
    expect(target.devtoolsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/[\w-]+$/)
    const session = await inspect(target)
    expect(await session.evaluate('process.pid')).toBe(target.pid)
  })

  it('starts a bundled-server-style target, ready on its "listening HOST:PORT" line', async () => {
    const target = await startTarget({ kind: 'bundled', script: fixture('bundled-like.mjs') })
    expect(target.address.port).toBeGreaterThan(0)
    expect(target.command).toContain('--port 0')
    const session = await inspect(target)
    expect(await session.hasHooks()).toBe(true)
  })

  it('reports a target that exits during startup with its exit code and last stderr line', async () => {
    const err = await TargetProcess.start({ kind: 'command', command: nodeCommand('crash-on-start.mjs', '--port {port}') }, { hooksPath })
      .then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_TARGET_EXITED')).toBe(true)
    expect(String(err)).toContain('code 3')
    expect(String(err)).toContain('fixture: config file missing, giving up')
  })

  it('reports a program that cannot be spawned', async () => {
    const err = await TargetProcess.start({ kind: 'command', command: '/nonexistent/soakwatch-no-such-program --port {port}' }, { hooksPath })
      .then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_TARGET_START_FAILED')).toBe(true)
    expect(String(err)).toContain('ENOENT')
  })

  it('gives up on a target that never listens, and stops it', async () => {
    let started: TargetProcess | undefined
    const err = await TargetProcess.start({ kind: 'command', command: nodeCommand('never-listens.mjs', '--port {port}') }, { hooksPath, readyTimeoutMs: 300 })
      .then((t) => { started = t }, (e: unknown) => e)
    expect(started).toBeUndefined()
    expect(hasCode(err, 'SW_DIAG_TARGET_NOT_READY')).toBe(true)
    expect(String(err)).toMatch(/connection accepted on 127\.0\.0\.1:\d+/)
    const running = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(fixture('never-listens.mjs')))
    expect(running).toEqual([])
  })

  it('refuses a command without {port} when no port is given', async () => {
    const err = await TargetProcess.start({ kind: 'command', command: 'node app.js' }, { hooksPath }).then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_DIAG_COMMAND_INVALID')).toBe(true)
  })

  it('escalates to SIGKILL when the target ignores SIGTERM', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('stubborn-server.mjs', '--port {port}') }, { stopGraceMs: 200 })
    const exit = await target.stop()
    expect(exit).toMatchObject({ signal: 'SIGKILL', expected: true })
    expect(exit.stderrTail).toContain('fixture: ignoring SIGTERM')
  })

  it('resolves stop() in a process with nothing else to keep its event loop alive', () => {
    // Regression: the wait for the child's pipes used to miss a 'close' emitted in the same
    // tick as 'exit' and fall back on an unref'd timer, so a CLI awaiting stop() at top level
    // exited 13 ("unsettled top-level await") once the SIGKILL timer had fired.
    const script = `import { TargetProcess } from ${JSON.stringify(new URL('../../dist/diagnosis/src/target/target-process.js', import.meta.url).href)}
      const target = await TargetProcess.start({ kind: 'command', command: ${JSON.stringify(nodeCommand('stubborn-server.mjs', '--port {port}'))} }, { hooksPath: ${JSON.stringify(hooksPath)} })
      const exit = await target.stop(200)
      console.log('stopped', exit.signal)`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 })
    expect(out).toContain('stopped SIGKILL')
  })

  it('says when the target exits while a session holds it, and its exit code comes once the session lets go', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port}') })
    const session = await inspect(target)
    const exiting = once(target, 'exiting')
    await session.evaluate('setTimeout(() => { process.stderr.write("fixture: giving up\\n"); process.exit(3) }, 10), 0')
    await exiting
    // Its context is gone: for the session, the target is gone.
    await expect(session.counts()).rejects.toMatchObject({ code: 'SW_DIAG_TARGET_GONE' })
    await session.close()
    const exit = await target.exited()
    expect(exit).toMatchObject({ code: 3, expected: false })
    // Node's inspector lines are left out of the tail: the last line is the target's own.
    expect(exit.stderrTail).toEqual(['fixture: giving up'])
  })

  it('reports a crash after startup as an unexpected exit', async () => {
    const target = await startTarget({ kind: 'command', command: nodeCommand('leaky-server.mjs', '--port {port}') })
    const exited = target.exited()
    process.kill(target.pid, 'SIGKILL')
    expect(await exited).toMatchObject({ signal: 'SIGKILL', expected: false })
    expect(target.exitError(await exited, 'load').message).toContain('during load')
  })

  it('keeps existing NODE_OPTIONS and adds the inspector on loopback and the hooks as a file URL', () => {
    expect(nodeOptions('--max-old-space-size=512', '/a b/preload.js')).toBe('--max-old-space-size=512 --inspect=127.0.0.1:0 --import file:///a%20b/preload.js')
    expect(nodeOptions(undefined, '/x/preload.js')).toBe('--inspect=127.0.0.1:0 --import file:///x/preload.js')
  })
})
