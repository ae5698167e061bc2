/**
 * Is the target still there? One fresh connection per port: a server that accepts — or one too
 * busy to answer within the timeout — is alive; only a refusal (or an unreachable host) means
 * the process is gone. Used once every live connection of a run has been dropped, to tell a
 * dead server from one that closed some clients on purpose.
 */
import { connect } from 'node:net'

/**
 * Resolves with one entry per port: the error code of a failed connection, or undefined when
 * the port answered. Never rejects.
 */
export async function probeTarget (host: string, ports: readonly number[], timeoutMs: number): Promise<Array<string | undefined>> {
  return await Promise.all(ports.map(async port => await new Promise<string | undefined>(resolve => {
    const probe = connect({ host, port })
    const alive = (): void => {
      probe.destroy()
      resolve(undefined)
    }
    probe.setTimeout(timeoutMs, alive)
    probe.once('connect', alive)
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })))
}
