import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { diagnosisErrors } from '../src/errors.js'
import { repoRoot } from './helper.js'

describe('diagnosis error codes', () => {
  it('are unique and each listed in docs/errors.md under the diagnosis heading', async () => {
    const docs = await readFile(`${repoRoot}/docs/errors.md`, 'utf8')
    const section = docs.split(/^## /m).find((s) => s.startsWith('diagnosis\n')) ?? ''
    const codes = diagnosisErrors.map((e) => e.code)
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(section, code).toContain(`\`${code}\``)
  })
})
