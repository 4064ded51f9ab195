import {
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { describeRequestInput } from '../testing/__testUtils__/requestInputSuite';

jest.setTimeout(180_000);

describeRequestInput({
  tier: 'simulator',
  cluster: 'seed',
  revision: '1-10-4',
  liveRevision: '1-9-7',
  productpage: {
    'backstage.io/kubernetes-id': 'productpage',
    'backstage.io/kubernetes-namespace': 'bookinfo',
  },
  async start() {
    const simulator = await startMeshSimulator({
      scenarios: ['seed'],
      speed: 20,
    });
    const writeCount = async () => {
      const stats = await simulator.sim('GET', 'clusters/seed/stats');
      return ['patch', 'update', 'create', 'delete'].reduce(
        (sum, verb) => sum + Number(stats.byVerb?.[verb] ?? 0),
        0,
      );
    };
    return {
      setup: meshSimulatorBackendSetup(simulator, { token: 'admin' }),
      writes: writeCount,
      markWrites: async () => {
        await simulator.sim('POST', 'clusters/seed/stats/reset');
      },
      kubectl: args => simulator.kubectl(args),
      secrets: [
        simulator.adminToken,
        ...simulator.clusters.flatMap(c => [c.tokens.admin, c.tokens.readOnly]),
        Buffer.from(simulator.caPem).toString('base64').slice(0, 40),
        simulator.caPem.split('\n')[1],
      ],
      stop: () => simulator.stop(),
    };
  },
});
