import { Scenario, ScenarioCluster, ScenarioNamespace } from './scenarioFormat';

/** Pods per generated namespace: five Deployments of ten replicas. */
const podsPerNamespace = 50;
const deploymentsPerNamespace = 5;

/**
 * Generates `fleet:<clusters>x<pods>`: clusters `fleet-001`… of about `pods` pods each, with
 * two revisions (1.30.1 and 1.30.4), tags `default`/`prod` on the old one and `canary` on the new
 * one, blue/green gateways, and namespaces of 50 pods spread over the injection modes.
 */
export function fleetScenario(
  clusters: number,
  podsPerCluster: number,
): Scenario {
  const out: ScenarioCluster[] = [];
  for (let c = 1; c <= clusters; c++) {
    const name = `fleet-${String(c).padStart(3, '0')}`;
    const appPods = Math.max(0, podsPerCluster - 6);
    const namespaceCount = Math.ceil(appPods / podsPerNamespace);
    const namespaces: ScenarioNamespace[] = [];
    let left = appPods;
    for (let n = 1; n <= namespaceCount; n++) {
      const nsName = `team-${String(n).padStart(3, '0')}`;
      const podsHere = Math.min(podsPerNamespace, left);
      left -= podsHere;
      const mode = n % 3;
      const labels: Record<string, string> =
        mode === 1
          ? { 'istio-injection': 'enabled' }
          : { 'istio.io/rev': mode === 2 ? 'prod' : 'canary' };
      const perDeployment = Math.floor(podsHere / deploymentsPerNamespace);
      const extra = podsHere % deploymentsPerNamespace;
      namespaces.push({
        name: nsName,
        labels: { ...labels, team: `team-${n % 10}` },
        workloads: Array.from({ length: deploymentsPerNamespace }, (_, d) => ({
          name: `svc-${d + 1}`,
          component: `${nsName}-svc-${d + 1}`,
          replicas: perDeployment + (d < extra ? 1 : 0),
          image: `registry.example.com/${nsName}/svc-${d + 1}:1.0.${d}`,
          service: true,
        })).filter(w => w.replicas > 0),
      });
    }
    out.push({
      name,
      nodes: Math.max(3, Math.ceil(podsPerCluster / 100)),
      istio: {
        revisions: [
          { name: '1-30-1', version: '1.30.1' },
          { name: '1-30-4', version: '1.30.4' },
        ],
        tags: { default: '1-30-1', prod: '1-30-1', canary: '1-30-4' },
      },
      gateways: {
        revisions: [{ revision: '1-30-1' }, { revision: '1-30-4' }],
        live: '1-30-1',
      },
      namespaces,
      flows: namespaces.length
        ? [
            {
              name: 'ingress',
              hops: [
                'istio-gateways/istio-ingressgateway:80',
                `${namespaces[0].name}/svc-1`,
              ],
            },
          ]
        : [],
    });
  }
  return {
    description: `generated fleet of ${clusters} clusters of ${podsPerCluster} pods`,
    clusters: out,
  };
}
