/**
 * Barriers between the processes of one run.
 *
 * A run has two barriers: once every client has joined (or failed), sending starts with each
 * room's membership known; once every client has sent its last message, each room's total sent
 * is known, so every receiver knows exactly how many deliveries to wait for in the drain. Each
 * process contributes its counts per room and gets back the sums over all processes. In one
 * process the sums are its own counts; workers sum them through their parent (worker-pool.ts).
 */

export type BarrierName = 'joined' | 'sent'

/** Counts per room index. */
export type RoomCounts = Record<number, number>

export interface Coordinator {
  /** Resolves with the per-room sums over every process of the run once all have arrived. */
  sync: (barrier: BarrierName, local: RoomCounts) => Promise<RoomCounts>
}

/** The coordinator of a single-process run: nobody else to wait for. */
export const localCoordinator: Coordinator = {
  sync: async (_barrier, local) => local
}

/** Adds per-room counts into `into`, pure helper shared by the pool. */
export function addRoomCounts (into: RoomCounts, add: RoomCounts): RoomCounts {
  for (const [room, n] of Object.entries(add)) into[Number(room)] = (into[Number(room)] ?? 0) + n
  return into
}
