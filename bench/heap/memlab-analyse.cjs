// memlab side of the single-snapshot benchmark: load one snapshot the way memlab's analyses do
// (getFullHeapFromFile: parse, then dominators and retained sizes). Run from bench/heap so that
// its own node_modules (memlab, installed with PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts)
// resolve; memlab is never a dependency of soakwatch itself.
//
//   node --expose-gc --max-old-space-size=4096 memlab-analyse.cjs FILE
const { getFullHeapFromFile } = require('@memlab/heap-analysis')

const started = performance.now()
getFullHeapFromFile(process.argv[2]).then((heap) => {
  process.stdout.write(`${JSON.stringify({ nodes: heap.nodes.length, ms: Math.round(performance.now() - started) })}\n`)
}, (err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 2
})
