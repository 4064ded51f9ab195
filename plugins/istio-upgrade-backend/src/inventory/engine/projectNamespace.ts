import type { KubeObject } from './kubernetesObjects';
import type { NamespaceRecord } from './records';

/**
 * Reduces a Namespace to its name and labels; undefined without a name.
 *
 * @public
 */
export function projectNamespace(
  object: KubeObject,
): NamespaceRecord | undefined {
  const name = object.metadata?.name;
  if (!name) {
    return undefined;
  }
  return {
    name,
    labels: Object.freeze({ ...(object.metadata?.labels ?? {}) }),
  };
}
