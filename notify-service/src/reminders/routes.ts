import { DeadlineScanResult } from '@taskflow/contracts';
import { ServiceUnavailableError } from '@taskflow/platform';
import type { FastifyInstance } from 'fastify';
import type { DeadlineScanner } from './scanner.ts';

/** `POST /notify/deadline`: the scan now, for operators (OPERATOR_TOKEN) and services (SERVICE_TOKEN). */
export async function deadlineRoutes(
  app: FastifyInstance,
  options: { scanner: DeadlineScanner },
): Promise<void> {
  app.post(
    '/notify/deadline',
    {
      onRequest: app.requireOperatorOrService,
      schema: {
        tags: ['notify'],
        summary: 'Run the deadline-reminder scan now',
        security: [{ bearer: [] }],
        response: { 200: DeadlineScanResult },
      },
    },
    async (request) => {
      try {
        return await options.scanner.scan(new Date());
      } catch (error) {
        // The read side being away is an outage to retry, not a bug to stop the process for.
        request.log.warn({ err: error }, 'deadline scan failed');
        throw new ServiceUnavailableError(
          'the deadline scan could not reach the read side; retry shortly',
          5,
        );
      }
    },
  );
}
