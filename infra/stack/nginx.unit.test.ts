import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_NGINX_VALUES, renderNginxConfig } from './nginx.ts';

describe('the gateway config', () => {
  it('given the compose values, then the committed nginx.compose.conf is exactly the template rendered (run infra/scripts/render-nginx-compose.ts after editing the template)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../nginx/nginx.compose.conf'), 'utf8');
    expect(committed).toBe(renderNginxConfig(COMPOSE_NGINX_VALUES));
  });

  it('given any values, then no placeholder is left and internal routes are closed', () => {
    const rendered = renderNginxConfig({ ...COMPOSE_NGINX_VALUES, notify: ['a:1', 'b:2'] });
    expect(rendered).not.toMatch(/@[A-Z_]+@/);
    expect(rendered).toContain('location /internal/ { return 404; }');
    expect(rendered).toContain('server a:1; server b:2;');
  });
});
