import { build, lab } from '../../../testing/__testUtils__/inventoryTestKit';

describe('workloads', () => {
  const inventory = build(lab());

  it('lists every workload with its pods per revision and the restarts it needs', () => {
    const reviews = inventory.workloads.find(w => w.name === 'reviews')!;
    expect(reviews).toEqual({
      kind: 'Deployment',
      namespace: 'bookinfo',
      name: 'reviews',
      labels: { app: 'reviews' },
      podLabels: { app: 'reviews' },
      desiredRevision: '1-10-4',
      pods: 3,
      podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 3 }],
      podsNeedingRestart: 3,
      readyReplicas: 3,
      replicas: 3,
      paused: false,
    });
    expect(inventory.workloads.map(w => `${w.namespace}/${w.name}`)).toEqual([
      'bookinfo/ratings',
      'bookinfo/reviews',
      'istio-ingress/ingressgateway-1-10-4',
      'istio-ingress/ingressgateway-1-9-7',
      'istio-system/istiod-1-10-4',
      'istio-system/istiod-1-9-7',
      'legacy/app',
      'plain/web',
    ]);
  });
});
