import { createHash } from 'node:crypto';
import { JsonObject } from '../store/kubeObject';

const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The ServiceAccount admission plugin's `mountServiceAccountToken` (Kubernetes 1.34): every init
 * container and container without a mount at the token path mounts the `kube-api-access-*` volume,
 * which is added once if the pod has none; nothing when the pod sets
 * `automountServiceAccountToken: false`. The API server runs it again after a webhook changed the
 * pod (admission reinvocation), so Istio's injected containers get the mount too. The volume suffix
 * is derived from `seed` so pods of one ReplicaSet share it.
 */
export function mountServiceAccountToken(
  spec: JsonObject,
  seed: string,
): JsonObject {
  if (spec.automountServiceAccountToken === false) return spec;
  const existing = (spec.volumes ?? []).find((v: JsonObject) =>
    String(v.name).startsWith('kube-api-access-'),
  );
  const suffix = createHash('sha1')
    .update(seed)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 5);
  const volume: string = existing?.name ?? `kube-api-access-${suffix}`;
  const mount = { mountPath: tokenMountPath, name: volume, readOnly: true };
  let needsVolume = false;
  const mounted = (list: JsonObject[] | undefined) =>
    list?.map(c => {
      if (
        (c.volumeMounts ?? []).some(
          (m: JsonObject) => m.mountPath === tokenMountPath,
        )
      )
        return c;
      needsVolume = true;
      return { ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] };
    });
  const initContainers = mounted(spec.initContainers);
  const containers = mounted(spec.containers) ?? [];
  return {
    ...spec,
    ...(initContainers ? { initContainers } : {}),
    containers,
    ...(needsVolume && !existing
      ? {
          volumes: [
            ...(spec.volumes ?? []),
            {
              name: volume,
              projected: {
                defaultMode: 420,
                sources: [
                  {
                    serviceAccountToken: {
                      expirationSeconds: 3607,
                      path: 'token',
                    },
                  },
                  {
                    configMap: {
                      items: [{ key: 'ca.crt', path: 'ca.crt' }],
                      name: 'kube-root-ca.crt',
                    },
                  },
                  {
                    downwardAPI: {
                      items: [
                        {
                          fieldRef: {
                            apiVersion: 'v1',
                            fieldPath: 'metadata.namespace',
                          },
                          path: 'namespace',
                        },
                      ],
                    },
                  },
                ],
              },
            },
          ],
        }
      : {}),
  };
}
