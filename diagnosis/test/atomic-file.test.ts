import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicFile, writeFileAtomic } from '../src/atomic-file.js'
import { tempDir } from './helper.js'

describe('AtomicFile', () => {
  it('shows nothing under the final name until committed', async () => {
    const dir = await tempDir()
    const file = await AtomicFile.create(join(dir, 'a.heapsnapshot'))
    file.writeSync('{"snapshot":')
    file.writeSync(Buffer.from('{}}'))
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^\.a\.heapsnapshot\.\d+-[0-9a-f]{8}\.tmp$/)])
    await file.commit()
    expect(await readdir(dir)).toEqual(['a.heapsnapshot'])
    expect(await readFile(join(dir, 'a.heapsnapshot'), 'utf8')).toBe('{"snapshot":{}}')
    expect(file.bytes).toBe(15)
  })

  it('leaves nothing behind when aborted, and refuses writes afterwards', async () => {
    const dir = await tempDir()
    const file = await AtomicFile.create(join(dir, 'b.json'))
    file.writeSync('partial')
    await file.abort()
    expect(await readdir(dir)).toEqual([])
    expect(() => file.writeSync('more')).toThrow(/write after commit or abort/)
  })

  it('writes whole files and fails on a missing folder', async () => {
    const dir = await tempDir()
    await writeFileAtomic(join(dir, 'report.json'), '{"ok":true}\n')
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe('{"ok":true}\n')
    await expect(writeFileAtomic(join(dir, 'nope', 'report.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
