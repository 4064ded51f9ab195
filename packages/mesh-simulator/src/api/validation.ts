import { sailUpdateCauses, sailValidationCauses } from '../sail/sailValidation';
import { KubeObject } from '../store/kubeObject';
import {
  bindingUpdateCauses,
  horizontalPodAutoscalerCauses,
  rbacCauses,
} from './accessAndScalingKinds';
import { ResourceType, typeKey } from './resourceTypes';
import { labelSelectorObjectMatches } from './selectors';
import { invalid, StatusCause } from './statusErrors';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Types whose names must be DNS-1123 labels rather than subdomains. */
const labelNamedTypes = new Set(['namespaces']);

const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function invalidValue(
  field: string,
  value: unknown,
  detail: string,
): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

/** Checks a name as the API server does for a type; returns the causes of failure. */
export function validateName(
  rt: ResourceType,
  name: string,
  field = 'metadata.name',
): StatusCause[] {
  if (rt.resource === 'services') {
    if (name.length > 63 || !dns1035Label.test(name)) {
      return [
        invalidValue(
          field,
          name,
          name.length > 63
            ? 'must be no more than 63 characters'
            : dns1035Message,
        ),
      ];
    }
    return [];
  }
  if (labelNamedTypes.has(rt.resource)) {
    if (name.length > 63 || !dns1123Label.test(name)) {
      return [
        invalidValue(
          field,
          name,
          name.length > 63
            ? 'must be no more than 63 characters'
            : labelMessage,
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [
      invalidValue(
        field,
        name,
        name.length > 253
          ? 'must be no more than 253 characters'
          : subdomainMessage,
      ),
    ];
  }
  return [];
}

function validateQualifiedKey(key: string, field: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const causes: StatusCause[] = [];
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !dns1123Subdomain.test(prefix))
  ) {
    causes.push(invalidValue(field, key, `prefix part ${subdomainMessage}`));
  }
  if (name.length === 0 || name.length > 63 || !qualifiedNamePart.test(name)) {
    causes.push(
      invalidValue(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  }
  return causes;
}

function validateLabels(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return [invalidValue(field, labels, 'must be a map of strings')];
  }
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    causes.push(...validateQualifiedKey(k, field));
    if (typeof v !== 'string' || v.length > 63 || !labelValue.test(v)) {
      causes.push(
        invalidValue(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return causes;
}

function validateAnnotations(
  annotations: unknown,
  field: string,
): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [invalidValue(field, annotations, 'must be a map of strings')];
  }
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    causes.push(...validateQualifiedKey(k.toLowerCase(), field));
    if (typeof v !== 'string') {
      causes.push(invalidValue(field, v, 'must be a string'));
    } else {
      size += k.length + v.length;
    }
  }
  if (size > 256 * 1024) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: must have at most 262144 bytes',
      field,
    });
  }
  return causes;
}

function validateContainers(containers: unknown, field: string): StatusCause[] {
  if (!Array.isArray(containers) || containers.length === 0) {
    return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
  }
  const causes: StatusCause[] = [];
  containers.forEach((c: any, i: number) => {
    if (typeof c?.name !== 'string' || !dns1123Label.test(c.name)) {
      causes.push(invalidValue(`${field}[${i}].name`, c?.name, labelMessage));
    }
    if (typeof c?.image !== 'string' || c.image.length === 0) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${field}[${i}].image`,
      });
    }
  });
  return causes;
}

function validatePodSpec(spec: any, field: string): StatusCause[] {
  if (!spec || typeof spec !== 'object') {
    return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
  }
  return validateContainers(spec.containers, `${field}.containers`);
}

function validateWorkload(object: KubeObject, kind: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec;
  if (!spec?.selector) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.selector',
    });
  } else if (
    !labelSelectorObjectMatches(spec.selector, spec.template?.metadata?.labels)
  ) {
    causes.push(
      invalidValue(
        'spec.template.metadata.labels',
        spec.template?.metadata?.labels ?? {},
        '`selector` does not match template `labels`',
      ),
    );
  }
  if (
    spec?.replicas !== undefined &&
    (!Number.isInteger(spec.replicas) || spec.replicas < 0)
  ) {
    causes.push(
      invalidValue(
        'spec.replicas',
        spec.replicas,
        'must be greater than or equal to 0',
      ),
    );
  }
  causes.push(
    ...validateLabels(
      spec?.template?.metadata?.labels,
      'spec.template.metadata.labels',
    ),
  );
  causes.push(...validatePodSpec(spec?.template?.spec, 'spec.template.spec'));
  if (
    kind === 'Deployment' &&
    spec?.strategy?.type &&
    !['RollingUpdate', 'Recreate'].includes(spec.strategy.type)
  ) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${spec.strategy.type}": supported values: "Recreate", "RollingUpdate"`,
      field: 'spec.strategy.type',
    });
  }
  return causes;
}

function validateService(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (
    !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)
  ) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
      field: 'spec.type',
    });
  }
  const ports = spec.ports ?? [];
  if (!Array.isArray(ports)) {
    return [invalidValue('spec.ports', ports, 'must be a list')];
  }
  if (
    ports.length === 0 &&
    type !== 'ExternalName' &&
    spec.clusterIP !== 'None'
  ) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.ports',
    });
  }
  ports.forEach((p: any, i: number) => {
    if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) {
      causes.push(
        invalidValue(
          `spec.ports[${i}].port`,
          p?.port,
          'must be between 1 and 65535, inclusive',
        ),
      );
    }
    if (ports.length > 1 && !p?.name) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `spec.ports[${i}].name`,
      });
    }
  });
  if (spec.selector !== undefined) {
    causes.push(...validateLabels(spec.selector, 'spec.selector'));
  }
  return causes;
}

/**
 * Checks admission webhooks as the admissionregistration strategy does for the fields that have no
 * default in v1: `sideEffects` and `admissionReviewVersions`.
 */
function validateWebhooks(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const webhooks = object.webhooks ?? [];
  if (!Array.isArray(webhooks)) {
    return [invalidValue('webhooks', webhooks, 'must be a list')];
  }
  webhooks.forEach((w: any, i: number) => {
    const field = `webhooks[${i}]`;
    if (typeof w?.name !== 'string' || w.name.length === 0) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${field}.name`,
      });
    }
    if (w?.sideEffects === undefined || w?.sideEffects === null) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: must specify one of None, NoneOnDryRun',
        field: `${field}.sideEffects`,
      });
    } else if (!['None', 'NoneOnDryRun'].includes(w.sideEffects)) {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(
          w.sideEffects,
        )}: supported values: "None", "NoneOnDryRun"`,
        field: `${field}.sideEffects`,
      });
    }
    if (
      !Array.isArray(w?.admissionReviewVersions) ||
      w.admissionReviewVersions.length === 0
    ) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: must specify one of v1, v1beta1',
        field: `${field}.admissionReviewVersions`,
      });
    }
  });
  return causes;
}

/**
 * Checks fields an update may not change (workload selectors), answering 422 as the API
 * server does.
 */
export function validateUpdate(
  rt: ResourceType,
  previous: KubeObject,
  next: KubeObject,
): void {
  const transitions = sailUpdateCauses(rt, previous, next);
  if (transitions.length > 0) {
    throw invalid(rt.kind, next.metadata.name, rt.group, transitions);
  }
  const roleRefChange =
    rt.group === 'rbac.authorization.k8s.io' && rt.resource.endsWith('bindings')
      ? bindingUpdateCauses(previous, next)
      : [];
  if (roleRefChange.length > 0) {
    throw invalid(rt.kind, next.metadata.name, rt.group, roleRefChange);
  }
  const workload =
    ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(
      rt.resource,
    ) && rt.group === 'apps';
  if (
    workload &&
    JSON.stringify(previous.spec?.selector) !==
      JSON.stringify(next.spec?.selector)
  ) {
    throw invalid(rt.kind, next.metadata.name, rt.group, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(
          next.spec?.selector ?? null,
        )}: field is immutable`,
        field: 'spec.selector',
      },
    ]);
  }
}

/**
 * Validates an object before it is stored, as the real registry strategies do for the
 * fields the simulator understands; throws a 422 Invalid Status with its causes.
 */
export function validateObject(rt: ResourceType, object: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else {
    causes.push(...validateName(rt, name));
  }
  causes.push(...validateLabels(object.metadata?.labels, 'metadata.labels'));
  causes.push(
    ...validateAnnotations(
      object.metadata?.annotations,
      'metadata.annotations',
    ),
  );
  switch (typeKey(rt)) {
    case 'pods':
      causes.push(...validatePodSpec(object.spec, 'spec'));
      break;
    case 'deployments.apps':
    case 'replicasets.apps':
    case 'statefulsets.apps':
    case 'daemonsets.apps':
      causes.push(...validateWorkload(object, rt.kind));
      break;
    case 'services':
      causes.push(...validateService(object));
      break;
    case 'mutatingwebhookconfigurations.admissionregistration.k8s.io':
    case 'validatingwebhookconfigurations.admissionregistration.k8s.io':
      causes.push(...validateWebhooks(object));
      break;
    case 'roles.rbac.authorization.k8s.io':
    case 'clusterroles.rbac.authorization.k8s.io':
    case 'rolebindings.rbac.authorization.k8s.io':
    case 'clusterrolebindings.rbac.authorization.k8s.io':
      causes.push(...rbacCauses(rt.resource, object));
      break;
    case 'horizontalpodautoscalers.autoscaling':
      causes.push(...horizontalPodAutoscalerCauses(object));
      break;
    default:
      // The Sail CRDs' schema and CEL rules (nothing for other types).
      causes.push(...sailValidationCauses(rt, object));
      break;
  }
  if (causes.length > 0) {
    throw invalid(
      rt.kind,
      typeof name === 'string' ? name : '',
      rt.group,
      causes,
    );
  }
}
