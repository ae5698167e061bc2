/**
 * Parses `--source-addresses`, pure: a comma-separated list of IPv4 addresses and inclusive
 * ranges (`127.0.0.2-127.0.0.9`). Linux gives each (source address, destination) pair its own
 * ~28,000 ephemeral ports (net.ipv4.ip_local_port_range), and binding a source address before
 * connect reserves a port per source address, so spreading clients over several loopback
 * addresses is how one machine opens more connections than one address has ports.
 */
import { InvalidLoadOptionError } from './errors.js'

/** Largest range accepted, to refuse an accidental `10.0.0.0-10.255.255.255`. */
export const MAX_SOURCE_ADDRESSES = 4096

/**
 * Expands a source-address spec into the list of addresses, in order, without duplicates.
 * @throws {InvalidLoadOptionError} on a malformed address, a reversed or too large range
 */
export function parseSourceAddresses (spec: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const rawPart of spec.split(',')) {
    const part = rawPart.trim()
    if (part === '') continue
    const dash = part.indexOf('-')
    const first = ipv4ToNumber(dash === -1 ? part : part.slice(0, dash))
    const last = dash === -1 ? first : ipv4ToNumber(part.slice(dash + 1))
    if (first === undefined || last === undefined || last < first || last - first >= MAX_SOURCE_ADDRESSES) {
      throw new InvalidLoadOptionError({
        name: 'sourceAddresses',
        value: part,
        expected: `IPv4 addresses or ascending ranges a.b.c.d-e.f.g.h of at most ${MAX_SOURCE_ADDRESSES}`
      })
    }
    for (let n = first; n <= last; n++) {
      const ip = numberToIpv4(n)
      if (seen.has(ip)) continue
      seen.add(ip)
      out.push(ip)
    }
  }
  if (out.length > MAX_SOURCE_ADDRESSES) {
    throw new InvalidLoadOptionError({ name: 'sourceAddresses', value: spec, expected: `at most ${MAX_SOURCE_ADDRESSES} addresses` })
  }
  return out
}

function ipv4ToNumber (text: string): number | undefined {
  const parts = text.trim().split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const octet = Number(p)
    if (octet > 255) return undefined
    n = n * 256 + octet
  }
  return n
}

function numberToIpv4 (n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`
}
