import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests (real influxd, Prometheus, fake third-party
// servers) live under test/ and share one InfluxDB started by the global setup. The long fault soaks
// (minutes-long InfluxDB outages, kill -9) are their own project, run by `npm run test:soak`, so that
// `npm test` stays a command a person waits for.
const integration = {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 300_000,
  fileParallelism: false,
};

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Property tests run thousands of cases; on 2 shared cores 5 s is not enough headroom.
          testTimeout: 60_000,
          include: [
            'src/**/*.test.ts',
            'collectors/**/*.test.ts',
            'analytics/**/*.test.ts',
            'grafana/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/soak/**'],
          ...integration,
        },
      },
      {
        extends: true,
        test: { name: 'soak', include: ['test/soak/**/*.test.ts'], ...integration },
      },
    ],
  },
});
