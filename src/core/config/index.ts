export * from './schema.ts';
export * from './errors.ts';
export * from './load.ts';
export * from './duration.ts';
