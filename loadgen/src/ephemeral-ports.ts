/**
 * Whether the run's connections fit in the kernel's ephemeral ports.
 *
 * Each source address offers net.ipv4.ip_local_port_range ports (32768–60999 by default, 28,232).
 * Binding a source address before connect (how --source-addresses works) reserves one of them
 * per connection whatever the destination, and an unbound connect needs one per destination, so
 * either way one address serves at most that many concurrent connections. Other programs hold
 * some too; we only refuse what can certainly not work.
 */
import { readFileSync } from 'node:fs'
import { EphemeralPortsError } from './errors.js'

/** Size of the ephemeral port range, or undefined when it cannot be read (not Linux). */
export function ephemeralPortCount (): number | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number)
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high) && high >= low) return high - low + 1
  } catch {
    // No procfs: the kernel will tell us with EADDRNOTAVAIL, counted per connection.
  }
  return undefined
}

/**
 * Checks that `clients` connections fit: bound to `addresses` source addresses, each address
 * has its own pool; unbound (no addresses), each destination port has one.
 * @throws {EphemeralPortsError} when one pool would need more ports than exist
 */
export function checkEphemeralPorts (clients: number, addresses: number, destinations = 1, available = ephemeralPortCount()): void {
  if (available === undefined) return
  const pools = addresses > 0 ? addresses : Math.max(1, destinations)
  const perAddress = Math.ceil(clients / pools)
  if (perAddress > available) throw new EphemeralPortsError({ perAddress, available, addresses: Math.max(1, addresses) })
}
