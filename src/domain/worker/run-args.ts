// Splits a mapping's run_args string into argv with shell-like quoting but no expansion of any kind.

export type SplitRunArgsResult = { ok: true; args: string[] } | { ok: false; message: string };

type QuoteMode = 'none' | 'single' | 'double';

type SplitState = {
  readonly args: string[];
  current: string;
  /** True once a token has started, so that '' or "" yields an empty argument. */
  inToken: boolean;
  mode: QuoteMode;
  escaping: boolean;
  quoteStart: number;
};

// ASCII whitespace only: a non-breaking space inside an argument must stay part of it.
const SEPARATORS = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

export function splitRunArgs(input: string): SplitRunArgsResult {
  if (input.includes('\0')) {
    return { ok: false, message: 'run_args must not contain NUL characters' };
  }
  const state: SplitState = { args: [], current: '', inToken: false, mode: 'none', escaping: false, quoteStart: -1 };
  for (let i = 0; i < input.length; i++) {
    step(state, input.charAt(i), i);
  }
  if (state.mode === 'single') {
    return { ok: false, message: `run_args has an unclosed single quote (') opened at position ${state.quoteStart}` };
  }
  if (state.mode === 'double') {
    return { ok: false, message: `run_args has an unclosed double quote (") opened at position ${state.quoteStart}` };
  }
  if (state.escaping) {
    return { ok: false, message: 'run_args ends with a backslash that escapes nothing' };
  }
  if (state.inToken) {
    state.args.push(state.current);
  }
  return { ok: true, args: state.args };
}

function step(state: SplitState, ch: string, index: number): void {
  if (state.mode === 'single') {
    if (ch === "'") state.mode = 'none';
    else state.current += ch;
    return;
  }
  if (state.mode === 'double') {
    stepDouble(state, ch);
    return;
  }
  stepUnquoted(state, ch, index);
}

function stepDouble(state: SplitState, ch: string): void {
  if (state.escaping) {
    state.escaping = false;
    // Like POSIX, only a few characters are escapable inside double quotes; otherwise the backslash is kept.
    state.current += ch === '"' || ch === '\\' ? ch : `\\${ch}`;
    return;
  }
  if (ch === '\\') state.escaping = true;
  else if (ch === '"') state.mode = 'none';
  else state.current += ch;
}

function stepUnquoted(state: SplitState, ch: string, index: number): void {
  if (state.escaping) {
    state.escaping = false;
    state.current += ch;
    state.inToken = true;
    return;
  }
  if (SEPARATORS.has(ch)) {
    if (state.inToken) state.args.push(state.current);
    state.current = '';
    state.inToken = false;
    return;
  }
  state.inToken = true;
  if (ch === '\\') {
    state.escaping = true;
  } else if (ch === "'" || ch === '"') {
    state.mode = ch === "'" ? 'single' : 'double';
    state.quoteStart = index;
  } else {
    state.current += ch;
  }
}
