/**
 * Target command lines: `--target "PORT=1 node app.js --port {port}"` split into words the
 * way a POSIX shell would quote them, without running a shell. soakwatch spawns the command
 * itself so that the PID it stops is the target's, not a shell's; shell syntax that would need
 * a real shell (pipes, redirections, `$VAR`, `;`, `&&`) is refused rather than passed on as
 * arguments. Pure.
 */
import { CommandInvalidError } from '../errors.js'

/** The placeholder replaced by a free port. */
export const PORT_PLACEHOLDER = '{port}'

export interface ParsedCommand {
  /** Leading `NAME=value` words, applied to the target's environment. */
  env: Record<string, string>
  argv: string[]
}

const SHELL_ONLY = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`'])
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s

/**
 * Splits a command line into environment assignments and argv.
 * @throws {CommandInvalidError} on an empty command, an unclosed quote, or shell-only syntax
 */
export function parseCommand (command: string): ParsedCommand {
  const words = splitWords(command)
  const env: Record<string, string> = {}
  let i = 0
  for (; i < words.length; i++) {
    const word = words[i]
    const match = word !== undefined && !word.quoted ? ASSIGNMENT.exec(word.text) : null
    if (match === null) break
    env[match[1] ?? ''] = match[2] ?? ''
  }
  const argv = words.slice(i).map((w) => w.text)
  if (argv.length === 0) throw new CommandInvalidError({ command, problem: 'no program to run' })
  return { env, argv }
}

/** Replaces every `{port}` in argv with `port`. */
export function fillPort (argv: readonly string[], port: number): string[] {
  return argv.map((arg) => arg.split(PORT_PLACEHOLDER).join(String(port)))
}

/** True when some argument holds the `{port}` placeholder. */
export function hasPortPlaceholder (argv: readonly string[]): boolean {
  return argv.some((arg) => arg.includes(PORT_PLACEHOLDER))
}

/** Renders argv for messages, quoting words that a shell would split. */
export function formatCommand (argv: readonly string[]): string {
  return argv.map((arg) => /^[\w@%+:,./{}-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
}

interface Word { text: string, quoted: boolean }

function splitWords (command: string): Word[] {
  const words: Word[] = []
  let text = ''
  let inWord = false
  let quoted = false
  let i = 0
  const fail = (problem: string): never => { throw new CommandInvalidError({ command, problem }) }
  while (i < command.length) {
    const c = command[i] as string
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push({ text, quoted })
      text = ''
      inWord = false
      quoted = false
      i++
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1)
      if (end === -1) fail(`unclosed ' at column ${i + 1}`)
      text += command.slice(i + 1, end)
      inWord = quoted = true
      i = end + 1
    } else if (c === '"') {
      i++
      // Inside double quotes a backslash escapes only " \ $ ` (POSIX 2.2.3); $ and ` stay
      // literal here because there is no shell to expand them.
      while (i < command.length && command[i] !== '"') {
        const next = command[i + 1]
        if (command[i] === '\\' && next !== undefined && '"\\$`'.includes(next)) {
          text += next
          i += 2
        } else {
          text += command[i]
          i++
        }
      }
      if (i >= command.length) fail('unclosed "')
      inWord = quoted = true
      i++
    } else if (c === '\\') {
      const next = command[i + 1]
      if (next === undefined) fail('trailing backslash')
      text += next
      inWord = true
      i += 2
    } else if (SHELL_ONLY.has(c)) {
      fail(`shell syntax ${JSON.stringify(c)} at column ${i + 1} needs a shell; soakwatch runs the command directly (quote it if it is a literal)`)
    } else {
      text += c
      inWord = true
      i++
    }
  }
  if (inWord) words.push({ text, quoted })
  return words
}
