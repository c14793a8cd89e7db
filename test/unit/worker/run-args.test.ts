// Unit tests for splitting run_args into argv without a shell.
import { describe, it, expect } from 'vitest';
import { splitRunArgs } from '../../../src/domain/worker/run-args';

function args(input: string): string[] {
  const result = splitRunArgs(input);
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.args;
}

function failure(input: string): string {
  const result = splitRunArgs(input);
  if (result.ok) throw new Error(`expected failure, got: ${JSON.stringify(result.args)}`);
  return result.message;
}

describe('splitRunArgs', () => {
  it('returns no arguments for empty or whitespace-only input', () => {
    expect(args('')).toEqual([]);
    expect(args('   \t\n  ')).toEqual([]);
  });

  it('splits on runs of whitespace', () => {
    expect(args('  --cluster  aks-prod\t--ns\nweb  ')).toEqual(['--cluster', 'aks-prod', '--ns', 'web']);
  });

  it('keeps single-quoted text literal, backslashes included', () => {
    expect(args(`'hello world' 'a\\b' 'say "hi"'`)).toEqual(['hello world', 'a\\b', 'say "hi"']);
  });

  it('supports \\" and \\\\ escapes inside double quotes and keeps other backslashes', () => {
    expect(args(`"say \\"hi\\"" "c:\\\\dir" "a\\nb" "it's"`)).toEqual(['say "hi"', 'c:\\dir', 'a\\nb', "it's"]);
  });

  it('escapes the next character with a backslash outside quotes', () => {
    expect(args(`a\\ b c\\'d \\"e\\\\`)).toEqual(['a b', "c'd", '"e\\']);
  });

  it('joins adjacent quoted and unquoted parts into one argument', () => {
    expect(args(`--name='my app'"'s"x`)).toEqual(["--name=my app'sx"]);
  });

  it('keeps empty quoted strings as empty arguments', () => {
    expect(args(`a '' "" b`)).toEqual(['a', '', '', 'b']);
  });

  it('performs no variable, glob or command expansion', () => {
    expect(args('$HOME * ~ $(id) `id` ${PATH} a;b|c&&d > out')).toEqual([
      '$HOME',
      '*',
      '~',
      '$(id)',
      '`id`',
      '${PATH}',
      'a;b|c&&d',
      '>',
      'out',
    ]);
    expect(args(`"$HOME" "*"`)).toEqual(['$HOME', '*']);
  });

  it('keeps non-ASCII text, including non-breaking spaces, inside one argument', () => {
    expect(args('café 😀\u00a0x')).toEqual(['café', '😀\u00a0x']);
  });

  it('reports an unclosed single quote', () => {
    expect(failure(`a 'b c`)).toMatch(/unclosed single quote.*position 2/);
  });

  it('reports an unclosed double quote, even when it ends with an escape', () => {
    expect(failure(`a "b c`)).toMatch(/unclosed double quote.*position 2/);
    expect(failure(`"abc\\"`)).toMatch(/unclosed double quote/);
  });

  it('rejects a trailing backslash', () => {
    expect(failure('abc\\')).toMatch(/backslash/);
  });

  it('rejects NUL characters', () => {
    expect(failure('a\0b')).toMatch(/NUL/);
    expect(failure(`'a\0b'`)).toMatch(/NUL/);
  });
});
