import { z } from 'zod';

/**
 * An event as deciders emit it and consumers read it: the store keeps `type` and `data` as
 * they are and `schemaVersion` in the metadata. Data objects strip unknown keys rather than
 * reject them, so adding an optional field does not need a new version (tolerant reader);
 * removing or changing a field does.
 */
export function defineEvent<
  const Type extends string,
  const Version extends number,
  Shape extends z.ZodRawShape,
>(type: Type, schemaVersion: Version, data: Shape) {
  return z.object({
    type: z.literal(type),
    schemaVersion: z.literal(schemaVersion),
    data: z.object(data),
  });
}
