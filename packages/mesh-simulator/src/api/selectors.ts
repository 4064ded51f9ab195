import { KubeObject } from '../store/kubeObject';
import { ResourceType } from './resourceTypes';
import { badRequest } from './statusErrors';

/**
 * A compiled selector: true when an object matches.
 *
 * @public
 */
export type ObjectMatcher = (object: KubeObject) => boolean;

type LabelRequirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

const labelKeyPattern =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function parseLabelRequirement(part: string): LabelRequirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  let requirement: LabelRequirement;
  if (setMatch) {
    requirement = {
      op: setMatch[2] as 'in' | 'notin',
      key: setMatch[1],
      values: setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v.length > 0),
    };
  } else {
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (eq) {
      requirement = {
        op: eq[2] === '!=' ? 'notin' : 'in',
        key: eq[1],
        values: [eq[3]],
      };
    } else if (/^!\s*[^!=\s]+$/.test(part)) {
      requirement = { op: 'notexists', key: part.slice(1).trim() };
    } else if (/^[^!=\s()]+$/.test(part)) {
      requirement = { op: 'exists', key: part };
    } else {
      throw badRequest(
        `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`,
      );
    }
  }
  if (!labelKeyPattern.test(requirement.key)) {
    throw badRequest(
      `unable to parse requirement: invalid label key "${requirement.key}"`,
    );
  }
  if ('values' in requirement) {
    for (const v of requirement.values) {
      if (v.length > 63 || !labelValuePattern.test(v)) {
        throw badRequest(
          `unable to parse requirement: invalid label value: "${v}"`,
        );
      }
    }
  }
  return requirement;
}

/** Compiles a label selector string (equality and set-based) into a matcher on labels. */
export function parseLabelSelector(
  text: string | undefined,
): ((labels: Record<string, string> | undefined) => boolean) | undefined {
  if (!text || !text.trim()) {
    return undefined;
  }
  const requirements = splitTopLevel(text).map(parseLabelRequirement);
  return labels => {
    for (const r of requirements) {
      const value = labels?.[r.key];
      switch (r.op) {
        case 'exists':
          if (value === undefined) return false;
          break;
        case 'notexists':
          if (value !== undefined) return false;
          break;
        case 'in':
          if (value === undefined || !r.values.includes(value)) return false;
          break;
        case 'notin':
          if (value !== undefined && r.values.includes(value)) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  };
}

/** Matches an equality selector map (as in a Service's spec.selector) against labels. */
export function selectorMapMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) {
    return false;
  }
  for (const [k, v] of Object.entries(selector)) {
    if (labels?.[k] !== v) {
      return false;
    }
  }
  return true;
}

/** Matches a LabelSelector object (matchLabels and matchExpressions) against labels. */
export function labelSelectorObjectMatches(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{
          key: string;
          operator: string;
          values?: string[];
        }>;
      }
    | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) {
    return false;
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels?.[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const value = labels?.[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && (value === undefined || !values.includes(value)))
      return false;
    if (e.operator === 'NotIn' && value !== undefined && values.includes(value))
      return false;
    if (e.operator === 'Exists' && value === undefined) return false;
    if (e.operator === 'DoesNotExist' && value !== undefined) return false;
  }
  return true;
}

/** Renders a LabelSelector object as the selector string used in status and tables. */
export function labelSelectorString(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    if (e.operator === 'Exists') parts.push(e.key);
    if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function fieldValue(object: KubeObject, path: string): string {
  let value: any = object;
  for (const segment of path.split('.')) {
    value = value?.[segment];
  }
  if (path === 'source' && value && typeof value === 'object') {
    value = value.component;
  }
  return value === undefined || value === null ? '' : String(value);
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Compiles a field selector for a type, refusing fields the real server does not index. */
export function parseFieldSelector(
  text: string | undefined,
  rt: ResourceType,
): ObjectMatcher | undefined {
  if (!text || !text.trim()) {
    return undefined;
  }
  const parts = text.split(/(?<!\\),/).filter(p => p.trim().length > 0);
  const terms = parts.map(part => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) {
      throw badRequest(
        `invalid selector: '${text}'; can't understand '${part}'`,
      );
    }
    const field = m[1];
    if (
      field !== 'metadata.name' &&
      field !== 'metadata.namespace' &&
      !rt.fieldSelectors.includes(field)
    ) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, negate: m[2] === '!=', value: unescapeFieldValue(m[3]) };
  });
  return object =>
    terms.every(t => (fieldValue(object, t.field) === t.value) !== t.negate);
}
