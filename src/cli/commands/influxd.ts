import type { Command } from 'commander';
import { resolveInfluxd, startLocalInfluxd } from '../../influx/local-server.ts';

export function registerInfluxd(program: Command): void {
  const cmd = program
    .command('influxd')
    .description(
      'the project-provided InfluxDB OSS 2.7 server (built once from the Go module proxy, cached)',
    );
  cmd
    .command('path')
    .description('print the path of a ready influxd, building it first if needed (progress on stderr)')
    .action(() => {
      process.stdout.write(`${resolveInfluxd({ onProgress: () => undefined })}\n`);
    });
  cmd
    .command('start')
    .description('run influxd on loopback until Ctrl-C (temporary data dir unless --data-dir)')
    .option('--port <port>', 'port (default: a free one)', (v) => Number(v))
    .option('--data-dir <dir>', 'keep data here')
    .action(async (opts: { port?: number; dataDir?: string }) => {
      const binary = resolveInfluxd({ onProgress: () => undefined });
      const server = await startLocalInfluxd({ binary, ...opts });
      process.stdout.write(`influxd ready at ${server.url} (data: ${server.dataDir}); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop({ keepData: Boolean(opts.dataDir) });
    });
}
