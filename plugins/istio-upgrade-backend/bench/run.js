#!/usr/bin/env node
/* eslint-disable */
// `yarn bench:inventory`: runs bench/inventoryBench.ts through the Backstage node transform.
require('@backstage/cli/config/nodeTransform.cjs');
require('./inventoryBench.ts')
  .main()
  .then(
    () => process.exit(0),
    error => {
      process.stderr.write(
        `bench:inventory failed: ${(error && error.stack) || error}\n`,
      );
      process.exit(1);
    },
  );
