#!/usr/bin/env node
/*
 * The portal the fleet-page benchmark measures: the mesh simulator serving `fleet:200x50` (200
 * clusters of 50 pods) on :6543, registered in the catalog as scripts/demo-clusters.mjs registers the
 * demo's clusters, and the backend on :7107 serving the PRODUCTION build of the app (packages/app/dist,
 * through the backend's app plugin), started without a file watcher. Ports and state stay apart from
 * the demo portal (:3000, :7007, :6443), so both can run side by side. Stops both children on SIGTERM
 * or SIGINT.
 *
 *   FLEET_BENCH_SCENARIO  the simulator's scenario (fleet:200x50)
 *   FLEET_BENCH_PORT      the backend's port (7107); the simulator listens on FLEET_BENCH_SIM_PORT (6543)
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const state = path.join(root, '.cache/fleet-page-bench');
const scenario = process.env.FLEET_BENCH_SCENARIO ?? 'fleet:200x50';
const port = process.env.FLEET_BENCH_PORT ?? '7107';
const simPort = process.env.FLEET_BENCH_SIM_PORT ?? '6543';

if (!fs.existsSync(path.join(root, 'packages/app/dist/index.html'))) {
  process.stderr.write(
    'fleet-page bench: no production build: run `yarn workspace app build`\n',
  );
  process.exit(1);
}
fs.mkdirSync(state, { recursive: true });
fs.rmSync(path.join(state, 'sim.out'), { force: true });

const children = [];
const stop = () => {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
};
process.on('SIGTERM', () => {
  stop();
  process.exit(0);
});
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});
process.on('exit', stop);

const simOut = fs.openSync(path.join(state, 'sim.out'), 'w');
const simLog = fs.openSync(path.join(state, 'sim.log'), 'w');
const sim = spawn(
  process.execPath,
  [
    path.join(root, 'packages/mesh-simulator/bin/mesh-sim'),
    'serve',
    '--scenario',
    scenario,
    '--host',
    '127.0.0.1',
    '--port',
    simPort,
    '--state-dir',
    state,
  ],
  { cwd: root, stdio: ['ignore', simOut, simLog] },
);
children.push(sim);

const deadline = Date.now() + 300_000;
while (
  !fs
    .readFileSync(path.join(state, 'sim.out'), 'utf8')
    .startsWith('mesh-sim ready')
) {
  if (sim.exitCode !== null || Date.now() > deadline) {
    process.stderr.write(fs.readFileSync(path.join(state, 'sim.log'), 'utf8'));
    process.stderr.write(
      'fleet-page bench: the mesh simulator did not become ready\n',
    );
    process.exit(1);
  }
  await new Promise(r => setTimeout(r, 500));
}
execFileSync(
  process.execPath,
  [path.join(root, 'scripts/demo-clusters.mjs'), state],
  {
    stdio: 'inherit',
  },
);

// JSON is YAML: the benchmark's own origin, and the catalog's people and the generated clusters only.
const baseUrl = `http://localhost:${port}`;
fs.writeFileSync(
  path.join(state, 'app-config.bench.yaml'),
  `${JSON.stringify(
    {
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port: Number(port) },
        cors: { origin: baseUrl },
      },
      catalog: {
        locations: [
          {
            type: 'file',
            target: path.join(root, 'examples/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          { type: 'file', target: path.join(state, 'catalog-clusters.yaml') },
        ],
      },
    },
    null,
    2,
  )}\n`,
);

// The backend as `backstage-cli package start` runs it (its TypeScript transform, development mode),
// but without its file watcher: other work on the repository must not restart the backend in the
// middle of a measurement.
const configs = [
  path.join(root, 'app-config.yaml'),
  path.join(root, 'app-config.demo.yaml'),
  path.join(state, 'app-config.clusters.yaml'),
  path.join(state, 'app-config.bench.yaml'),
].flatMap(file => ['--config', file]);
const backend = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    '--require',
    path.join(
      root,
      'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
    ),
    'src/index.ts',
    ...configs,
  ],
  {
    cwd: path.join(root, 'packages/backend'),
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      ESBK_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
children.push(backend);
backend.on('exit', code => {
  process.stderr.write(`fleet-page bench: the backend exited (${code})\n`);
  stop();
  process.exit(1);
});
