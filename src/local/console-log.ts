// Console output of the local runtime: short, timestamped lines that say which function is speaking.
import type { Logger } from '../services/shared/ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const FROM_HOST: Readonly<Record<string, LogLevel>> = {
  trace: 'debug',
  debug: 'debug',
  warning: 'warn',
  error: 'error',
  critical: 'error',
};

/** The console level for an @azure/functions log level ('information', 'warning', …). */
export function fromHostLevel(level: string): LogLevel {
  return FROM_HOST[level] ?? 'info';
}

export type LineWriter = (level: LogLevel, source: string, message: string) => void;

export const consoleWriter: LineWriter = (level, source, message) => {
  // Per-invocation host chatter: the functions' own lines say the same, more readably.
  if (level === 'debug') return;
  const time = new Date().toISOString().slice(11, 19);
  const line = `${time} ${source.padEnd(12)} ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

export const silentWriter: LineWriter = () => undefined;

export function createSourceLogger(write: LineWriter, source: string): Logger {
  return {
    info: (m) => write('info', source, m),
    warn: (m) => write('warn', source, m),
    error: (m) => write('error', source, m),
  };
}
