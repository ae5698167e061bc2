// npm run soak -- --clients 500 — see cli/src/soak.ts and docs/soak.md.
import { runSoak } from '../cli/src/soak.js'

process.exitCode = await runSoak(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signals: process, cwd: process.cwd(), now: () => new Date() })
