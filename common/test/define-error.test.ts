import { describe, expect, it } from 'vitest'
import { defineError, hasCode, SoakwatchError } from '../src/define-error.js'

describe('defineError', () => {
  const BadPort = defineError('SW_TEST_BAD_PORT', 'BadPortError', (port: number) => `port out of range: ${port}`)

  it('builds a class whose instances carry the code, the name and the offending value', () => {
    const err = new BadPort(70000)
    expect(err).toBeInstanceOf(SoakwatchError)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('SW_TEST_BAD_PORT')
    expect(BadPort.code).toBe('SW_TEST_BAD_PORT')
    expect(err.name).toBe('BadPortError')
    expect(err.message).toBe('port out of range: 70000')
    expect(String(err.stack)).toContain('BadPortError')
  })

  it('keeps the cause', () => {
    const cause = new Error('EADDRINUSE')
    expect(new BadPort(1, { cause }).cause).toBe(cause)
  })

  it('hasCode matches by code and rejects plain errors', () => {
    expect(hasCode(new BadPort(1), 'SW_TEST_BAD_PORT')).toBe(true)
    expect(hasCode(new BadPort(1), 'OTHER')).toBe(false)
    expect(hasCode(new Error('x'))).toBe(false)
  })
})
