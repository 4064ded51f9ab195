import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ControlPlane } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { errorMessage } from '../api/errorMessage';

/** Whether a control plane may be removed now, as its removal's dry run says. */
export type RemovalVerdict =
  | { state: 'checking' }
  /** `note`: what the dry run's passing check says (such as the standby gateway removed with it). */
  | { state: 'allowed'; note?: string }
  | { state: 'blocked'; reasons: string[] };

/**
 * Whether the inventory already shows what any removal refuses: the default revision, one a tag
 * points at, one a namespace asks for. Such a control plane is not dry-run.
 */
function certainlyBlocked(cp: ControlPlane): boolean {
  return cp.isDefault || cp.tags.length > 0 || cp.inUse.namespaces > 0;
}

/**
 * The removal verdict of each control plane of a cluster, by revision: a dry run of its removal
 * decides (the inventory's `safeToRemove` counts a standby gateway as a use, while a removal deletes
 * it with the revision), and its failing prechecks are the reasons. Nothing is asked while
 * `enabled` is false; the dry runs run again when a control plane's uses change.
 */
export function useRemovalVerdicts(
  cluster: string,
  controlPlanes: ReadonlyArray<ControlPlane> | undefined,
  enabled: boolean,
): (cp: ControlPlane) => RemovalVerdict {
  const api = useApi(istioUpgradeApiRef);
  // Dry runs cost the cluster a dozen reads each: run them again only when what decides a removal
  // changed (revisions, their uses and the inventory's reasons), not on every inventory reload.
  const uses = JSON.stringify(
    (controlPlanes ?? []).map(cp => [
      cp.revision,
      cp.isDefault,
      cp.tags,
      cp.inUse,
      cp.notRemovableBecause,
    ]),
  );
  const verdicts = useAsyncRetry(async () => {
    if (!enabled || !controlPlanes) return undefined;
    const entries = await Promise.all(
      controlPlanes.map(async (cp): Promise<[string, RemovalVerdict]> => {
        if (certainlyBlocked(cp)) {
          return [
            cp.revision,
            { state: 'blocked', reasons: cp.notRemovableBecause },
          ];
        }
        try {
          const plan = await api.planRequest({
            type: 'control-plane-removal',
            cluster,
            revision: cp.revision,
            target: {},
          });
          const failing = plan.prechecks.checks.filter(
            c => c.status === 'fail',
          );
          if (!plan.prechecks.passed) {
            return [
              cp.revision,
              {
                state: 'blocked',
                reasons: failing.length
                  ? failing.map(c => c.message)
                  : ['The prechecks of its removal failed'],
              },
            ];
          }
          const note = plan.prechecks.checks.find(
            c => c.id === 'revision-unused' && c.status === 'pass',
          )?.message;
          return [cp.revision, { state: 'allowed', ...(note ? { note } : {}) }];
        } catch (e) {
          return [
            cp.revision,
            {
              state: 'blocked',
              reasons: [
                `The dry run of its removal failed: ${errorMessage(
                  e as Error,
                )}`,
              ],
            },
          ];
        }
      }),
    );
    return new Map(entries);
    // `controlPlanes` is read through `uses`, which says when it changed in a way that matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, cluster, uses, enabled]);
  return cp => verdicts.value?.get(cp.revision) ?? { state: 'checking' };
}
