import { sailColumnsByResource } from '../sail/sailTables';
import { KubeObject } from '../store/kubeObject';
import { ResourceType } from './resourceTypes';
import { labelSelectorString } from './selectors';

/** A Table column and how each row's cell is computed. */
export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  /** Null for a custom resource's column whose value is absent. */
  cell: (o: KubeObject, now: number) => string | number | null;
}

/** Ages printed the way kubectl's duration.HumanDuration prints them. */
export function humanAge(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: o => o.metadata.name,
};

const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => humanAge(o.metadata.creationTimestamp, now),
};

/** The server's default `Created At` column, for kinds without a printer. */
const createdAtColumn: Column = {
  name: 'Created At',
  type: 'date',
  format: '',
  description: ageColumn.description,
  priority: 0,
  cell: o => o.metadata.creationTimestamp ?? null,
};

/** A binding's subjects as kubectl's wide columns list them: users, groups, service accounts. */
function subjectsOfKind(o: KubeObject, kind: string): string {
  return ((o.subjects ?? []) as any[])
    .filter(s => s?.kind === kind)
    .map(s => (kind === 'ServiceAccount' ? `${s.namespace}/${s.name}` : s.name))
    .join(', ');
}

/**
 * The Targets of `kubectl get hpa`: each metric's current value (`<unknown>` until a metrics
 * pipeline reports one, which none does here) over its target, two at most.
 */
function hpaTargets(specs: any[], statuses: any[]): string {
  if (specs.length === 0) return '<none>';
  const cells = specs.map((spec, i) => {
    const status = statuses[i];
    const source = spec?.resource ?? spec?.containerResource;
    if (source) {
      const target = source.target ?? {};
      const current = status?.resource ?? status?.containerResource;
      if (target.averageValue !== undefined) {
        return `${source.name}: ${
          current?.current?.averageValue ?? '<unknown>'
        }/${target.averageValue}`;
      }
      const utilization = current?.current?.averageUtilization;
      return `${source.name}: ${
        utilization === undefined ? '<unknown>' : `${utilization}%`
      }/${
        target.averageUtilization === undefined
          ? '<auto>'
          : `${target.averageUtilization}%`
      }`;
    }
    const other = spec?.pods ?? spec?.object ?? spec?.external;
    if (!other) return '<unknown type>';
    const target = other.target ?? {};
    return `<unknown>/${target.averageValue ?? target.value}${
      spec?.pods === undefined && target.averageValue !== undefined
        ? ' (avg)'
        : ''
    }`;
  });
  return cells.length > 2
    ? `${cells.slice(0, 2).join(', ')} + ${cells.length - 2} more...`
    : cells.join(', ');
}

function column(
  name: string,
  cell: Column['cell'],
  priority = 0,
  type = 'string',
): Column {
  return { name, type, format: '', description: name, priority, cell };
}

/** Role and cluster role bindings: the role they grant, then (wide) their subjects by kind. */
const bindingColumns: Column[] = [
  nameColumn,
  column('Role', o => `${o.roleRef?.kind}/${o.roleRef?.name}`),
  ageColumn,
  column('Users', o => subjectsOfKind(o, 'User'), 1),
  column('Groups', o => subjectsOfKind(o, 'Group'), 1),
  column('ServiceAccounts', o => subjectsOfKind(o, 'ServiceAccount'), 1),
];

function podStatusReason(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  for (const s of statuses) {
    if (s.state?.waiting?.reason) return s.state.waiting.reason;
  }
  const init: any[] = pod.status?.initContainerStatuses ?? [];
  if (pod.status?.phase === 'Pending' && init.some(s => !s.state?.terminated)) {
    return `Init:0/${init.length}`;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Pending';
}

/** The statuses of a pod's sidecar containers (init containers with `restartPolicy: Always`). */
function restartableInitStatuses(pod: KubeObject): any[] {
  const sidecars = new Set(
    (pod.spec?.initContainers ?? [])
      .filter((c: any) => c.restartPolicy === 'Always')
      .map((c: any) => c.name),
  );
  return (pod.status?.initContainerStatuses ?? []).filter((s: any) =>
    sidecars.has(s.name),
  );
}

function servicePorts(svc: KubeObject): string {
  const ports: any[] = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map(
      p =>
        `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
    )
    .join(',');
}

function containersOf(template: any): string {
  return (template?.spec?.containers ?? []).map((c: any) => c.name).join(',');
}

function imagesOf(template: any): string {
  return (template?.spec?.containers ?? []).map((c: any) => c.image).join(',');
}

function selectorOf(o: KubeObject): string {
  return o.spec?.selector
    ? labelSelectorString(o.spec.selector) || '<none>'
    : '<none>';
}

const columnsByResource: Record<string, Column[]> = {
  pods: [
    nameColumn,
    // As the API server's printPod: sidecar containers (init containers with `restartPolicy:
    // Always`, such as Istio's native sidecar) count among the containers.
    column('Ready', o => {
      const statuses: any[] = o.status?.containerStatuses ?? [];
      const sidecars = restartableInitStatuses(o);
      const total =
        (o.spec?.containers ?? []).length +
        (o.spec?.initContainers ?? []).filter(
          (c: any) => c.restartPolicy === 'Always',
        ).length;
      const ready =
        statuses.filter(s => s.ready).length +
        sidecars.filter(s => s.started && s.ready).length;
      return `${ready}/${total}`;
    }),
    column('Status', podStatusReason),
    column('Restarts', o =>
      String(
        [
          ...(o.status?.containerStatuses ?? []),
          ...restartableInitStatuses(o),
        ].reduce((n: number, s: any) => n + (s.restartCount ?? 0), 0),
      ),
    ),
    ageColumn,
    column('IP', o => o.status?.podIP ?? '<none>', 1),
    column('Node', o => o.spec?.nodeName ?? '<none>', 1),
    column('Nominated Node', () => '<none>', 1),
    column('Readiness Gates', () => '<none>', 1),
  ],
  namespaces: [
    nameColumn,
    column('Status', o => o.status?.phase ?? 'Active'),
    ageColumn,
  ],
  nodes: [
    nameColumn,
    column('Status', o =>
      (o.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      )
        ? 'Ready'
        : 'NotReady',
    ),
    column(
      'Roles',
      o =>
        Object.keys(o.metadata.labels ?? {})
          .filter(k => k.startsWith('node-role.kubernetes.io/'))
          .map(k => k.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    ),
    ageColumn,
    column('Version', o => o.status?.nodeInfo?.kubeletVersion ?? ''),
    column(
      'Internal-IP',
      o =>
        (o.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')
          ?.address ?? '<none>',
      1,
    ),
  ],
  services: [
    nameColumn,
    column('Type', o => o.spec?.type ?? 'ClusterIP'),
    column('Cluster-IP', o => o.spec?.clusterIP ?? '<none>'),
    column('External-IP', o => {
      const ingress: any[] = o.status?.loadBalancer?.ingress ?? [];
      if (o.spec?.type === 'LoadBalancer') {
        return ingress.map(i => i.ip ?? i.hostname).join(',') || '<pending>';
      }
      return '<none>';
    }),
    column('Port(s)', servicePorts),
    ageColumn,
    column(
      'Selector',
      o =>
        Object.entries(o.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      1,
    ),
  ],
  endpoints: [
    nameColumn,
    column('Endpoints', o => {
      const out: string[] = [];
      for (const s of o.subsets ?? []) {
        for (const a of s.addresses ?? []) {
          for (const p of s.ports ?? []) out.push(`${a.ip}:${p.port}`);
        }
      }
      return out.length === 0
        ? '<none>'
        : out.slice(0, 3).join(',') +
            (out.length > 3 ? ` + ${out.length - 3} more...` : '');
    }),
    ageColumn,
  ],
  events: [
    column('Last Seen', (o, now) =>
      humanAge(o.lastTimestamp ?? o.metadata.creationTimestamp, now),
    ),
    column('Type', o => o.type ?? ''),
    column('Reason', o => o.reason ?? ''),
    column(
      'Object',
      o =>
        `${(o.involvedObject?.kind ?? '').toLowerCase()}/${
          o.involvedObject?.name ?? ''
        }`,
    ),
    column('Message', o => o.message ?? ''),
  ],
  deployments: [
    nameColumn,
    column(
      'Ready',
      o => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
    ),
    column('Up-to-date', o => o.status?.updatedReplicas ?? 0, 0, 'integer'),
    column('Available', o => o.status?.availableReplicas ?? 0, 0, 'integer'),
    ageColumn,
    column('Containers', o => containersOf(o.spec?.template), 1),
    column('Images', o => imagesOf(o.spec?.template), 1),
    column('Selector', selectorOf, 1),
  ],
  replicasets: [
    nameColumn,
    column('Desired', o => o.spec?.replicas ?? 1, 0, 'integer'),
    column('Current', o => o.status?.replicas ?? 0, 0, 'integer'),
    column('Ready', o => o.status?.readyReplicas ?? 0, 0, 'integer'),
    ageColumn,
    column('Containers', o => containersOf(o.spec?.template), 1),
    column('Images', o => imagesOf(o.spec?.template), 1),
    column('Selector', selectorOf, 1),
  ],
  statefulsets: [
    nameColumn,
    column(
      'Ready',
      o => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
    ),
    ageColumn,
    column('Containers', o => containersOf(o.spec?.template), 1),
    column('Images', o => imagesOf(o.spec?.template), 1),
  ],
  daemonsets: [
    nameColumn,
    column('Desired', o => o.status?.desiredNumberScheduled ?? 0, 0, 'integer'),
    column('Current', o => o.status?.currentNumberScheduled ?? 0, 0, 'integer'),
    column('Ready', o => o.status?.numberReady ?? 0, 0, 'integer'),
    column(
      'Up-to-date',
      o => o.status?.updatedNumberScheduled ?? 0,
      0,
      'integer',
    ),
    column('Available', o => o.status?.numberAvailable ?? 0, 0, 'integer'),
    column(
      'Node Selector',
      o =>
        Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    ),
    ageColumn,
  ],
  endpointslices: [
    nameColumn,
    column('AddressType', o => o.addressType ?? 'IPv4'),
    column(
      'Ports',
      o => (o.ports ?? []).map((p: any) => p.port).join(',') || '<unset>',
    ),
    column(
      'Endpoints',
      o =>
        (o.endpoints ?? [])
          .flatMap((e: any) => e.addresses ?? [])
          .slice(0, 3)
          .join(',') || '<unset>',
    ),
    ageColumn,
  ],
  mutatingwebhookconfigurations: [
    nameColumn,
    column('Webhooks', o => (o.webhooks ?? []).length, 0, 'integer'),
    ageColumn,
  ],
  poddisruptionbudgets: [
    nameColumn,
    column('Min Available', o => o.spec?.minAvailable ?? 'N/A'),
    column('Max Unavailable', o => o.spec?.maxUnavailable ?? 'N/A'),
    column(
      'Allowed Disruptions',
      o => o.status?.disruptionsAllowed ?? 0,
      0,
      'integer',
    ),
    ageColumn,
  ],
  horizontalpodautoscalers: [
    nameColumn,
    column(
      'Reference',
      o => `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`,
    ),
    column('Targets', o =>
      hpaTargets(o.spec?.metrics ?? [], o.status?.currentMetrics ?? []),
    ),
    column('MinPods', o =>
      o.spec?.minReplicas === undefined ? '<unset>' : `${o.spec.minReplicas}`,
    ),
    column('MaxPods', o => o.spec?.maxReplicas ?? 0),
    column('Replicas', o => o.status?.currentReplicas ?? 0),
    ageColumn,
  ],
  // Roles and cluster roles have no printer: the server's default columns.
  clusterroles: [nameColumn, createdAtColumn],
  roles: [nameColumn, createdAtColumn],
  clusterrolebindings: bindingColumns,
  rolebindings: bindingColumns,
  // The Sail CRDs' printer columns.
  ...sailColumnsByResource(nameColumn, humanAge),
};

/**
 * Renders objects as a `meta.k8s.io/v1` Table, which is what `kubectl get` prints from.
 * `includeObject` follows the query parameter: None, Metadata (default) or Object.
 */
export function renderTable(
  rt: ResourceType,
  objects: KubeObject[],
  includeObject: string | undefined,
  now: number,
  listMetadata: Record<string, unknown>,
): Record<string, unknown> {
  const columns = columnsByResource[rt.resource] ?? [nameColumn, ageColumn];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: columns.map(
      ({ cell: _cell, ...definition }) => definition,
    ),
    rows: objects.map(o => {
      const row: Record<string, unknown> = {
        cells: columns.map(c => c.cell(o, now)),
      };
      if (includeObject === 'Object') {
        row.object = o;
      } else if (includeObject !== 'None') {
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: o.metadata,
        };
      }
      return row;
    }),
  };
}
