import { InputError, NotFoundError } from '@backstage/errors';
import {
  ClusterInventory,
  IstioRelease,
  Plan,
  Precheck,
  RequestOptions,
  RequestTarget,
  RequestType,
  RevisionCandidates,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterApi } from '../kubernetes/ClusterApi';
import { KubernetesApiError } from '../kubernetes/KubernetesApiError';
import { InventoryService } from '../inventory/InventoryService';
import {
  findCutoverTarget,
  planGatewayCutover,
} from './planning/planGatewayCutover';
import { planGatewayMove } from './planning/planGatewayMove';
import { planNamespaceMigration } from './planning/planNamespaceMigration';
import { planTagMove } from './planning/planTagMove';
import { sailTagMovePlan } from './planning/sailTagMove';
import { readTagMoveObjects } from './tagMoveObjects';
import { cutoverPrechecks } from './prechecks/cutoverPrechecks';
import { gatewayMovePrechecks } from './prechecks/gatewayMovePrechecks';
import { migrationPrechecks } from './prechecks/migrationPrechecks';
import { tagMovePrechecks } from './prechecks/tagMovePrechecks';
import { RequestSettings } from './requestConfig';
import { clusterSyncedCheck } from './prechecks/precheckResults';
import { planInstall, planRemoval } from './controlPlanes/controlPlanePlanning';
import { ActiveRequestOnCluster } from './controlPlanes/removalPrechecks';
import { revisionCandidates } from './controlPlanes/revisionCandidates';

/** What is asked, once validated at the edge. */
export interface ChangeSpec {
  type: RequestType;
  cluster: string;
  revision: string;
  target: RequestTarget;
  /** The entity's label selector, for the `entity` restart scope. */
  entitySelector?: string;
  options: Required<RequestOptions>;
}

/** A plan, the prechecks it passed or failed, and the key of the target it holds. */
export interface PlannedChange {
  plan: Plan;
  prechecks: Precheck[];
  passed: boolean;
  targetKey: string;
}

function notFoundIsUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.catch(error => {
    if (error instanceof KubernetesApiError && error.status === 404) {
      return undefined;
    }
    throw error;
  });
}

/**
 * The key of the object a request changes: one active request per key and cluster. A control plane's
 * install and removal share the revision's key.
 */
export function targetKeyOf(
  type: RequestType,
  target: RequestTarget,
  revision: string,
): string {
  if (type === 'control-plane-install' || type === 'control-plane-removal') {
    return `control-plane:${revision}`;
  }
  if (type === 'namespace-migration') return `namespace:${target.namespace}`;
  if (type === 'gateway-cutover')
    return `service:${target.namespace}/${target.service}`;
  if (type === 'gateway-move')
    return `gateway:${target.namespace}/${target.gateway}`;
  return `tag:${target.tag}`;
}

/** Reads the request's target fields for its type, refusing what is missing or superfluous. */
export function checkTarget(type: RequestType, target: RequestTarget): void {
  const has = (key: keyof RequestTarget) => target[key] !== undefined;
  const need: Record<RequestType, Array<keyof RequestTarget>> = {
    'namespace-migration': ['namespace'],
    'gateway-cutover': ['namespace', 'service'],
    'revision-tag-move': ['tag'],
    'gateway-move': ['namespace', 'gateway'],
    'control-plane-install': ['version'],
    'control-plane-removal': [],
  };
  const missing = need[type].filter(key => !has(key));
  const extra = (
    ['namespace', 'service', 'tag', 'gateway', 'version'] as const
  ).filter(key => has(key) && !need[type].includes(key));
  if (missing.length || extra.length) {
    throw new InputError(
      `A ${type} targets ${
        need[type].join(' and ') || 'nothing besides its revision'
      }${missing.length ? `; missing: ${missing.join(', ')}` : ''}${
        extra.length ? `; not applicable: ${extra.join(', ')}` : ''
      }`,
    );
  }
}

/**
 * Plans a change and runs its prechecks, from the cluster's live inventory and fresh reads of the
 * objects the change writes. Nothing here writes to a cluster.
 */
export class RequestPlanner {
  private readonly apis = new WeakMap<object, ClusterApi>();

  constructor(
    private readonly options: {
      inventory: InventoryService;
      settings: RequestSettings;
      releases: IstioRelease[];
      /** The cluster's active requests, which a control-plane removal must not pull the rug from. */
      activeRequests?: (cluster: string) => Promise<ActiveRequestOnCluster[]>;
    },
  ) {}

  /**
   * The typed client of a cluster the inventory syncs.
   *
   * @throws NotFoundError when the catalog has no such cluster, InputError when it cannot be used
   */
  async clusterApi(cluster: string): Promise<ClusterApi> {
    const inventory = await this.options.inventory.clusterInventory(cluster);
    const sync = this.options.inventory.clusterSync(cluster);
    if (!sync) {
      throw new InputError(
        `Cluster ${cluster} cannot be changed: ${
          inventory.cluster.message ?? inventory.cluster.status
        }`,
      );
    }
    let api = this.apis.get(sync);
    if (!api) {
      api = new ClusterApi(sync.connection, sync.client);
      this.apis.set(sync, api);
    }
    return api;
  }

  async inventory(cluster: string): Promise<ClusterInventory> {
    return this.options.inventory.clusterInventory(cluster);
  }

  /**
   * Plans `spec` and runs its prechecks against the cluster as it is now. For a rollback, going back to
   * an end-of-life revision is a warning, not a refusal: it is where the workloads came from.
   */
  async plan(
    spec: ChangeSpec,
    options: { rollback?: boolean } = {},
  ): Promise<PlannedChange> {
    checkTarget(spec.type, spec.target);
    const { settings, releases } = this.options;
    const inventory = await this.inventory(spec.cluster);
    const api = await this.clusterApi(spec.cluster);
    const targetKey = targetKeyOf(spec.type, spec.target, spec.revision);
    const now = new Date();

    if (spec.type === 'namespace-migration') {
      const namespace = spec.target.namespace!;
      if (settings.protectedNamespaces.includes(namespace)) {
        throw new InputError(
          `Namespace ${namespace} is protected: requests may not change it`,
        );
      }
      const namespaceObject = await notFoundIsUndefined(
        api.readNamespace(namespace),
      );
      if (!namespaceObject) {
        throw new NotFoundError(
          `Namespace ${namespace} does not exist in cluster ${spec.cluster}`,
        );
      }
      const plan = planNamespaceMigration(inventory, {
        namespace,
        revision: spec.revision,
        waveSize: spec.options.waveSize,
        restartScope: spec.options.restartScope,
        entitySelector: spec.entitySelector,
        namespaceLabels: (namespaceObject.metadata?.labels ?? {}) as Record<
          string,
          string
        >,
      });
      const inScope = new Set(
        [...plan.waves.flatMap(w => w.workloads), ...(plan.skipped ?? [])].map(
          w => `${w.kind}/${w.name}`,
        ),
      );
      const prechecks = migrationPrechecks({
        inventory,
        namespace,
        revision: spec.revision,
        namespaceObject,
        protectedNamespaces: settings.protectedNamespaces,
        releases,
        now,
        workloadsInScope: inventory.workloads.filter(
          w => w.namespace === namespace && inScope.has(`${w.kind}/${w.name}`),
        ),
        rollback: options.rollback,
      });
      return this.result(plan, prechecks, targetKey);
    }

    if (spec.type === 'gateway-cutover') {
      const { namespace, service } = spec.target as Required<RequestTarget>;
      if (settings.protectedNamespaces.includes(namespace)) {
        throw new InputError(
          `Namespace ${namespace} is protected: requests may not change it`,
        );
      }
      const serviceObject = await notFoundIsUndefined(
        api.readService(namespace, service),
      );
      if (!serviceObject) {
        throw new NotFoundError(
          `Service ${namespace}/${service} does not exist in cluster ${spec.cluster}`,
        );
      }
      let target;
      try {
        target = findCutoverTarget(inventory, {
          namespace,
          service,
          revision: spec.revision,
        });
      } catch (error) {
        target = { error: (error as Error).message };
      }
      const gatewayObject =
        'gateway' in target
          ? await notFoundIsUndefined(
              api.readWorkload(
                target.gateway.workloadKind ?? 'Deployment',
                target.gateway.namespace,
                target.gateway.name,
              ),
            )
          : undefined;
      const prechecks = cutoverPrechecks({
        inventory,
        namespace,
        service,
        revision: spec.revision,
        protectedNamespaces: settings.protectedNamespaces,
        target,
        serviceObject,
        gatewayObject,
      });
      if ('error' in target) {
        throw new InputError(target.error);
      }
      const plan = planGatewayCutover(inventory, {
        namespace,
        service,
        revision: spec.revision,
      });
      return this.result(plan, prechecks, targetKey);
    }

    if (
      options.rollback &&
      (spec.type === 'control-plane-install' ||
        spec.type === 'control-plane-removal')
    ) {
      // A rollback sends the writes stored with the request it undoes; only the inventory must be whole.
      return this.result(
        {
          summary: `Undo the ${spec.type} of ${spec.revision}`,
          patches: [],
          waves: [],
          podsInScope: 0,
        },
        [clusterSyncedCheck(inventory)],
        targetKey,
      );
    }

    if (spec.type === 'control-plane-install') {
      return this.result(
        ...(await planInstall(api, inventory, {
          version: spec.target.version!,
          revision: spec.revision,
          releases,
          now,
          maxRevisions: settings.maxRevisions,
        })),
        targetKey,
      );
    }

    if (spec.type === 'control-plane-removal') {
      const active = (await this.options.activeRequests?.(spec.cluster)) ?? [];
      return this.result(
        ...(await planRemoval(
          api,
          inventory,
          spec.revision,
          active.filter(
            r =>
              !(
                r.type === 'control-plane-removal' &&
                r.revision === spec.revision
              ),
          ),
        )),
        targetKey,
      );
    }

    if (spec.type === 'gateway-move') {
      const { namespace, gateway } = spec.target as Required<RequestTarget>;
      const gatewayObject = await notFoundIsUndefined(
        api.readGateway(namespace, gateway),
      );
      const prechecks = gatewayMovePrechecks({
        inventory,
        namespace,
        gateway,
        revision: spec.revision,
        protectedNamespaces: settings.protectedNamespaces,
        gatewayObject,
      });
      if (!gatewayObject) {
        throw new NotFoundError(
          `Gateway ${namespace}/${gateway} does not exist in cluster ${spec.cluster}`,
        );
      }
      const plan = planGatewayMove(
        inventory,
        { namespace, gateway, revision: spec.revision },
        {
          labels: gatewayObject.metadata?.labels ?? {},
          resourceVersion: gatewayObject.metadata?.resourceVersion,
        },
      );
      return this.result(plan, prechecks, targetKey);
    }

    const tag = spec.target.tag!;
    const objects = await readTagMoveObjects(api, tag, spec.revision);
    if (!objects.tagWebhook) {
      throw new NotFoundError(
        `Revision tag ${tag} does not exist in cluster ${spec.cluster}`,
      );
    }
    const prechecks = tagMovePrechecks({
      inventory,
      tag,
      revision: spec.revision,
      webhookObject: objects.tagWebhook,
      injector: objects.injector,
    });
    if (!objects.injector) {
      // Nothing to plan: the prechecks say why.
      return this.result(
        {
          summary: `Point tag ${tag} at ${spec.revision}`,
          toRevision: spec.revision,
          patches: [],
          waves: [],
          podsInScope: 0,
        },
        prechecks,
        targetKey,
      );
    }
    const plan = planTagMove(
      inventory,
      {
        tag,
        revision: spec.revision,
        migrateNamespaces: spec.options.migrateNamespaces,
        waveSize: spec.options.waveSize,
      },
      objects,
    );
    const revisionTag = await api.readObject(
      'IstioRevisionTag',
      undefined,
      tag,
    );
    return this.result(
      revisionTag ? sailTagMovePlan(plan, revisionTag, spec.revision) : plan,
      prechecks,
      targetKey,
    );
  }

  /** The versions a new control plane could run on a cluster, with their revision names and verdicts. */
  async revisionCandidates(cluster: string): Promise<RevisionCandidates> {
    const inventory = await this.inventory(cluster);
    const api = await this.clusterApi(cluster);
    return revisionCandidates(api, inventory, {
      releases: this.options.releases,
      now: new Date(),
      maxRevisions: this.options.settings.maxRevisions,
    });
  }

  /** Runs the prechecks of an existing plan again, before its first write. */
  async recheck(
    spec: ChangeSpec,
    options: { rollback?: boolean } = {},
  ): Promise<Precheck[]> {
    return (await this.plan(spec, options)).prechecks;
  }

  private result(
    plan: Plan,
    prechecks: Precheck[],
    targetKey: string,
  ): PlannedChange {
    return {
      plan,
      prechecks,
      passed: prechecks.every(c => c.status !== 'fail'),
      targetKey,
    };
  }
}
