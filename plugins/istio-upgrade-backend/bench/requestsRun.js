#!/usr/bin/env node
/* eslint-disable */
// `yarn bench:requests`: runs bench/requestsBench.ts through the Backstage node transform.
require('@backstage/cli/config/nodeTransform.cjs');
require('./requestsBench.ts')
  .main()
  .then(
    () => process.exit(0),
    error => {
      process.stderr.write(
        `bench:requests failed: ${(error && error.stack) || error}\n`,
      );
      process.exit(1);
    },
  );
