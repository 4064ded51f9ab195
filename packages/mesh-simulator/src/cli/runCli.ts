import { startMeshSimulator } from '../meshSimulator';
import { HelpRequested, parseServeArguments, usage } from './serveArguments';

/**
 * Runs `mesh-sim <args>`. `serve` starts the simulator, prints exactly one
 * `mesh-sim ready <url>` line on stdout once it serves (other logs go to stderr) and runs
 * until SIGINT/SIGTERM, then exits 0.
 *
 * @public
 */
export async function runCli(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command !== 'serve') {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
    return;
  }
  let options;
  try {
    options = parseServeArguments(rest, process.env.INIT_CWD ?? process.cwd());
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${usage}\n`);
      return;
    }
    process.stderr.write(`mesh-sim: ${(error as Error).message}\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const simulator = await startMeshSimulator(options);
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  const names = simulator.clusters.map(c => c.name);
  process.stderr.write(
    `mesh-sim: serving ${
      names.length > 10
        ? `${names.slice(0, 3).join(', ')} … ${names.at(-1)} (${
            names.length
          } clusters)`
        : names.join(', ')
    } in ${Math.round(simulator.load.totalMs)} ms (heap ${mb(
      memory.heapUsed,
    )} MB, rss ${mb(memory.rss)} MB); kubeconfig ${simulator.kubeconfigPath}\n`,
  );
  if (options.churnPodChangesPerSecond !== undefined) {
    process.stderr.write(
      `mesh-sim: churn at ${options.churnPodChangesPerSecond} pod changes/s (GET /sim/v1/churn)\n`,
    );
  }
  process.stdout.write(`mesh-sim ready ${simulator.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`mesh-sim: ${signal}, stopping\n`);
    simulator.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`mesh-sim: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
