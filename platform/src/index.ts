export * from './auth/index.ts';
export * from './config/index.ts';
export * from './http/errors.ts';
export * from './http/health.ts';
export * from './http/problem.ts';
export * from './http/server.ts';
export * from './logging/index.ts';
export * from './runtime/index.ts';
