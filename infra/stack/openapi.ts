/**
 * Behind the gateway the CQRS split is invisible, so clients get one document: every service's
 * paths and component schemas merged. A path served by two services keeps both methods.
 */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function mergeOpenApi(documents: OpenApiDocument[], title: string): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title, version: '0.1.0' },
    paths: {},
    components: {},
  };
  for (const document of documents) {
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      merged.paths![path] = { ...(merged.paths![path] ?? {}), ...operations };
    }
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      merged.components![section] = { ...(merged.components![section] ?? {}), ...entries };
    }
  }
  return merged;
}
