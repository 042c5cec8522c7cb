import closeWithGrace from 'close-with-grace';
import type { App } from '../http/server.ts';
import type { Logger } from '../logging/index.ts';

export interface ServeOptions {
  app: App;
  logger: Logger;
  host: string;
  port: number;
  /** Released after the HTTP server has drained (database pools, consumers, brokers). */
  onClose?: () => Promise<void>;
  /** How long a graceful shutdown may take before the process is ended anyway. */
  graceMs?: number;
}

/**
 * Listens and winds down on SIGTERM/SIGINT or an uncaught error: in-flight requests finish,
 * new ones get 503, idle connections close, then the service's own resources are released.
 * Returns a function that triggers the same shutdown (for programmer errors).
 */
export async function serve(
  options: ServeOptions,
): Promise<{ address: string; shutdown: (error: unknown) => void }> {
  const { app, logger } = options;
  const closer = closeWithGrace({ delay: options.graceMs ?? 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.fatal({ err }, 'shutting down after an unexpected error');
    else logger.info({ signal }, 'shutting down');
    // A keep-alive connection whose last request finishes after close began would otherwise
    // hold the server open until its idle timeout; close such connections as they go idle.
    const reapIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
    } finally {
      clearInterval(reapIdle);
    }
    await options.onClose?.();
  });
  app.addHook('onClose', async () => closer.uninstall());
  const address = await app.listen({ host: options.host, port: options.port });
  return {
    address,
    shutdown: (error: unknown) => {
      logger.fatal({ err: error }, 'programmer error: ending the process gracefully');
      process.exitCode = 1;
      process.emit('SIGTERM');
    },
  };
}
