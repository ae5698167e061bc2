/**
 * Everything a run counts, in one place: client and message counters, per-room tallies, errors
 * by kind and the latency histograms. The run (load-run.ts) decides *when* something happened;
 * the tally only adds it up and turns it into the result's plain-data sections.
 *
 * Fixed-size whatever the run's length: counters, one tally per room of this process, and
 * histograms with a fixed range. The two histograms recorded per delivery and per send are the
 * WebAssembly build (see histograms.ts) and must be released with `destroy()`.
 */
import { createHistogram, createRecorder, encodeHistogram } from './histograms.js'
import type { Histogram } from './histograms.js'
import type { ClientCounts, LoadResult, MessageCounts, RoomStats } from './load-result.js'
import { DUPLICATE, REORDERED } from './sequence-tracker.js'
import type { Delivery } from './sequence-tracker.js'

/** Running counters of one room. */
export type RoomTally = Omit<RoomStats, 'room' | 'channel'>

/** Counts of one tick window. */
export interface WindowCounts {
  sent: number
  delivered: number
  errors: number
  /** Fan-out p99 within the window, µs; 0 when nothing was delivered. */
  p99Us: number
}

/** The counters of one process's run. */
export class LoadTally {
  readonly clients: ClientCounts
  readonly messages: Omit<MessageCounts, 'lost'> = { planned: 0, sent: 0, expected: 0, delivered: 0, unique: 0, duplicates: 0, reordered: 0, foreign: 0 }
  readonly errors = new Map<string, number>()
  errorCount = 0
  readonly #firstRoom: number
  readonly #rooms: RoomTally[]
  readonly #hist: Record<'connect' | 'register' | 'join' | 'fanout' | 'timerLateness', Histogram>
  /** The fan-out histogram as it was at the previous window: the window is the difference. */
  readonly #fanoutAtWindow: Histogram
  readonly #fanoutWindow: Histogram
  #window = { sent: 0, delivered: 0, errors: 0 }

  /** @param clients - clients of this process; rooms `firstRoom` … `firstRoom + rooms - 1` */
  constructor (clients: number, firstRoom: number, rooms: number) {
    this.clients = {
      target: clients, started: 0, connected: 0, registered: 0, joined: 0, connectFailed: 0, joinFailed: 0,
      nickRetries: 0, droppedEarly: 0, quitClean: 0, quitTimedOut: 0, hangupClean: 0, hangupTimedOut: 0, resets: 0
    }
    this.#firstRoom = firstRoom
    this.#rooms = Array.from({ length: Math.max(0, rooms) }, () => ({ members: 0, sent: 0, expected: 0, unique: 0, duplicates: 0, reordered: 0 }))
    this.#hist = {
      connect: createHistogram(),
      register: createHistogram(),
      join: createHistogram(),
      fanout: createRecorder(),
      timerLateness: createRecorder()
    }
    this.#fanoutAtWindow = createRecorder()
    this.#fanoutWindow = createRecorder()
  }

  /** The tally of a room of this process. */
  room (room: number): RoomTally {
    return this.#rooms[room - this.#firstRoom] as RoomTally
  }

  /** Sets each room's membership as the barrier reported it (summed over all processes). */
  setMembers (members: Readonly<Record<number, number>>): void {
    this.#rooms.forEach((r, i) => { r.members = members[this.#firstRoom + i] ?? 0 })
  }

  /** A step's latency, µs: connect, registration or join. */
  recordStep (step: 'connect' | 'register' | 'join', us: number): void {
    this.#hist[step].recordValue(us > 0 ? us : 0)
  }

  /** A message sent `lateUs` after its intended time. */
  recordSend (room: number, lateUs: number): void {
    this.#hist.timerLateness.recordValue(lateUs > 0 ? lateUs : 0)
    this.messages.sent++
    this.#window.sent++
    const r = this.room(room)
    r.sent++
    // Owed to every other member that joined before the barrier.
    r.expected += r.members - 1
    this.messages.expected += r.members - 1
  }

  /** A delivery of `kind` (SequenceTracker); latency from the intended send time, µs. */
  recordDelivery (room: number, kind: Delivery, latencyUs: number): void {
    const m = this.messages
    const r = this.room(room)
    m.delivered++
    this.#window.delivered++
    if (kind === DUPLICATE) {
      m.duplicates++
      r.duplicates++
      return
    }
    m.unique++
    r.unique++
    if (kind === REORDERED) {
      m.reordered++
      r.reordered++
    }
    // Negative only through clock skew between worker processes; never below zero.
    this.#hist.fanout.recordValue(latencyUs > 0 ? latencyUs : 0)
  }

  countError (kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1)
    this.errorCount++
    this.#window.errors++
  }

  /** Counts since the previous call, and starts a new window. */
  closeWindow (): WindowCounts {
    // One record per delivery, into the run's histogram; the window's p99 comes from
    // (now − previous window): a few array passes per tick instead of a second record per delivery.
    let p99Us = 0
    if (this.#window.delivered > 0) {
      const w = this.#fanoutWindow
      w.reset()
      w.add(this.#hist.fanout)
      w.subtract(this.#fanoutAtWindow)
      p99Us = w.totalCount === 0 ? 0 : w.getValueAtPercentile(99)
      this.#fanoutAtWindow.add(w)
    }
    const counts = { ...this.#window, p99Us }
    this.#window = { sent: 0, delivered: 0, errors: 0 }
    return counts
  }

  messageCounts (): MessageCounts {
    return { ...this.messages, lost: Math.max(0, this.messages.expected - this.messages.unique) }
  }

  roomStats (channelOf: (room: number) => string): RoomStats[] {
    return this.#rooms.map((r, i) => ({ room: this.#firstRoom + i, channel: channelOf(this.#firstRoom + i), ...r }))
  }

  latency (): LoadResult['latency'] {
    return {
      connect: encodeHistogram(this.#hist.connect),
      register: encodeHistogram(this.#hist.register),
      join: encodeHistogram(this.#hist.join),
      fanout: encodeHistogram(this.#hist.fanout),
      timerLateness: encodeHistogram(this.#hist.timerLateness)
    }
  }

  errorCounts (): Record<string, number> {
    return Object.fromEntries([...this.errors].sort(([a], [b]) => (a < b ? -1 : 1)))
  }

  /** Releases the WebAssembly histograms; the tally is unusable afterwards. */
  destroy (): void {
    for (const h of [this.#hist.fanout, this.#hist.timerLateness, this.#fanoutAtWindow, this.#fanoutWindow]) h.destroy()
  }
}
