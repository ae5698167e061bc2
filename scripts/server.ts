// npm run server -- [options]: the reference chat server (see cli/src/server.ts).
import { runServer } from '../cli/src/server.js'

// Not a top-level await: a shutdown that never completes must end in runServer's own
// report, not in Node's "unsettled top-level await" (exit 13).
void runServer(process.argv.slice(2)).then(code => { process.exitCode = code })
