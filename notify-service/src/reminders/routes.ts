import { DeadlineScanResult } from '@taskflow/contracts';
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
    async () => options.scanner.scan(new Date()),
  );
}
