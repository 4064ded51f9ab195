import { runCli } from './runCli';

// Entry point of bin/mesh-sim when running from source.
runCli(process.argv.slice(2)).catch(error => {
  process.stderr.write(`mesh-sim: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
