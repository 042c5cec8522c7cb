import type { Logger } from '@taskflow/platform';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/**
 * The services log JSON to stdout; a command's stdout is its answer (a history, a verdict), so
 * its log lines go to stderr, one readable line each. Covers the part of pino's interface the
 * projectors and the replay use (leveled calls with an optional object, `child`).
 */
export function stderrLogger(level: Level | 'silent', bindings: Record<string, unknown> = {}): Logger {
  const threshold = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level);
  const at =
    (name: Level) =>
    (first?: unknown, message?: unknown): void => {
      if (LEVELS.indexOf(name) < threshold) return;
      const [fields, text] = typeof first === 'string' ? [{}, first] : [first ?? {}, message ?? ''];
      const context = { ...bindings, ...(fields as Record<string, unknown>) };
      process.stderr.write(`${name}: ${String(text)} ${JSON.stringify(context, errorsAsText)}\n`);
    };
  const logger = {
    level,
    child: (more: Record<string, unknown>) => stderrLogger(level, { ...bindings, ...more }),
    isLevelEnabled: (name: Level) => LEVELS.indexOf(name) >= threshold,
    ...Object.fromEntries(LEVELS.map((name) => [name, at(name)])),
  };
  return logger as unknown as Logger;
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
