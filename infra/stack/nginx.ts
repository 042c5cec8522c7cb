import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NginxValues {
  /** `user root;` when the workers must be able to read root's files, else empty. */
  user: string;
  port: number;
  listenHost: string;
  /** Folder for pid, logs and temp files. */
  state: string;
  openapi: string;
  command: string;
  projection: string;
  notify: string[];
}

const TEMPLATE = join(import.meta.dirname, '../nginx/nginx.conf.template');

/** The one gateway config, rendered for the local stack and for docker-compose alike. */
export function renderNginxConfig(values: NginxValues): string {
  return readFileSync(TEMPLATE, 'utf8')
    .replaceAll('@USER@', values.user)
    .replaceAll('@LISTEN@', `${values.listenHost}:${values.port}`)
    .replaceAll('@STATE@', values.state)
    .replaceAll('@OPENAPI@', values.openapi)
    .replaceAll('@COMMAND@', values.command)
    .replaceAll('@PROJECTION@', values.projection)
    .replaceAll('@NOTIFY_SERVERS@', values.notify.map((server) => `server ${server};`).join(' '));
}

/** docker-compose's gateway: service names on the compose network, state in the image's folders. */
export const COMPOSE_NGINX_VALUES: NginxValues = {
  user: '',
  port: 8080,
  listenHost: '0.0.0.0',
  state: '/tmp/nginx',
  openapi: '/srv/openapi/openapi.json',
  command: 'command-service:3000',
  projection: 'projection-service:3000',
  notify: ['notify-service:3000'],
};
