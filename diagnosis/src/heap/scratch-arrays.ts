/**
 * Node-sized Uint32Array scratch space passed from one analysis step to the next.
 *
 * The analysis of a final snapshot allocates a dozen arrays of one uint32 per node, most of
 * them temporary. Freed typed arrays only go back to the system at the next full garbage
 * collection, so a step that allocates right after another one finished would briefly hold
 * both; on a 500 MB snapshot that is ~100 MB of peak. Steps take their arrays from here and
 * give the temporary ones back, and the next step reuses them.
 */
export class ScratchArrays {
  readonly #free: Uint32Array[] = []
  /** Length of every array: node count + 1 (DFS numbers run from 1). */
  readonly length: number

  constructor (nodeCount: number) {
    this.length = nodeCount + 1
  }

  /** An array of `length` elements, all set to `fill`. */
  take (fill = 0): Uint32Array {
    const reused = this.#free.pop()
    return reused === undefined ? (fill === 0 ? new Uint32Array(this.length) : new Uint32Array(this.length).fill(fill)) : reused.fill(fill)
  }

  /** Hands arrays back for reuse; the caller must not touch them afterwards. */
  give (...arrays: Uint32Array[]): void {
    for (const a of arrays) if (a.length === this.length) this.#free.push(a)
  }
}
