import { Entity } from '@backstage/catalog-model';
import { CreateRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { entitySelection } from '../catalog/entitySelection';
import { RequestSettings } from './requestConfig';
import { ChangeSpec } from './RequestPlanner';

/** What a request asks to change, as a body or a stored request says it. */
export type AskedChange = Pick<
  CreateRequest,
  'type' | 'cluster' | 'revision' | 'target' | 'options'
>;

/**
 * What a request asks for, its options filled in from the configured defaults; for an entity, the
 * label selector of its workloads.
 */
export function changeSpec(
  body: AskedChange,
  defaults: RequestSettings['defaults'],
  entity?: Entity,
): ChangeSpec {
  const o = body.options ?? {};
  return {
    type: body.type,
    cluster: body.cluster,
    revision: body.revision,
    target: body.target,
    entitySelector: entity ? entitySelection(entity)?.selector : undefined,
    options: {
      waveSize: o.waveSize ?? defaults.waveSize,
      pauseBetweenWavesSeconds:
        o.pauseBetweenWavesSeconds ?? defaults.pauseBetweenWavesSeconds,
      restartScope: o.restartScope ?? defaults.restartScope,
      rollbackOnFailure: o.rollbackOnFailure ?? defaults.rollbackOnFailure,
      watchWindowSeconds: o.watchWindowSeconds ?? defaults.watchWindowSeconds,
      migrateNamespaces: o.migrateNamespaces ?? defaults.migrateNamespaces,
    },
  };
}
