import type { LogContext, Logger } from './ports';

/** A JSON-lines logger on stdout (stderr for errors). */
export function jsonLogger(context: LogContext = {}, write: (line: string, level: string) => void = (line, level) => (level === 'ERROR' ? console.error(line) : console.log(line))): Logger {
  const emit = (level: string) => (message: string, extra?: Record<string, unknown>) => write(JSON.stringify({ level, message, ...context, ...extra }), level);
  return { debug: emit('DEBUG'), info: emit('INFO'), warn: emit('WARN'), error: emit('ERROR'), with: (ids) => jsonLogger({ ...context, ...ids }, write) };
}
