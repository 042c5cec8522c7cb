import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/** One logger shape for every service: JSON lines, service name on each, secrets redacted. */
export function createLogger(service: string, level: LoggerOptions['level'] = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
