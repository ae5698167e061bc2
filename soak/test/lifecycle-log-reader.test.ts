import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { LifecycleLogReader } from '../src/lifecycle-log-reader.js'

async function tempLog (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'soakwatch-log-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return join(dir, 'lifecycle.ndjson')
}

const open = (conn: number, port: number): string => JSON.stringify({ level: 30, event: 'open', conn, remote: `127.0.0.1:${port}` })
const close = (conn: number, nick: string): string => JSON.stringify({ level: 30, event: 'close', conn, nick, reason: 'quit', by: 'client' })

describe('LifecycleLogReader', () => {
  it('returns nothing until the target has created its log', async () => {
    const reader = new LifecycleLogReader(await tempLog())
    expect(await reader.read()).toEqual([])
  })

  it('returns only what was appended since the last read, and counts opens and closes', async () => {
    const path = await tempLog()
    const reader = new LifecycleLogReader(path)
    await writeFile(path, `${open(1, 5000)}\nnot json\n${JSON.stringify({ level: 30, msg: 'started' })}\n`)
    expect(await reader.read()).toEqual([{ event: 'open', conn: '1', remote: '127.0.0.1:5000' }])
    await appendFile(path, `${close(1, 'ana')}\n${open(2, 5001)}\n`)
    expect((await reader.read()).map((e) => e.event)).toEqual(['close', 'open'])
    expect(await reader.read()).toEqual([])
    expect(reader.counts).toEqual({ opened: 2, closed: 1 })
  })

  it('keeps a line still being written for the next read, including a split UTF-8 character', async () => {
    const path = await tempLog()
    const reader = new LifecycleLogReader(path)
    const line = close(3, 'zoë')
    const bytes = Buffer.from(`${line}\n`)
    const cut = bytes.indexOf(Buffer.from('ë')) + 1 // inside the two bytes of ë
    await writeFile(path, bytes.subarray(0, cut))
    expect(await reader.read()).toEqual([])
    await appendFile(path, bytes.subarray(cut))
    expect(await reader.read()).toEqual([{ event: 'close', conn: '3', nick: 'zoë', reason: 'quit', by: 'client' }])
  })
})
