/**
 * What every benchmark result records about the machine it ran on: OS, CPU model, core count,
 * Node, and the load average — other jobs sharing the machine change what a result means.
 */
import { cpus, loadavg, release, type, totalmem } from 'node:os'

export interface MachineInfo {
  os: string
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  /** 1-minute load average when the benchmark started. */
  loadAverage1m: number
}

export function machineInfo (): MachineInfo {
  const list = cpus()
  return {
    os: `${type()} ${release()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0] as number * 100) / 100
  }
}

/** One line for a Markdown document. */
export function machineLine (m: MachineInfo): string {
  return `${m.os} · ${m.cpuModel} · ${m.cores} cores · ${m.memoryGiB} GiB · Node ${m.node} · load average ${m.loadAverage1m} at start`
}
