/** npm run loadgen — see cli/src/loadgen.ts. */
import { runLoadgen } from '../cli/src/loadgen.js'

process.exitCode = await runLoadgen(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signals: process })
