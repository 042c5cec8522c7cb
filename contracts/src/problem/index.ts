import { z } from 'zod';

/** `application/problem+json` (RFC 9457) as API.md describes every error response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldProblem = z.object({ path: z.string(), message: z.string() });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** One entry per invalid field (400 only). */
  errors: z.array(FieldProblem).optional(),
});
export type Problem = z.infer<typeof Problem>;
