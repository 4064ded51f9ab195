import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { fleetScenario } from './fleetScenario';
import { Scenario } from './scenarioFormat';

/** The scenarios shipped in the package's `scenarios` folder, served by name. */
export const bundledScenarios = [
  'seed',
  'demo',
  'shapes',
  'real-lab',
  'gateway-api',
];

/** The folder of the package's bundled scenarios (shipped beside package.json). */
function scenariosFolder(): string {
  return resolve(
    dirname(require.resolve('@istio-upgrade/mesh-simulator/package.json')),
    'scenarios',
  );
}

function check(scenario: unknown, source: string): Scenario {
  const s = scenario as Scenario;
  if (!s || !Array.isArray(s.clusters) || s.clusters.length === 0) {
    throw new Error(`scenario ${source} has no clusters`);
  }
  for (const c of s.clusters) {
    if (
      typeof c?.name !== 'string' ||
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.name)
    ) {
      throw new Error(
        `scenario ${source}: invalid cluster name ${JSON.stringify(c?.name)}`,
      );
    }
  }
  return s;
}

/** Resolves a `--scenario` value: `seed`, `demo`, `shapes`, `fleet:CxP` or a YAML file. */
export function readScenario(source: string): Scenario {
  const fleet = /^fleet:(\d+)x(\d+)$/.exec(source);
  if (fleet) {
    const clusters = Number(fleet[1]);
    const pods = Number(fleet[2]);
    if (clusters < 1 || clusters > 999 || pods < 1) {
      throw new Error(
        `invalid fleet scenario ${source}: expected fleet:<1-999>x<pods>`,
      );
    }
    return fleetScenario(clusters, pods);
  }
  const file = bundledScenarios.includes(source)
    ? resolve(scenariosFolder(), `${source}.yaml`)
    : resolve(source);
  if (!existsSync(file)) {
    throw new Error(
      `scenario ${source} not found (expected ${bundledScenarios.join(
        ', ',
      )}, fleet:CxP or a YAML file)`,
    );
  }
  return check(YAML.parse(readFileSync(file, 'utf8')), source);
}
