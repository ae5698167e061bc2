import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { isLoopbackHost, parseDevtoolsUrl } from '../src/devtools-url.js'

describe('isLoopbackHost', () => {
  it('accepts loopback in its usual spellings', () => {
    for (const host of ['127.0.0.1', '127.1', '127.255.0.9', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true)
    }
  })

  it('refuses every other host', () => {
    for (const host of ['0.0.0.0', '10.0.0.1', '192.0.2.1', '128.0.0.1', '127.0.0.1.example.com', 'example.com', '::', '::ffff:10.0.0.1', '', 'a b']) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })
})

describe('parseDevtoolsUrl', () => {
  it('accepts a Node inspector URL on loopback', () => {
    expect(parseDevtoolsUrl('ws://127.0.0.1:9229/0f2c936f-b1cd-4ac9-aab3-f63b0f33d55e').port).toBe('9229')
    expect(parseDevtoolsUrl('ws://[::1]:9229/abc').hostname).toBe('[::1]')
  })

  it('refuses off-loopback hosts and malformed URLs with distinct codes', () => {
    const codeOf = (url: string): string | undefined => {
      try { parseDevtoolsUrl(url) } catch (err) { return hasCode(err) ? err.code : 'untyped' }
      return undefined
    }
    expect(codeOf('ws://10.1.2.3:9229/abc')).toBe('SW_DIAG_INSPECTOR_NOT_LOOPBACK')
    expect(codeOf('ws://0.0.0.0:9229/abc')).toBe('SW_DIAG_INSPECTOR_NOT_LOOPBACK')
    expect(codeOf('wss://127.0.0.1:9229/abc')).toBe('SW_DIAG_INSPECTOR_URL_INVALID')
    expect(codeOf('ws://127.0.0.1/abc')).toBe('SW_DIAG_INSPECTOR_URL_INVALID')
    expect(codeOf('ws://127.0.0.1:9229/')).toBe('SW_DIAG_INSPECTOR_URL_INVALID')
    expect(codeOf('not a url')).toBe('SW_DIAG_INSPECTOR_URL_INVALID')
  })
})
