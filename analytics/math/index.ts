// Pure analytics math: arrays in, numbers out, no I/O. See README.md for conventions.
export * from './correlation.ts';
export * from './rolling.ts';
export * from './xcorr.ts';
export * from './granger.ts';
export * from './ols.ts';
export * from './distributions.ts';
export * from './descriptive.ts';
export * from './stl.ts';
export * from './esd.ts';
export * from './shesd.ts';
export * from './anomaly-detection.ts';
