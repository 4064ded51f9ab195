import type { Column } from '../api/tables';
import type { KubeObject } from '../store/kubeObject';

/**
 * The `kubectl get` columns of Sail's kinds: their CRDs' `additionalPrinterColumns`, which the API
 * server turns into Table columns after the name. A `string` column prints its value as text, a
 * `date` column the age of its timestamp (`ConvertToHumanReadableDateType`); an absent value is
 * null.
 */

function path(o: KubeObject, keys: string[]): unknown {
  let current: any = o;
  for (const key of keys) current = current?.[key];
  return current;
}

function printerColumn(
  name: string,
  type: 'string' | 'date',
  description: string,
  read: (o: KubeObject) => unknown,
): Column {
  return {
    name,
    type,
    format: '',
    description,
    priority: 0,
    cell: o => {
      const value = read(o);
      if (value === undefined || value === null) return null;
      return String(value);
    },
  };
}

/** `.status.conditions[?(@.type=="<type>")].status` */
const conditionStatus = (type: string) => (o: KubeObject) =>
  (o.status?.conditions ?? []).find((c: any) => c.type === type)?.status;

const at =
  (...keys: string[]) =>
  (o: KubeObject) =>
    path(o, keys);

const namespaceColumn = printerColumn(
  'Namespace',
  'string',
  'The namespace for the control plane components.',
  at('spec', 'namespace'),
);
const versionColumn = printerColumn(
  'Version',
  'string',
  'The version of the control plane installation.',
  at('spec', 'version'),
);

const stateColumn = printerColumn(
  'Status',
  'string',
  'The current state of this object.',
  at('status', 'state'),
);
const inUseColumn = (what: string) =>
  printerColumn(
    'In use',
    'string',
    `Whether the ${what} is being used by workloads.`,
    conditionStatus('InUse'),
  );

const profileColumn = (...keys: string[]) =>
  printerColumn(
    'Profile',
    'string',
    'The selected profile (collection of value presets).',
    at(...keys),
  );

/**
 * The printer columns of each Sail resource: `name`, the CRD's columns, and `Age` (`humanAge`
 * prints a timestamp as kubectl's ages).
 */
export function sailColumnsByResource(
  nameColumn: Column,
  humanAge: (fromIso: string | undefined, now: number) => string,
): Record<string, Column[]> {
  const age: Column = {
    ...printerColumn('Age', 'date', 'The age of the object', () => undefined),
    cell: (o, now) => humanAge(o.metadata.creationTimestamp, now),
  };
  return {
    istios: [
      nameColumn,
      namespaceColumn,
      profileColumn('spec', 'profile'),
      printerColumn(
        'Revisions',
        'string',
        'Total number of IstioRevision objects currently associated with this object.',
        at('status', 'revisions', 'total'),
      ),
      printerColumn(
        'Ready',
        'string',
        'Number of revisions that are ready.',
        at('status', 'revisions', 'ready'),
      ),
      printerColumn(
        'In use',
        'string',
        'Number of revisions that are currently being used by workloads.',
        at('status', 'revisions', 'inUse'),
      ),
      printerColumn(
        'Active Revision',
        'string',
        'The name of the currently active revision.',
        at('status', 'activeRevisionName'),
      ),
      printerColumn(
        'Status',
        'string',
        'The current state of the active revision.',
        at('status', 'state'),
      ),
      versionColumn,
      age,
    ],
    istiorevisions: [
      nameColumn,
      namespaceColumn,
      profileColumn('spec', 'values', 'profile'),
      printerColumn(
        'Ready',
        'string',
        'Whether the control plane installation is ready to handle requests.',
        conditionStatus('Ready'),
      ),
      stateColumn,
      inUseColumn('revision'),
      versionColumn,
      age,
    ],
    istiorevisiontags: [
      nameColumn,
      stateColumn,
      inUseColumn('tag'),
      printerColumn(
        'Revision',
        'string',
        'The IstioRevision this object is referencing.',
        at('status', 'istioRevision'),
      ),
      age,
    ],
  };
}
