import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBoolean, envPort, loadConfig } from './index.ts';

const schema = z.object({
  PORT: envPort(8080),
  DATABASE_URL: z.url(),
  DEBUG: envBoolean(false),
});

describe('loadConfig', () => {
  it('given valid variables, when loaded, then coerces them and applies defaults', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db/x', DEBUG: '1' });
    expect(config).toEqual({ PORT: 8080, DATABASE_URL: 'postgres://db/x', DEBUG: true });
  });

  it('given a bad port and a missing url, when loaded, then the error names both variables', () => {
    const load = () => loadConfig(schema, { PORT: 'eighty' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT:/);
    expect(load).toThrow(/DATABASE_URL:/);
  });

  it('given a port out of range, when loaded, then it is refused', () => {
    expect(() => loadConfig(schema, { PORT: '70000', DATABASE_URL: 'postgres://db/x' })).toThrow(/PORT/);
  });
});
