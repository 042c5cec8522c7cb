export * from './client.ts';
export * from './migrations.ts';
export * from './pg.ts';
export * from './pglite.ts';
