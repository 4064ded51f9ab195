import { describePatch, isRestartPatch } from './describePatch';

describe('describePatch', () => {
  it('says which labels a namespace patch sets and removes', () => {
    expect(
      describePatch({
        step: 'relabel-namespace',
        kind: 'Namespace',
        name: 'bookinfo',
        patchType: 'merge',
        patch: {
          metadata: {
            labels: { 'istio.io/rev': '1-10-4', 'istio-injection': null },
          },
        },
      }),
    ).toEqual([
      'set label istio.io/rev=1-10-4',
      'remove label istio-injection',
    ]);
  });

  it('says how a Service selector changes', () => {
    expect(
      describePatch({
        step: 'cutover',
        kind: 'Service',
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway',
        patchType: 'merge',
        patch: { spec: { selector: { version: '1-10-4' } } },
        precondition: '99',
      }),
    ).toEqual(['set selector version=1-10-4']);
  });

  it('describes a restart by its pod annotation and tells restarts apart', () => {
    const restart = {
      step: 'restart-wave-1',
      kind: 'Deployment',
      namespace: 'bookinfo',
      name: 'productpage-v1',
      patchType: 'strategic-merge' as const,
      patch: {
        spec: {
          template: {
            metadata: {
              annotations: { 'kubectl.kubernetes.io/restartedAt': 'later' },
            },
          },
        },
      },
    };
    expect(describePatch(restart)).toEqual([
      'set pod annotation kubectl.kubernetes.io/restartedAt=later',
    ]);
    expect(isRestartPatch(restart)).toBe(true);
    expect(
      isRestartPatch({ ...restart, kind: 'MutatingWebhookConfiguration' }),
    ).toBe(false);
  });

  it('describes the operations of a JSON patch', () => {
    expect(
      describePatch({
        step: 'move-tag',
        kind: 'MutatingWebhookConfiguration',
        name: 'istio-revision-tag-default',
        patchType: 'json',
        patch: [
          {
            op: 'replace',
            path: '/metadata/labels/istio.io~1rev',
            value: '1-10-4',
          },
        ] as unknown as Record<string, unknown>,
      }),
    ).toEqual(['replace /metadata/labels/istio.io~1rev = "1-10-4"']);
  });

  it('says nothing about a body it does not recognise', () => {
    expect(
      describePatch({
        step: 'x',
        kind: 'ConfigMap',
        name: 'x',
        patchType: 'replace',
        patch: { data: { a: 'b' } },
      }),
    ).toEqual([]);
  });

  it('says a removal deletes an istiod Deployment, with its uid precondition, and is no restart', () => {
    const deletion = {
      step: 'remove-control-plane',
      kind: 'Deployment',
      namespace: 'istio-system',
      name: 'istiod-1-10-4',
      patchType: 'delete' as const,
      patch: { preconditions: { uid: 'a1b2' } },
    };
    expect(describePatch(deletion)).toEqual([
      'delete the object, only if its uid is still a1b2',
    ]);
    expect(isRestartPatch(deletion)).toBe(false);
    expect(
      describePatch({
        ...deletion,
        patchType: 'create',
        patch: { metadata: { name: 'istiod-1-10-4', labels: { app: 'x' } } },
      }),
    ).toEqual(['create the object as shown']);
  });
});
