export {
  type AnalyticsService,
  type AnalyticsServiceOptions,
  SETTLE_BUCKETS,
  startAnalyticsService,
} from './service.ts';
export { PeriodicRunner, RunTimeoutError, type PeriodicOptions } from './periodic.ts';
