export * from './app.ts';
export * from './auth/passwords.ts';
export * from './schema.ts';
