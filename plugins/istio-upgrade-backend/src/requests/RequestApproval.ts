import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ANNOTATION } from '@backstage/plugin-kubernetes-common';
import {
  matchesLabelSelector,
  parseLabelSelector,
  RequestType,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Actor, RequestAuthorizer } from '../permissions/RequestAuthorizer';
import { RequestSettings } from './requestConfig';
import { ChangeSpec, RequestPlanner } from './RequestPlanner';

/** Workloads a namespace migration restarts that are not the entity's, and their owners. */
export interface SharedWorkloads {
  workloads: string[];
  owners: string[];
}

/** Whether a person must approve a request, and why (one line). */
export interface Approval {
  required: boolean;
  reason: string;
}

/**
 * Who must approve a request: the approval policy of its type from config, services that config does
 * not trust, and, for a migration asked for an entity, the owners of the entity and of the other
 * workloads the migration restarts.
 */
export class RequestApproval {
  constructor(
    private readonly options: {
      planner: RequestPlanner;
      catalog: CatalogService;
      authorizer: RequestAuthorizer;
      settings: RequestSettings;
    },
  ) {}

  /** The owners of workloads, through the catalog entities whose kubernetes-id they carry. */
  private async ownersById(
    ids: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, string[]>> {
    const ownersById = new Map<string, string[]>();
    if (ids.length === 0) return ownersById;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: ids.map(id => ({
          [`metadata.annotations.${KUBERNETES_ANNOTATION}`]: id,
        })),
        fields: ['metadata.annotations', 'relations'],
      },
      { credentials },
    );
    for (const entity of items) {
      const id = entity.metadata.annotations?.[KUBERNETES_ANNOTATION];
      if (!id) continue;
      const owners = (entity.relations ?? [])
        .filter(r => r.type === RELATION_OWNED_BY)
        .map(r => r.targetRef);
      ownersById.set(id, [...(ownersById.get(id) ?? []), ...owners]);
    }
    return ownersById;
  }

  /**
   * For a migration of a namespace asked for an entity, restarting the whole namespace: the namespace's
   * workloads that are neither the entity's nor owned by the one asking (through the catalog entities
   * they belong to; a workload of no entity counts as someone else's), and the owners of those. Those
   * owners, or an approver, approve such a request; restartScope `entity` restarts only the entity's.
   */
  async sharedWith(
    spec: ChangeSpec,
    actor: Actor,
    credentials: BackstageCredentials,
  ): Promise<SharedWorkloads | undefined> {
    const namespace = spec.target.namespace;
    if (
      spec.type !== 'namespace-migration' ||
      !spec.entitySelector ||
      !namespace ||
      spec.options.restartScope !== 'namespace'
    ) {
      return undefined;
    }
    const selector = parseLabelSelector(spec.entitySelector);
    const inventory = await this.options.planner.inventory(spec.cluster);
    const others = inventory.workloads.filter(
      w =>
        w.namespace === namespace &&
        !matchesLabelSelector(selector, w.labels) &&
        !matchesLabelSelector(selector, w.podLabels),
    );
    if (others.length === 0) return undefined;
    const idOf = (w: Workload) =>
      w.labels[KUBERNETES_ANNOTATION] ?? w.podLabels[KUBERNETES_ANNOTATION];
    const ids = [...new Set(others.map(idOf).filter(Boolean))] as string[];
    const ownersById = await this.ownersById(ids, credentials);
    const mine = new Set(await this.options.authorizer.ownership(actor));
    const shared = others
      .map(w => ({ w, owners: ownersById.get(idOf(w) ?? '') ?? [] }))
      .filter(({ owners }) => !owners.some(o => mine.has(o)));
    if (shared.length === 0) return undefined;
    return {
      workloads: shared.map(({ w }) => `${w.kind}/${w.name}`).sort(),
      owners: [...new Set(shared.flatMap(({ owners }) => owners))].sort(),
    };
  }

  /** Whether a person must approve, and why (one line). */
  async approvalFor(
    type: RequestType,
    actor: Actor,
    entity: Entity | undefined,
    shared?: SharedWorkloads,
  ): Promise<Approval> {
    if (!actor.isUser && !actor.trusted) {
      return {
        required: true,
        reason: `asked by service ${actor.ref}: a person must approve`,
      };
    }
    const policy = this.options.settings.approval[type];
    if (policy === 'always')
      return { required: true, reason: `every ${type} needs approval` };
    if (policy === 'never')
      return { required: false, reason: `${type}s need no approval` };
    if (type === 'namespace-migration' && !entity) {
      return {
        required: false,
        reason: 'asked with the permission to migrate any namespace',
      };
    }
    const entityName = entity ? stringifyEntityRef(entity) : 'the entity';
    if (shared) return sharedApproval(entityName, shared);
    const owners = (entity?.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef);
    const mine = await this.options.authorizer.ownership(actor);
    return owners.some(o => mine.includes(o))
      ? { required: false, reason: `asked by an owner of ${entityName}` }
      : {
          required: true,
          reason: `asked by someone who does not own ${entityName}`,
        };
  }
}

/** A migration that restarts other people's workloads waits for them or an approver. */
function sharedApproval(entityName: string, shared: SharedWorkloads): Approval {
  const listed = shared.workloads.slice(0, 5).join(', ');
  const more =
    shared.workloads.length > 5
      ? ` and ${shared.workloads.length - 5} more`
      : '';
  return {
    required: true,
    reason: `the namespace also runs workloads that are not ${entityName}'s (${listed}${more}): ${
      shared.owners.length ? `${shared.owners.join(', ')} or ` : ''
    }an approver must approve; restartScope entity restarts only yours`,
  };
}
