#!/usr/bin/env node
/*
 * Registers the running mesh simulator's clusters with the demo portal. Reads the simulator's
 * `<state-dir>/mesh-sim.json` and `<state-dir>/ca.crt`, and writes into the same folder:
 *
 * - `catalog-clusters.yaml`: one `Resource` of type `kubernetes-cluster` per simulated cluster, annotated
 *   as the Backstage Kubernetes plugin expects (API server URL, CA, auth provider);
 * - `app-config.clusters.yaml`: the clusters' service-account tokens for the istio-upgrade backend (and the
 *   Kubernetes plugin), kept out of the catalog and out of git.
 *
 * JSON is valid YAML, so both files are written as JSON without a YAML library.
 */
import fs from 'node:fs';
import path from 'node:path';

const stateDir = path.resolve(process.argv[2] ?? '.mesh-sim');
const sim = JSON.parse(
  fs.readFileSync(path.join(stateDir, 'mesh-sim.json'), 'utf8'),
);
const caPem = fs.readFileSync(
  sim.caFile ?? path.join(stateDir, 'ca.crt'),
  'utf8',
);
const caData = Buffer.from(caPem).toString('base64');

const TITLES = {
  seed: 'Lab cluster (Istio 1.9 → 1.10)',
  'prod-eu': 'Production EU',
  'prod-us': 'Production US',
  staging: 'Staging',
  'prod-ap': 'Production AP (Sail article)',
};

const entities = sim.clusters.map(cluster => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: cluster.name,
    title: TITLES[cluster.name] ?? cluster.name,
    description: `Simulated cluster "${cluster.name}" served by the mesh simulator.`,
    annotations: {
      'kubernetes.io/api-server': cluster.server,
      'kubernetes.io/api-server-certificate-authority': caData,
      'kubernetes.io/auth-provider': 'serviceAccount',
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
}));

const config = {
  istioUpgrade: {
    clusters: {
      credentials: Object.fromEntries(
        sim.clusters.map(c => [
          c.name,
          { serviceAccountToken: c.tokens.admin },
        ]),
      ),
    },
  },
  kubernetes: {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: sim.clusters.map(c => ({
          name: c.name,
          url: c.server,
          authProvider: 'serviceAccount',
          serviceAccountToken: c.tokens.admin,
          caData,
        })),
      },
    ],
  },
};

const write = (file, content, mode) => {
  fs.writeFileSync(path.join(stateDir, file), content, { mode });
};
write(
  'catalog-clusters.yaml',
  entities.map(e => `---\n${JSON.stringify(e, null, 2)}\n`).join(''),
  0o644,
);
write(
  'app-config.clusters.yaml',
  `${JSON.stringify(config, null, 2)}\n`,
  0o600,
);
console.error(
  `demo-clusters: registered ${entities
    .map(e => e.metadata.name)
    .join(', ')} from ${stateDir}`,
);
