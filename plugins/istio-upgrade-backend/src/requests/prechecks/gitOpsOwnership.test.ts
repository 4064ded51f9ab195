import { gitOpsOwner } from './gitOpsOwnership';

const labelPaths = [
  ['f:metadata', 'f:labels', 'f:istio-injection'],
  ['f:metadata', 'f:labels', 'f:istio.io/rev'],
];

const managing = (manager: string, labels: string[]) => ({
  manager,
  fieldsV1: {
    'f:metadata': {
      'f:labels': Object.fromEntries(labels.map(l => [`f:${l}`, {}])),
    },
  },
});

describe('the GitOps owner of the fields a request changes', () => {
  it('is nobody for plain metadata, or for fields managed by kubectl or another controller', () => {
    expect(gitOpsOwner({}, labelPaths)).toBeUndefined();
    expect(
      gitOpsOwner(
        {
          labels: { team: 'payments' },
          managedFields: [
            managing('kubectl-label', ['istio-injection']),
            managing('istio-upgrade', ['istio.io/rev']),
          ],
        },
        labelPaths,
      ),
    ).toBeUndefined();
  });

  it('is the Argo CD or Flux controller that manages one of the fields by server-side apply', () => {
    expect(
      gitOpsOwner(
        { managedFields: [managing('argocd-controller', ['istio.io/rev'])] },
        labelPaths,
      ),
    ).toBe('Argo CD manages these fields');
    expect(
      gitOpsOwner(
        {
          managedFields: [
            managing('kustomize-controller', ['istio-injection']),
          ],
        },
        labelPaths,
      ),
    ).toBe('Flux (kustomize-controller) manages these fields');
    expect(
      gitOpsOwner(
        { managedFields: [managing('Helm-Controller', ['istio.io/rev'])] },
        labelPaths,
      ),
    ).toBe('Flux (helm-controller) manages these fields');
  });

  it('is nobody when a GitOps controller manages other fields only', () => {
    expect(
      gitOpsOwner(
        {
          managedFields: [
            managing('argocd-application-controller', ['team']),
            { manager: 'kustomize-controller', fieldsV1: undefined },
            { manager: 'helm-controller' },
          ],
        },
        labelPaths,
      ),
    ).toBeUndefined();
  });

  it('matches a whole subtree: a manager of f:webhooks owns every webhook field', () => {
    expect(
      gitOpsOwner(
        {
          managedFields: [
            {
              manager: 'argocd-controller',
              fieldsV1: { 'f:webhooks': { '.': {} } },
            },
          ],
        },
        [['f:metadata', 'f:labels', 'f:istio.io/rev'], ['f:webhooks']],
      ),
    ).toBe('Argo CD manages these fields');
  });

  it('is the controller whose tracking annotation or labels the object carries, whatever fields it manages', () => {
    expect(
      gitOpsOwner(
        {
          annotations: {
            'argocd.argoproj.io/tracking-id': 'mesh:/Namespace:bookinfo',
          },
        },
        labelPaths,
      ),
    ).toBe('Argo CD tracks it (mesh:/Namespace:bookinfo)');
    expect(
      gitOpsOwner(
        { labels: { 'app.kubernetes.io/managed-by': 'ArgoCD' } },
        labelPaths,
      ),
    ).toBe('Argo CD manages it (app.kubernetes.io/managed-by)');
    expect(
      gitOpsOwner(
        { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } },
        labelPaths,
      ),
    ).toBe('Flux reconciles it (apps)');
    expect(
      gitOpsOwner(
        { labels: { 'helm.toolkit.fluxcd.io/name': 'mesh' } },
        labelPaths,
      ),
    ).toBe('Flux reconciles it (mesh)');
    expect(
      gitOpsOwner(
        { labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
        labelPaths,
      ),
    ).toBeUndefined();
  });

  it('names the field manager before the tracking annotation', () => {
    expect(
      gitOpsOwner(
        {
          annotations: { 'argocd.argoproj.io/tracking-id': 'mesh:x' },
          managedFields: [managing('kustomize-controller', ['istio.io/rev'])],
        },
        labelPaths,
      ),
    ).toBe('Flux (kustomize-controller) manages these fields');
  });
});
