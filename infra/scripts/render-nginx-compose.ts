// Writes infra/nginx/nginx.compose.conf from the one template (a test keeps the two in step).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_NGINX_VALUES, renderNginxConfig } from '../stack/nginx.ts';

writeFileSync(
  join(import.meta.dirname, '../nginx/nginx.compose.conf'),
  renderNginxConfig(COMPOSE_NGINX_VALUES),
);
