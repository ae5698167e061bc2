/**
 * DevTools WebSocket URLs: parse and refuse anything off loopback. An inspector endpoint runs
 * arbitrary code in the target, so soakwatch never talks to one that another host could reach
 * (https://nodejs.org/en/learn/getting-started/security-best-practices#exposure-of-inspector-endpoint-cwe-306).
 * Pure.
 */
import { InspectorNotLoopbackError, InspectorUrlInvalidError } from './errors.js'

/**
 * True for 127.0.0.0/8, ::1 (also IPv4-mapped 127/8) and `localhost`, in any spelling the WHATWG
 * URL parser accepts: it normalises `127.1` to `127.0.0.1` and `0:0::1` to `[::1]` first.
 */
export function isLoopbackHost (host: string): boolean {
  const literal = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  let hostname: string
  try {
    hostname = new URL(`ws://${literal}/`).hostname.toLowerCase()
  } catch {
    return false // not a host name at all, so certainly not a loopback one
  }
  if (hostname === 'localhost' || hostname === '[::1]') return true
  if (/^127\.\d+\.\d+\.\d+$/.test(hostname)) return true
  // ::ffff:127.x.y.z, which the URL parser writes as two hex groups: ::ffff:7fxx:yyzz
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
}

/**
 * Validates a DevTools URL for the inspector session.
 * @throws {InspectorUrlInvalidError} when it is not `ws://host:port/path`
 * @throws {InspectorNotLoopbackError} when the host is not a loopback address
 */
export function parseDevtoolsUrl (url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (err) {
    throw new InspectorUrlInvalidError(url, { cause: err })
  }
  if (parsed.protocol !== 'ws:' || parsed.port === '' || parsed.pathname.length <= 1) throw new InspectorUrlInvalidError(url)
  if (!isLoopbackHost(parsed.hostname)) throw new InspectorNotLoopbackError(url)
  return parsed
}
