export * from './params.ts';
export * from './projects.ts';
export * from './tasks.ts';
export * from './users.ts';
