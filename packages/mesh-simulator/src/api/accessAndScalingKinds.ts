import { KubeObject } from '../store/kubeObject';
import { StatusCause } from './statusErrors';

/**
 * What the API server's registry does, beyond the schema, for the `rbac.authorization.k8s.io/v1`
 * kinds (Role, ClusterRole and their bindings) and `autoscaling/v2` HorizontalPodAutoscaler:
 * their defaults (`pkg/apis/rbac/v1/defaults.go`, `pkg/apis/autoscaling/v2/defaults.go`) and the
 * validation of the fields clients get wrong (`pkg/apis/rbac/validation`,
 * `pkg/apis/autoscaling/validation`), with the real messages.
 */

const rbacGroup = 'rbac.authorization.k8s.io';

function required(field: string, detail = ''): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

function notSupported(
  field: string,
  value: unknown,
  supported: string[],
): StatusCause {
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(
      value,
    )}: supported values: ${supported.map(s => `"${s}"`).join(', ')}`,
    field,
  };
}

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

/** A binding with `roleRef.apiGroup` and its subjects' `apiGroup` defaulted. */
export function defaultBinding(object: KubeObject): KubeObject {
  const subjects = object.subjects as any[] | undefined;
  const { apiGroup, ...roleRef } = object.roleRef ?? {};
  return {
    ...object,
    roleRef: { apiGroup: apiGroup || rbacGroup, ...roleRef },
    ...(Array.isArray(subjects)
      ? {
          subjects: subjects.map(s =>
            !s?.apiGroup && ['User', 'Group'].includes(s?.kind)
              ? { ...s, apiGroup: rbacGroup }
              : s,
          ),
        }
      : {}),
  };
}

const defaultScaleUp = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const defaultScaleDown = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/**
 * A HorizontalPodAutoscaler with `minReplicas` 1, the 80% CPU metric when it names none, and a
 * given `behavior` completed with the default scaling rules. `fresh` (a create) resets the status,
 * which only the controller writes.
 */
export function defaultHorizontalPodAutoscaler(
  object: KubeObject,
  fresh: boolean,
): KubeObject {
  const spec = object.spec ?? {};
  const metrics =
    Array.isArray(spec.metrics) && spec.metrics.length > 0
      ? spec.metrics
      : [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 80 },
            },
          },
        ];
  const behavior = spec.behavior
    ? {
        ...spec.behavior,
        scaleUp: { ...defaultScaleUp, ...(spec.behavior.scaleUp ?? {}) },
        scaleDown: { ...defaultScaleDown, ...(spec.behavior.scaleDown ?? {}) },
      }
    : undefined;
  return {
    ...object,
    spec: {
      ...spec,
      minReplicas: spec.minReplicas ?? 1,
      metrics,
      ...(behavior ? { behavior } : {}),
    },
    status: fresh ? { desiredReplicas: 0 } : object.status,
  };
}

function validateSubjects(object: KubeObject, clusterScoped: boolean) {
  const causes: StatusCause[] = [];
  const subjects = object.subjects ?? [];
  if (!Array.isArray(subjects)) {
    return [invalid('subjects', subjects, 'must be a list')];
  }
  subjects.forEach((s: any, i: number) => {
    const field = `subjects[${i}]`;
    if (!s?.name) causes.push(required(`${field}.name`));
    if (s?.kind === 'ServiceAccount') {
      if (clusterScoped && !s.namespace) {
        causes.push(required(`${field}.namespace`));
      }
    } else if (!['User', 'Group'].includes(s?.kind)) {
      causes.push(
        notSupported(`${field}.kind`, s?.kind ?? '', [
          'ServiceAccount',
          'User',
          'Group',
        ]),
      );
    }
  });
  return causes;
}

/** Why a Role, ClusterRole or binding is invalid, if it is. */
export function rbacCauses(
  resource: string,
  object: KubeObject,
): StatusCause[] {
  if (resource === 'roles' || resource === 'clusterroles') {
    const rules = object.rules ?? [];
    if (!Array.isArray(rules))
      return [invalid('rules', rules, 'must be a list')];
    const causes: StatusCause[] = [];
    rules.forEach((rule: any, i: number) => {
      if (!Array.isArray(rule?.verbs) || rule.verbs.length === 0) {
        causes.push(
          required(
            `rules[${i}].verbs`,
            'verbs must contain at least one value',
          ),
        );
      }
      const urls = rule?.nonResourceURLs ?? [];
      if (urls.length > 0 && resource === 'roles') {
        causes.push(
          invalid(
            `rules[${i}].nonResourceURLs`,
            urls,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      }
      if (urls.length === 0 && !Array.isArray(rule?.apiGroups)) {
        causes.push(
          required(
            `rules[${i}].apiGroups`,
            'resource rules must supply at least one api group',
          ),
        );
      }
      if (urls.length === 0 && !(rule?.resources?.length > 0)) {
        causes.push(
          required(
            `rules[${i}].resources`,
            'resource rules must supply at least one resource',
          ),
        );
      }
    });
    return causes;
  }
  const causes: StatusCause[] = [];
  const ref = object.roleRef ?? {};
  const kinds =
    resource === 'rolebindings' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  // Checked before the defaults apply here, so a missing group is the defaulted one.
  if ((ref.apiGroup || rbacGroup) !== rbacGroup) {
    causes.push(
      notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]),
    );
  }
  if (!kinds.includes(ref.kind)) {
    causes.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  }
  if (!ref.name) causes.push(required('roleRef.name'));
  causes.push(...validateSubjects(object, resource === 'clusterrolebindings'));
  return causes;
}

/** The binding update the registry refuses: a changed `roleRef`. */
export function bindingUpdateCauses(
  previous: KubeObject,
  next: KubeObject,
): StatusCause[] {
  return JSON.stringify(previous.roleRef) === JSON.stringify(next.roleRef)
    ? []
    : [invalid('roleRef', next.roleRef ?? null, 'cannot change roleRef')];
}

/** Why a HorizontalPodAutoscaler is invalid, if it is. */
export function horizontalPodAutoscalerCauses(
  object: KubeObject,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec ?? {};
  const target = spec.scaleTargetRef ?? {};
  if (!target.kind) causes.push(required('spec.scaleTargetRef.kind'));
  if (!target.name) causes.push(required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas ?? 1;
  if (!Number.isInteger(min) || min < 1) {
    causes.push(
      invalid('spec.minReplicas', min, 'must be greater than or equal to 1'),
    );
  }
  const max = spec.maxReplicas;
  if (!Number.isInteger(max) || max < 1) {
    causes.push(
      invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'),
    );
  } else if (Number.isInteger(min) && max < min) {
    causes.push(
      invalid(
        'spec.maxReplicas',
        max,
        'must be greater than or equal to `minReplicas`',
      ),
    );
  }
  return causes;
}
