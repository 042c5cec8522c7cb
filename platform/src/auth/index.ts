export * from './plugin.ts';
export * from './tokens.ts';
