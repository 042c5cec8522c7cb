import { loadConfig } from '@taskflow/platform';
import { describe, expect, it } from 'vitest';
import { notifyServiceConfig } from './config.ts';

const BASE = {
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
  JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
  SERVICE_TOKEN: 's'.repeat(32),
  PROJECTION_SERVICE_URL: 'http://projection:3002',
  COMMAND_SERVICE_URL: 'http://command:3001',
};

describe('notify-service configuration', () => {
  it('given the required variables only, when loaded, then the documented defaults apply', () => {
    const config = loadConfig(notifyServiceConfig, BASE);
    expect(config).toMatchObject({
      PORT: 3003,
      KAFKA_TOPIC: 'taskflow.events',
      WS_PING_INTERVAL_MS: 30_000,
      DEADLINE_CRON: '* * * * *',
      REMINDER_WINDOWS: ['24h', '1h'],
    });
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('given lists, when loaded, then they are split and trimmed', () => {
    const config = loadConfig(notifyServiceConfig, {
      ...BASE,
      KAFKA_BROKERS: 'a:9092, b:9092',
      WS_ALLOWED_ORIGINS: 'https://app.example.com ,https://admin.example.com',
      REMINDER_WINDOWS: '1h',
    });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(config.WS_ALLOWED_ORIGINS).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(config.REMINDER_WINDOWS).toEqual(['1h']);
  });

  it('given bad values, when loaded, then the error names each bad variable', () => {
    const load = () =>
      loadConfig(notifyServiceConfig, {
        ...BASE,
        SERVICE_TOKEN: 'short',
        REMINDER_WINDOWS: '2h',
        SMTP_URL: 'http://x',
      });
    expect(load).toThrow(/SERVICE_TOKEN: SERVICE_TOKEN must be at least 32 characters/);
    expect(load).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(load).toThrow(/REMINDER_WINDOWS\.0: /);
  });
});
