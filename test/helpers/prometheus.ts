// Integration tests start Prometheus through the project's one launcher (src/prometheus/).
export {
  startLocalPrometheus as startPrometheus,
  type LocalPrometheus as PrometheusHandle,
  type PromSample,
  type ScrapeJob,
} from '../../src/prometheus/local-server.ts';
