export { DEFAULT_ROUTE_MAX_CHARS, UNKNOWN_TOPIC, createTopicRouter } from './router.ts';
export type { TopicConfig, TopicRouter, TopicRouterOptions } from './router.ts';
