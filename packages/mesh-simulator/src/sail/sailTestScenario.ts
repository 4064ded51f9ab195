import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { Scenario } from '../scenarios/scenarioFormat';

/**
 * The scenario of the Sail tests: `sail`, a `RevisionBased` Istio that ran 1.29.6 and then 1.30.4,
 * a tag `prod` on the old revision (which namespace `shop` uses) and a tag `canary` on the Istio;
 * `sail-inplace`, an `InPlace` Istio named `default` at 1.30.4 (the revisionless control plane).
 * Written to a temporary file, as `readScenario` takes files.
 */
export function writeSailTestScenario(): string {
  const scenario: Scenario = {
    clusters: [
      {
        name: 'sail',
        nodes: 1,
        istio: {
          installedWith: 'sail',
          revisions: [
            { name: 'default-v1-29-6', version: '1.29.6' },
            { name: 'default-v1-30-4', version: '1.30.4' },
          ],
          tags: { prod: 'default-v1-29-6', canary: 'default' },
        },
        namespaces: [
          {
            name: 'shop',
            labels: { 'istio.io/rev': 'prod' },
            workloads: [{ name: 'web', replicas: 1, service: true }],
          },
        ],
      },
      {
        name: 'sail-inplace',
        nodes: 1,
        istio: {
          installedWith: 'sail',
          sail: { updateStrategy: 'InPlace' },
          revisions: [{ name: 'default', version: '1.30.4' }],
        },
      },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'sail-scenario-')), 'sail.yaml');
  writeFileSync(file, YAML.stringify(scenario));
  return file;
}
