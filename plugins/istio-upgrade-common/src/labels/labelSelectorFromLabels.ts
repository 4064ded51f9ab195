import { LabelSelector } from './LabelSelector';

/**
 * An equality selector from labels, e.g. `{ 'backstage.io/kubernetes-id': 'reviews' }` for an
 * entity found by its Kubernetes id. Keys are sorted so that the selector is stable.
 *
 * @public
 */
export function labelSelectorFromLabels(
  labels: Readonly<Record<string, string>>,
): LabelSelector {
  return {
    requirements: Object.keys(labels)
      .sort()
      .map(key => ({ key, operator: 'Equals', values: [labels[key]] })),
  };
}
