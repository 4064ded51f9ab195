import { JsonObject } from '../store/kubeObject';

/**
 * The field order of a Go struct of `k8s.io/api/core/v1` (types.go of Kubernetes 1.34), and the
 * structs its fields hold. Go's `encoding/json` writes a struct's fields in declaration order and a
 * map's keys sorted, which is what Istio's injector writes into annotations such as
 * `proxy.istio.io/overrides` (`json.Marshal` of containers) and the env `ISTIO_META_POD_PORTS`.
 */
interface GoStruct {
  fields: string[];
  nested?: Record<string, GoStruct>;
}

const objectFieldSelector: GoStruct = { fields: ['apiVersion', 'fieldPath'] };
const resourceFieldSelector: GoStruct = {
  fields: ['containerName', 'resource', 'divisor'],
};
const keySelector: GoStruct = { fields: ['name', 'key', 'optional'] };
const envVarSource: GoStruct = {
  fields: [
    'fieldRef',
    'resourceFieldRef',
    'configMapKeyRef',
    'secretKeyRef',
    'fileKeyRef',
  ],
  nested: {
    fieldRef: objectFieldSelector,
    resourceFieldRef: resourceFieldSelector,
    configMapKeyRef: keySelector,
    secretKeyRef: keySelector,
  },
};
const httpGetAction: GoStruct = {
  fields: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
};
const execAction: GoStruct = { fields: ['command'] };
const tcpSocketAction: GoStruct = { fields: ['port', 'host'] };
const probe: GoStruct = {
  // ProbeHandler is embedded (inline): its fields come first.
  fields: [
    'exec',
    'httpGet',
    'tcpSocket',
    'grpc',
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
    'terminationGracePeriodSeconds',
  ],
  nested: {
    exec: execAction,
    httpGet: httpGetAction,
    tcpSocket: tcpSocketAction,
  },
};
const lifecycleHandler: GoStruct = {
  fields: ['exec', 'httpGet', 'tcpSocket', 'sleep'],
  nested: {
    exec: execAction,
    httpGet: httpGetAction,
    tcpSocket: tcpSocketAction,
  },
};

/** `ContainerPort`. */
export const goContainerPort: GoStruct = {
  fields: ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'],
};

/** `Container`. */
export const goContainer: GoStruct = {
  fields: [
    'name',
    'image',
    'command',
    'args',
    'workingDir',
    'ports',
    'envFrom',
    'env',
    'resources',
    'resizePolicy',
    'restartPolicy',
    'restartPolicyRules',
    'volumeMounts',
    'volumeDevices',
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
    'lifecycle',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'imagePullPolicy',
    'securityContext',
    'stdin',
    'stdinOnce',
    'tty',
  ],
  nested: {
    ports: goContainerPort,
    env: {
      fields: ['name', 'value', 'valueFrom'],
      nested: { valueFrom: envVarSource },
    },
    resources: { fields: ['limits', 'requests', 'claims'] },
    volumeMounts: {
      fields: [
        'name',
        'readOnly',
        'recursiveReadOnly',
        'mountPath',
        'subPath',
        'mountPropagation',
        'subPathExpr',
      ],
    },
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: {
      fields: ['postStart', 'preStop', 'stopSignal'],
      nested: { postStart: lifecycleHandler, preStop: lifecycleHandler },
    },
    securityContext: {
      fields: [
        'capabilities',
        'privileged',
        'seLinuxOptions',
        'windowsOptions',
        'runAsUser',
        'runAsGroup',
        'runAsNonRoot',
        'readOnlyRootFilesystem',
        'allowPrivilegeEscalation',
        'procMount',
        'seccompProfile',
        'appArmorProfile',
      ],
      nested: { capabilities: { fields: ['add', 'drop'] } },
    },
  },
};

function ordered(value: unknown, struct: GoStruct | undefined): unknown {
  if (Array.isArray(value)) return value.map(v => ordered(v, struct));
  if (value === null || typeof value !== 'object') return value;
  const object = value as JsonObject;
  // A struct's fields in declaration order; a map's (or an unknown struct's) keys sorted.
  const keys = struct
    ? [
        ...struct.fields.filter(k => k in object),
        ...Object.keys(object)
          .filter(k => !struct.fields.includes(k))
          .sort(),
      ]
    : Object.keys(object).sort();
  const out: JsonObject = {};
  for (const key of keys) {
    if (object[key] === undefined) continue;
    out[key] = ordered(object[key], struct?.nested?.[key]);
  }
  return out;
}

/** `json.Marshal` of a value of the given Go struct, as Istio's injector (Go) writes it. */
export function goJson(value: unknown, struct: GoStruct): string {
  return JSON.stringify(ordered(value, struct));
}
