import { describe, expect, it } from 'vitest'
import { parseSourceAddresses } from '../src/source-addresses.js'
import { InvalidLoadOptionError } from '../src/errors.js'
import type { SoakwatchError } from '../../common/src/define-error.js'

describe('parseSourceAddresses', () => {
  it('expands inclusive ranges and lists, in order, without duplicates', () => {
    expect(parseSourceAddresses('127.0.0.2-127.0.0.4')).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4'])
    expect(parseSourceAddresses('127.0.0.9, 127.0.0.2-127.0.0.3,127.0.0.9')).toEqual(['127.0.0.9', '127.0.0.2', '127.0.0.3'])
    expect(parseSourceAddresses('127.0.0.255-127.0.1.1')).toEqual(['127.0.0.255', '127.0.1.0', '127.0.1.1'])
  })

  it.each(['127.0.0.9-127.0.0.2', '127.0.0', '127.0.0.256', 'localhost', '10.0.0.0-10.1.0.0', '::1'])(
    'rejects %j with the option named', spec => {
      try {
        parseSourceAddresses(spec)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidLoadOptionError)
        expect((err as SoakwatchError).code).toBe('SW_LOADGEN_INVALID_OPTION')
        expect((err as Error).message).toContain('sourceAddresses')
      }
    })
})
