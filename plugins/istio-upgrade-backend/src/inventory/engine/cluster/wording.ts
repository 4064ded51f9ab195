import { compareText } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { StringMap } from '../records';

/** Orders by name. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}

/** Orders by namespace, then name. */
export function byNamespaceAndName(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

/** `1 pod`, `2 pods`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The word that agrees with a count: `runs` for one, `run` for more. */
export function agree(
  count: number,
  singular: string,
  pluralForm: string,
): string {
  return count === 1 ? singular : pluralForm;
}

/** Names joined with commas, at most `max` of them and how many more. */
export function listed(names: string[], max = 5): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Whether a Service's (non-empty) equality selector selects pods with these labels. */
export function selectorMatches(
  selector: StringMap,
  labels: StringMap,
): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every(key => labels[key] === selector[key]);
}
