// What the global setup hands every integration test: a real, onboarded InfluxDB.
export interface InfluxTestEnv {
  url: string;
  org: string;
  adminToken: string;
  buckets: { main: string; raw: string };
  tokens: { collector: string; analytics: string; grafana: string };
  influxdBinary: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    influx: InfluxTestEnv;
  }
}
