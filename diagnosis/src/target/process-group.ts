/**
 * Stopping a target's whole process tree: its process group (the target runs in its own) plus
 * every hooked process the registry names, in case one left the group (setsid, a detached
 * spawn). A wrapper such as npm may exit on SIGTERM before the server it started, so "the
 * target has stopped" means no member is left running, not that the first PID exited.
 *
 * A registry pid is only signalled while it still carries the registry's variable in its
 * environment (/proc/PID/environ): a pid freed by a process that exited may be reused by
 * something that is not ours. Linux reads /proc for that, for group membership and for zombie
 * state; elsewhere only the group is signalled, and `kill(-pgid, 0)` tells whether it is gone.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** The tree of one target: its process group, and the pids its registry names with their tag. */
export interface ProcessTree {
  pgid: number
  pids: () => readonly number[]
  /** `NAME=value` that every process of the tree inherited. */
  tag: string
}

/** Sends `signal` to the group and to each pid of the tree still ours; members already gone are skipped. Never throws. */
export function signalTree (tree: ProcessTree, signal: NodeJS.Signals): void {
  send(-tree.pgid, signal)
  for (const pid of tree.pids()) if (carries(pid, tree.tag)) send(pid, signal)
}

/** The members of the tree still running (zombies excluded); `-pgid` stands for the group where /proc is missing. */
export function runningMembers (tree: ProcessTree): number[] {
  const running = new Set<number>()
  const group = groupMembers(tree.pgid)
  if (group === undefined) {
    if (exists(-tree.pgid)) running.add(-tree.pgid)
  } else {
    for (const pid of group) running.add(pid)
  }
  for (const pid of tree.pids()) if (isRunning(pid) && carries(pid, tree.tag)) running.add(pid)
  return [...running]
}

/** True when the process's environment holds `tag` (`NAME=value`); false when it cannot be read. */
function carries (pid: number, tag: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(tag)
  } catch {
    return false
  }
}

/** True when `pid` exists and is not a zombie. */
export function isRunning (pid: number): boolean {
  if (!exists(pid)) return false
  const stat = procStat(pid)
  return stat === undefined || stat.state !== 'Z'
}

interface ProcStat { state: string, pgrp: number }

/** Members of a process group from /proc (zombies excluded), or undefined without /proc. */
function groupMembers (pgid: number): number[] | undefined {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return undefined
  }
  const members: number[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const stat = procStat(Number(name))
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(name))
  }
  return members
}

/** Fields 3 (state) and 5 (pgrp) of /proc/PID/stat; the command name may hold spaces and parentheses (proc(5)). */
function procStat (pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const pgrp = Number(fields[2])
  return state === undefined || !Number.isInteger(pgrp) ? undefined : { state, pgrp }
}

function exists (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function send (pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch (err) {
    // ESRCH: already gone. EPERM: not ours any more (the pid was reused); leave it alone.
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ESRCH' && code !== 'EPERM') throw err
  }
}
