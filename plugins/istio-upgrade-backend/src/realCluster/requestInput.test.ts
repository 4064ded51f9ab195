import { meshSimulatorBackendSetup } from '../testing/meshSimulator';
import {
  BACKEND_USER,
  realCluster,
} from '../testing/__testUtils__/realCluster';
import { describeRequestInput } from '../testing/__testUtils__/requestInputSuite';

jest.setTimeout(300_000);

const cluster = realCluster();
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

describeRequestInput({
  tier: 'real cluster',
  cluster: cluster.name,
  revision: cluster.newRevision,
  liveRevision: cluster.oldRevision,
  // Istio's own Bookinfo carries no backstage.io/kubernetes-id label: a label selector maps it.
  productpage: {
    'backstage.io/kubernetes-label-selector': 'app=productpage',
    'backstage.io/kubernetes-namespace': 'bookinfo',
  },
  async start() {
    let mark = cluster.auditPosition();
    return {
      setup: meshSimulatorBackendSetup(cluster, { token: 'admin' }),
      // The API server's audit log: the backend's own writes, whatever their answer.
      writes: async () =>
        cluster
          .auditEvents(mark)
          .filter(
            e =>
              e.user.username === BACKEND_USER &&
              e.stage === 'ResponseComplete' &&
              WRITE_VERBS.includes(e.verb),
          ).length,
      markWrites: async () => {
        mark = cluster.auditPosition();
      },
      kubectl: args => cluster.kubectl(args),
      secrets: [
        cluster.clusters[0].tokens.admin,
        Buffer.from(cluster.caPem).toString('base64').slice(0, 40),
        cluster.caPem.split('\n')[1],
      ],
      stop: async () => {},
    };
  },
});
