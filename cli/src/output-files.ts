/**
 * Output folders and files of a run (edge). Folders are checked before any load starts, so an
 * unwritable `reports/` fails in a second instead of after a ten-minute soak; files are written
 * under a temporary name and renamed, so a partial report never looks complete.
 */
import { mkdir, access, constants } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../diagnosis/src/atomic-file.js'
import { OutputUnwritableError } from './errors.js'

export interface RunFolders {
  reports: string
  profiles: string
}

/**
 * Creates `reports/<runId>/` and `profiles/<runId>/` under `root` and checks both are writable.
 * @throws {OutputUnwritableError} naming the folder and the reason
 */
export async function prepareRunFolders (root: string, runId: string): Promise<RunFolders> {
  const folders = { reports: join(root, 'reports', runId), profiles: join(root, 'profiles', runId) }
  for (const dir of Object.values(folders)) {
    try {
      await mkdir(dir, { recursive: true })
      await access(dir, constants.W_OK)
    } catch (err) {
      throw new OutputUnwritableError({ path: dir, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
    }
  }
  return folders
}

/**
 * Writes one output file atomically.
 * @throws {OutputUnwritableError}
 */
export async function writeOutputFile (path: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(path, content)
  } catch (err) {
    throw new OutputUnwritableError({ path, reason: err instanceof Error ? err.message : String(err) }, { cause: err })
  }
}
