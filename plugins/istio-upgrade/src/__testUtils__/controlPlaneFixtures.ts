import {
  RequestPlan,
  RevisionCandidates,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { aPlan } from './requestFixtures';

// Control-plane installs and removals on the `seed` cluster (1-9-7 default, 1-10-4 beside it):
// the versions it could add, and the dry runs of an install (Helm, Sail) and of a removal.

export function someRevisionCandidates(
  overrides: Partial<RevisionCandidates> = {},
): RevisionCandidates {
  return {
    cluster: 'seed',
    installedBy: 'helm',
    kubernetesVersion: '1.33.1',
    revisions: 2,
    maxRevisions: 3,
    candidates: [
      {
        minor: '1.31',
        version: '1.31.0',
        revision: '1-31-0',
        endOfLife: '2027-01-15',
        allowed: false,
        checks: [
          {
            id: 'canary-jump',
            status: 'fail',
            message:
              '1-9-7: a canary upgrade from 1.9 to 1.31 skips 21 minors; at most 2 are supported',
          },
          {
            id: 'revision-free',
            status: 'pass',
            message: 'No revision or tag is named 1-31-0',
          },
        ],
      },
      {
        minor: '1.11',
        version: '1.11.0',
        revision: '1-11-0',
        endOfLife: '2022-03-25',
        allowed: true,
        checks: [
          {
            id: 'end-of-life',
            status: 'warn',
            message: 'Istio 1.11 is end of life since 2022-03-25',
          },
          {
            id: 'revision-free',
            status: 'pass',
            message: 'No revision or tag is named 1-11-0',
          },
        ],
      },
      {
        minor: '1.10',
        version: '1.10.4',
        revision: '1-10-4',
        endOfLife: '2022-01-07',
        allowed: false,
        checks: [
          {
            id: 'revision-free',
            status: 'fail',
            message: 'Revision 1-10-4 already exists in cluster seed',
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** A control-plane request's dry run: it always waits for approval. */
function controlPlaneDryRun(
  plan: RequestPlan['plan'],
  prechecks: RequestPlan['prechecks'],
): RequestPlan {
  return aPlan({
    approvalRequired: true,
    approvalReason: 'control-plane installs and removals always wait',
    prechecks,
    plan,
  });
}

const installPrechecks: RequestPlan['prechecks'] = {
  passed: true,
  checks: [
    {
      id: 'end-of-life',
      status: 'warn',
      message: 'Istio 1.11 is end of life since 2022-03-25',
    },
    {
      id: 'revision-limit',
      status: 'pass',
      message: '3 of at most 3 revisions once installed',
    },
  ],
};

/** The dry run of installing Istio `version` as `revision` on a cluster installed with Helm. */
export function aHelmInstallPlan(
  version = '1.11.0',
  revision = '1-11-0',
): RequestPlan {
  return controlPlaneDryRun(
    {
      summary: `The product does not install control planes on a cluster installed with helm: run the commands, then the request completes when revision ${revision} (Istio ${version}) is Ready in the inventory`,
      fromRevision: '1-9-7',
      toRevision: revision,
      podsInScope: 0,
      patches: [],
      rollbackPatches: [],
      waves: [],
      controlPlane: {
        installedBy: 'helm',
        mode: 'manual',
        version,
        commands: [
          `helm upgrade --install istiod-${revision} istio/istiod --version ${version} --namespace istio-system --set revision=${revision} --wait`,
          `istioctl install --revision ${revision} --skip-confirmation # istioctl of Istio ${version}`,
        ],
      },
    },
    installPrechecks,
  );
}

/** The dry run of installing Istio `version` on a Sail cluster with a RevisionBased Istio `default`. */
export function aSailInstallPlan(
  version = '1.11.0',
  revision = 'default-v1-11-0',
): RequestPlan {
  return controlPlaneDryRun(
    {
      summary: `Set Istio default's spec.version to v${version}: Sail creates revision ${revision} next to the v1.10.4 one (RevisionBased); tags are left alone`,
      fromRevision: 'default-v1-10-4',
      toRevision: revision,
      podsInScope: 0,
      patches: [
        {
          step: 'install-control-plane',
          kind: 'Istio',
          apiVersion: 'sailoperator.io/v1',
          name: 'default',
          patchType: 'merge',
          precondition: '812',
          patch: {
            metadata: { resourceVersion: '812' },
            spec: { version: `v${version}` },
          },
        },
      ],
      waves: [],
      controlPlane: {
        installedBy: 'sail',
        mode: 'sail-istio-version',
        version,
        sailResource: 'Istio/default',
        valuesDiff: [`spec.version: "v1.10.4" -> "v${version}"`],
      },
    },
    installPrechecks,
  );
}

/** The dry run of removing revision 1-10-4 (Helm-installed) with its standby gateway; passing unless told. */
export function aRemovalPlan(
  options: { revision?: string; blockedBecause?: string } = {},
): RequestPlan {
  const revision = options.revision ?? '1-10-4';
  const { blockedBecause } = options;
  const prechecks: RequestPlan['prechecks'] = {
    passed: !blockedBecause,
    checks: [
      {
        id: 'cluster-synced',
        status: 'pass',
        message: 'The inventory of seed is synced',
      },
      blockedBecause
        ? {
            id: 'revision-unused',
            status: 'fail',
            message: `Revision ${revision} cannot be removed: ${blockedBecause}`,
          }
        : {
            id: 'revision-unused',
            status: 'pass',
            message: `No pod, namespace, tag, gateway or request uses revision ${revision} besides its standby gateway istio-gateways/istio-ingressgateway-${revision}, removed with it`,
          },
    ],
  };
  return controlPlaneDryRun(
    {
      summary: `Delete revision ${revision}'s 3 objects (as istioctl uninstall --revision ${revision} does)`,
      fromRevision: revision,
      podsInScope: 0,
      patches: [
        {
          step: 'remove-control-plane',
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          namespace: 'istio-system',
          name: `istiod-${revision}`,
          patchType: 'delete',
          patch: { preconditions: { uid: 'a1b2' } },
        },
      ],
      waves: [],
      controlPlane: {
        installedBy: 'helm',
        mode: 'delete-objects',
        version: revision.replace(/-/g, '.'),
        deletions: [
          `Deployment/istio-system/istiod-${revision}`,
          `MutatingWebhookConfiguration//istio-sidecar-injector-${revision}`,
          `Deployment/istio-gateways/istio-ingressgateway-${revision}`,
        ],
      },
    },
    prechecks,
  );
}
