// npm run diff -- before.heapsnapshot after.heapsnapshot [final.heapsnapshot]
import { runDiff } from '../cli/src/diff.js'

process.exitCode = await runDiff(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, now: () => performance.now() })
