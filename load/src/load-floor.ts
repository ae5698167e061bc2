/**
 * The load floor: a round counts as evidence only if its load reached the target. A soak whose
 * clients never got through (wrong protocol, wrong port, every connection refused, a server that
 * accepts and never answers, TLS) inventories a target nothing exercised; "no leak" from it
 * would be a silent pass. Below the floor the run is inconclusive.
 *
 * Three fractions of the round's load, each ≥ its floor:
 * - connected:  clients whose TCP connection succeeded / clients;
 * - handshake:  clients that completed the protocol's handshake (IRC: registered and joined;
 *               HTTP: got a response) / clients;
 * - operations: operations sent / planned (IRC: the joined clients' sends; HTTP: `--amount`
 *               or rate × duration; a closed-loop HTTP load has no plan, and its responses /
 *               requests sent stands in — a server that answers nothing fails it).
 * Defaults 0.9: a healthy target meets them every time (100 % here), a broken one reaches 0;
 * a target that degrades under load — a few clients refused, some timeouts — is still judged,
 * with those counts in the report. Pure.
 */
import type { LoadFloor } from '../../diagnosis/src/verdict-config.js'
import { DEFAULT_LOAD_FLOOR } from '../../diagnosis/src/verdict-config.js'
import type { LoadSummary } from './driver-result.js'

export interface FloorResult {
  ok: boolean
  /** What fell short, with a hint; null when the floor was met. E.g. "0 of 20 clients joined: …". */
  shortfall: string | null
  ratios: { connected: number, handshake: number, operations: number }
}

/** Checks one round's load against the floor. */
export function checkLoadFloor (l: LoadSummary, floor: LoadFloor = DEFAULT_LOAD_FLOOR): FloorResult {
  const noun = l.protocol === 'irc' ? 'clients' : 'connections'
  const ratio = (n: number, of: number): number => of === 0 ? 1 : n / of
  const planned = l.operations.planned ?? l.operations.sent
  const done = l.operations.planned === null ? l.operations.completed : l.operations.sent
  const ratios = { connected: ratio(l.connected, l.clients), handshake: ratio(l.handshaked, l.clients), operations: ratio(done, planned) }
  let shortfall: string | null = null
  if (ratios.connected < floor.connected) {
    shortfall = `${l.connected} of ${l.clients} ${noun} connected${errorList(l)}: ${connectHint(l)}`
  } else if (ratios.handshake < floor.handshake) {
    const what = l.protocol === 'irc' ? `${noun} joined` : `${noun} got a response`
    shortfall = `${l.handshaked} of ${l.clients} ${what}${errorList(l)}: ${handshakeHint(l)}`
  } else if (ratios.operations < floor.operations) {
    shortfall = l.operations.planned === null
      ? `${l.operations.completed} of ${l.operations.sent} requests answered${errorList(l)}: the target stopped answering under load`
      : `${l.operations.sent} of ${planned} planned ${l.protocol === 'irc' ? 'messages' : 'requests'} sent${errorList(l)}: clients were dropped or stalled before sending their load`
  }
  return { ok: shortfall === null, shortfall, ratios }
}

function errorList (l: LoadSummary): string {
  const top = Object.entries(l.errors).sort(([, a], [, b]) => b - a).slice(0, 3)
  return top.length === 0 ? '' : ` (${top.map(([k, n]) => `${k} ×${n}`).join(', ')})`
}

function connectHint (l: LoadSummary): string {
  if ((l.errors['ECONNREFUSED'] ?? 0) > 0) return 'nothing accepted connections on the port — does the server listen on the {port} it was given?'
  return 'the target did not accept the connections in time — is it overloaded, or listening on another address?'
}

function handshakeHint (l: LoadSummary): string {
  const e = l.errors
  if (l.protocol === 'http') {
    if ((e['timeout'] ?? 0) > 0) return 'the target accepted connections but answered no HTTP request in time — is it an IRC server? try --protocol irc; a TLS-only server looks like this too'
    return 'the target closed the connections without an HTTP response — does it speak HTTP/1.1 on this port?'
  }
  if ((e['garbage'] ?? 0) > 0) return 'the target answered with lines that are not IRC and closed the connection — is it an HTTP server? try --protocol http'
  if ((e['register-timeout'] ?? 0) > 0 || (e['join-timeout'] ?? 0) > 0) return 'the target accepted the connections but never completed registration or JOIN — does it speak the IRC subset of server/PROTOCOL.md? a TLS-only server looks like this too'
  if ((e['connection-reset'] ?? 0) > 0 || (e['server-closed'] ?? 0) > 0) return 'the target closed every connection before registration — is it an HTTP server? try --protocol http'
  return 'the clients did not get through the handshake — see the errors in the report'
}
