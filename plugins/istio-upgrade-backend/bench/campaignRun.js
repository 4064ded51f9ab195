#!/usr/bin/env node
/* eslint-disable */
// `yarn bench:campaign`: runs bench/campaignBench.ts through the Backstage node transform. Exits 1
// when the benchmark fails, or when CAMPAIGN_BENCH_ENFORCE=1 and a target is missed.
require('@backstage/cli/config/nodeTransform.cjs');
require('./campaignBench.ts')
  .main()
  .then(
    code => process.exit(code),
    error => {
      process.stderr.write(
        `bench:campaign failed: ${(error && error.stack) || error}\n`,
      );
      process.exit(1);
    },
  );
