import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../common/src/define-error.js'
import { fillPort, formatCommand, hasPortPlaceholder, parseCommand } from '../src/target/command-line.js'

describe('parseCommand', () => {
  it('splits words like a POSIX shell, honouring quotes and backslashes', () => {
    expect(parseCommand(`node 'my app.js' --name "a \\"b\\"" plain\\ space --port {port}`).argv)
      .toEqual(['node', 'my app.js', '--name', 'a "b"', 'plain space', '--port', '{port}'])
    expect(parseCommand(`node -e 'a$b'`).argv).toEqual(['node', '-e', 'a$b'])
    expect(parseCommand(`node ""`).argv).toEqual(['node', ''])
  })

  it('takes leading NAME=value words as environment, not arguments', () => {
    expect(parseCommand('DEBUG=x PORT= node app.js A=1')).toEqual({ env: { DEBUG: 'x', PORT: '' }, argv: ['node', 'app.js', 'A=1'] })
    expect(parseCommand(`'A=1' node`).argv).toEqual(['A=1', 'node'])
  })

  it('refuses what only a shell could run, with the offending character', () => {
    for (const command of ['node app.js > log', 'node a.js | tee x', 'node a.js && echo', 'node $APP', 'node `x`']) {
      let err: unknown
      try { parseCommand(command) } catch (e) { err = e }
      expect(hasCode(err, 'SW_DIAG_COMMAND_INVALID'), command).toBe(true)
      expect(String(err)).toContain('needs a shell')
    }
  })

  it('refuses empty commands and unclosed quotes', () => {
    expect(() => parseCommand('   ')).toThrow(/no program to run/)
    expect(() => parseCommand('A=1')).toThrow(/no program to run/)
    expect(() => parseCommand(`node 'app.js`)).toThrow(/unclosed '/)
    expect(() => parseCommand('node "app.js')).toThrow(/unclosed "/)
    expect(() => parseCommand('node app.js \\')).toThrow(/trailing backslash/)
  })

  it('parses back exactly what formatCommand renders, for any argv', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', "'", '"', '\\', '$', '|', '=', '{', '}', '-', '\t', 'é') })
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (argv) => {
      expect(parseCommand(formatCommand(argv))).toEqual({ env: {}, argv })
    }))
  })
})

describe('port placeholder', () => {
  it('fills every {port}', () => {
    const argv = ['node', 'app.js', '--port', '{port}', '--url=http://127.0.0.1:{port}/']
    expect(hasPortPlaceholder(argv)).toBe(true)
    expect(fillPort(argv, 4242)).toEqual(['node', 'app.js', '--port', '4242', '--url=http://127.0.0.1:4242/'])
    expect(hasPortPlaceholder(['node', 'app.js'])).toBe(false)
  })
})
