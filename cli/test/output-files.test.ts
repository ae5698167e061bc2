import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { cliErrors } from '../src/errors.js'
import { prepareRunFolders, writeOutputFile } from '../src/output-files.js'
import { tempDir } from '../../diagnosis/test/helper.js'

describe('output files', () => {
  it('creates reports/<run> and profiles/<run> and writes files atomically there', async () => {
    const dir = await tempDir()
    const folders = await prepareRunFolders(dir, 'r1')
    expect(folders).toEqual({ reports: join(dir, 'reports', 'r1'), profiles: join(dir, 'profiles', 'r1') })
    await writeOutputFile(join(folders.reports, 'report.json'), '{}\n')
    expect(await readdir(folders.reports)).toEqual(['report.json'])
    expect(await readFile(join(folders.reports, 'report.json'), 'utf8')).toBe('{}\n')
  })

  it('fails early with a typed error when the output folder cannot be created', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'reports'), 'a file where a folder should be')
    const err = await prepareRunFolders(dir, 'r1').then(() => undefined, (e: unknown) => e)
    expect(hasCode(err, 'SW_CLI_OUTPUT_UNWRITABLE')).toBe(true)
    expect(String(err)).toContain(join(dir, 'reports', 'r1'))
  })

  it('documents every cli error code in docs/errors.md', async () => {
    const docs = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    const section = docs.split(/^## /m).find((s) => s.startsWith('cli\n')) ?? ''
    for (const e of cliErrors) expect(section).toContain(`\`${e.code}\``)
  })
})
