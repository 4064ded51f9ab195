#!/usr/bin/env node
/* eslint-disable */
// `yarn bench:inventory [--fleet 200x5000] [--no-baseline] [--no-replica] [--no-churn] [--cpu-prof]`:
// runs bench/inventoryBench.ts through the Backstage node transform;
// `yarn bench:inventory --real [--pods N] [--nodes N] [--keep]` runs bench/realInventoryBench.ts
// against a real kube-apiserver (scripts/real-cluster.sh) instead.
require('@backstage/cli/config/nodeTransform.cjs');
const real = process.argv.includes('--real');
require(real ? './realInventoryBench.ts' : './inventoryBench.ts')
  .main(
    real
      ? process.argv.slice(2).filter(a => a !== '--real')
      : process.argv.slice(2),
  )
  .then(
    () => process.exit(0),
    error => {
      process.stderr.write(
        `bench:inventory failed: ${(error && error.stack) || error}\n`,
      );
      process.exit(1);
    },
  );
