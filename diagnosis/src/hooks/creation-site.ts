/**
 * Picks a resource's creation site from its stack frames: the first frame that is neither
 * Node's own code (`node:*`, native frames) nor soakwatch's hooks, preferring application
 * code over `node_modules`. Pure; runs inside the target, so it imports nothing.
 */

/** One stack frame, as V8's CallSite reports it (1-based line and column). */
export interface Frame {
  file: string | null
  line: number | null
  col: number | null
}

export interface PickedSite {
  /** `file:line:col`, with `file://` URLs turned into paths. */
  site: string
  /** True when every candidate frame was inside node_modules. */
  inDependency: boolean
}

/** Maps a generated position to its original source (source maps), or returns undefined. */
export type SourceMapper = (file: string, line: number, col: number) => string | undefined

/**
 * Returns the first application frame, else the first dependency frame, else undefined.
 * @param ownDir - path of the hooks folder: frames in it are soakwatch's own
 * @param toPath - turns a `file://` URL into a path (injected so this stays import-free)
 */
export function pickCreationSite (
  frames: readonly Frame[],
  ownDir: string,
  toPath: (url: string) => string,
  mapSource?: SourceMapper
): PickedSite | undefined {
  let dependency: PickedSite | undefined
  for (const frame of frames) {
    const file = frame.file
    if (file === null || file === '' || frame.line === null || isNodeInternal(file)) continue
    // ESM frames carry file:// URLs, CommonJS frames paths: compare as paths.
    const path = file.startsWith('file://') ? toPath(file) : file
    if (path.startsWith(ownDir)) continue
    const col = frame.col ?? 0
    const site = mapSource?.(file, frame.line, col) ?? `${path}:${frame.line}:${col}`
    if (!path.includes('/node_modules/')) return { site, inDependency: false }
    dependency ??= { site, inDependency: true }
  }
  return dependency
}

function isNodeInternal (file: string): boolean {
  // `node:` for built-in modules; bare `internal/...` names appear in older Node releases.
  return file.startsWith('node:') || file.startsWith('internal/')
}
