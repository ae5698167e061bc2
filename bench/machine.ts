/**
 * What every benchmark result records about the machine it ran on: OS, CPU model, core count,
 * Node, and the load average — other jobs sharing the machine change what a result means.
 */
import { cpus, loadavg, release, type, totalmem } from 'node:os'
import { cpuPressure } from '../loadgen/src/self-monitor.js'

export interface MachineInfo {
  os: string
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  /** 1-minute load average when the benchmark started. */
  loadAverage1m: number
  /** CPU pressure (PSI some avg10, %) when the benchmark started. */
  cpuPressure: number | null
}

export function machineInfo (): MachineInfo {
  const list = cpus()
  return {
    os: `${type()} ${release()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0] as number * 100) / 100,
    cpuPressure: cpuPressure()
  }
}

/** One line for a Markdown document. */
/**
 * Waits (bounded) until the machine is quiet — CPU pressure under `maxPressure` % — so that a
 * measurement is not taken while other jobs saturate the cores. Returns the pressure it started
 * at; the caller records it either way.
 */
export async function waitForQuiet (maxPressure: number, timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const p = cpuPressure()
    if (p === null || p <= maxPressure || performance.now() >= deadline) return p
    await new Promise(resolve => setTimeout(resolve, 2000))
  }
}

export function machineLine (m: MachineInfo): string {
  return `${m.os} · ${m.cpuModel} · ${m.cores} cores · ${m.memoryGiB} GiB · Node ${m.node} · at start: load average ${m.loadAverage1m}, CPU pressure ${m.cpuPressure ?? '?'}%`
}
