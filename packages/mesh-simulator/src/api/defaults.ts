import { applySailDefaults } from '../sail/sailValidation';
import {
  defaultBinding,
  defaultHorizontalPodAutoscaler,
} from './accessAndScalingKinds';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { typeKey, ResourceType } from './resourceTypes';

/**
 * The tag of an image reference as Kubernetes' `parsers.ParseImageName` reads it: `latest` when the
 * reference has neither a tag nor a digest (`auto`, `nginx`), empty for a digest alone.
 */
function imageTagForPullPolicy(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  return tag === '' && at < 0 ? 'latest' : tag;
}

/**
 * A container's defaults (`SetDefaults_Container` of `pkg/apis/core/v1`): `imagePullPolicy`
 * `Always` for the tag `latest` (or no tag), `IfNotPresent` otherwise, and the termination message.
 */
export function defaultContainer(c: JsonObject): JsonObject {
  return {
    ...c,
    imagePullPolicy:
      c.imagePullPolicy ??
      (imageTagForPullPolicy(String(c.image ?? '')) === 'latest'
        ? 'Always'
        : 'IfNotPresent'),
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    resources: c.resources ?? {},
    ...(c.ports
      ? {
          ports: c.ports.map((p: JsonObject) => ({
            ...p,
            protocol: p.protocol ?? 'TCP',
          })),
        }
      : {}),
  };
}

/** Fills a pod spec's defaults as the API server's defaulting does. */
export function defaultPodSpec(spec: JsonObject | undefined): JsonObject {
  const s = spec ?? {};
  return {
    ...s,
    containers: (s.containers ?? []).map(defaultContainer),
    ...(s.initContainers
      ? { initContainers: s.initContainers.map(defaultContainer) }
      : {}),
    restartPolicy: s.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: s.dnsPolicy ?? 'ClusterFirst',
    serviceAccountName: s.serviceAccountName ?? 'default',
    serviceAccount: s.serviceAccountName ?? s.serviceAccount ?? 'default',
    securityContext: s.securityContext ?? {},
    schedulerName: s.schedulerName ?? 'default-scheduler',
    enableServiceLinks: s.enableServiceLinks ?? true,
    preemptionPolicy: s.preemptionPolicy ?? 'PreemptLowerPriority',
    priority: s.priority ?? 0,
    tolerations: s.tolerations ?? [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  };
}

/**
 * A pod template's defaults: `SetDefaults_PodSpec` only. `enableServiceLinks` (`SetDefaults_Pod`),
 * `priority` and `preemptionPolicy` (the Priority admission plugin) and the not-ready/unreachable
 * tolerations (DefaultTolerationSeconds) are given to pods, not to templates.
 */
function defaultTemplateSpec(spec: JsonObject | undefined): JsonObject {
  const {
    tolerations: _tolerations,
    enableServiceLinks: _links,
    priority: _priority,
    preemptionPolicy: _preemption,
    ...rest
  } = defaultPodSpec(spec);
  return {
    ...rest,
    ...(spec?.tolerations ? { tolerations: spec.tolerations } : {}),
    ...(spec?.enableServiceLinks !== undefined
      ? { enableServiceLinks: spec.enableServiceLinks }
      : {}),
    ...(spec?.priority !== undefined ? { priority: spec.priority } : {}),
    ...(spec?.preemptionPolicy !== undefined
      ? { preemptionPolicy: spec.preemptionPolicy }
      : {}),
  };
}

function defaultWorkload(tk: string, o: KubeObject): KubeObject {
  const spec = o.spec ?? {};
  const template = {
    ...(spec.template ?? {}),
    spec: defaultTemplateSpec(spec.template?.spec),
  };
  template.metadata = { ...(template.metadata ?? {}) };
  const base = {
    ...spec,
    template,
    replicas: spec.replicas ?? 1,
    revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
  };
  switch (tk) {
    case 'deployments.apps':
      return {
        ...o,
        spec: {
          ...base,
          progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
          strategy:
            spec.strategy?.type === 'Recreate'
              ? { type: 'Recreate' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    maxSurge: '25%',
                    maxUnavailable: '25%',
                    ...(spec.strategy?.rollingUpdate ?? {}),
                  },
                },
        },
        status: o.status ?? {},
      };
    case 'statefulsets.apps':
      return {
        ...o,
        spec: {
          ...base,
          serviceName: spec.serviceName ?? o.metadata.name,
          podManagementPolicy: spec.podManagementPolicy ?? 'OrderedReady',
          updateStrategy:
            spec.updateStrategy?.type === 'OnDelete'
              ? { type: 'OnDelete' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    partition: 0,
                    ...(spec.updateStrategy?.rollingUpdate ?? {}),
                  },
                },
          persistentVolumeClaimRetentionPolicy:
            spec.persistentVolumeClaimRetentionPolicy ?? {
              whenDeleted: 'Retain',
              whenScaled: 'Retain',
            },
        },
        status: o.status ?? { replicas: 0, availableReplicas: 0 },
      };
    case 'daemonsets.apps': {
      const { replicas: _r, ...dsSpec } = base;
      return {
        ...o,
        spec: {
          ...dsSpec,
          updateStrategy:
            spec.updateStrategy?.type === 'OnDelete'
              ? { type: 'OnDelete' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    maxUnavailable: 1,
                    maxSurge: 0,
                    ...(spec.updateStrategy?.rollingUpdate ?? {}),
                  },
                },
        },
        status: o.status ?? {
          currentNumberScheduled: 0,
          numberMisscheduled: 0,
          desiredNumberScheduled: 0,
          numberReady: 0,
        },
      };
    }
    default:
      return { ...o, spec: base, status: o.status ?? { replicas: 0 } };
  }
}

/**
 * The admission webhook defaults of admissionregistration.k8s.io/v1. `sideEffects` and
 * `admissionReviewVersions` have none (they are required); `reinvocationPolicy` is a field of
 * mutating webhooks only.
 */
function defaultWebhooks(o: KubeObject, mutating: boolean): KubeObject {
  return {
    ...o,
    webhooks: (o.webhooks ?? []).map((w: JsonObject) => ({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      ...(mutating ? { reinvocationPolicy: 'Never' } : {}),
      timeoutSeconds: 10,
      ...w,
      clientConfig: w.clientConfig?.service
        ? {
            ...w.clientConfig,
            service: { port: 443, ...w.clientConfig.service },
          }
        : w.clientConfig,
    })),
  };
}

/**
 * Applies the defaults the real API server fills on create, so objects read back look as
 * they would from a real cluster. `allocateClusterIP` hands out Service addresses.
 */
export function applyCreateDefaults(
  rt: ResourceType,
  object: KubeObject,
  allocateClusterIP: () => string,
): KubeObject {
  const tk = typeKey(rt);
  switch (tk) {
    case 'namespaces':
      return {
        ...object,
        metadata: {
          ...object.metadata,
          labels: {
            ...(object.metadata.labels ?? {}),
            'kubernetes.io/metadata.name': object.metadata.name,
          },
        },
        spec: { finalizers: ['kubernetes'], ...(object.spec ?? {}) },
        status: { phase: 'Active' },
      };
    case 'pods':
      return {
        ...object,
        spec: defaultPodSpec(object.spec),
        status: object.status?.phase
          ? object.status
          : { phase: 'Pending', qosClass: 'BestEffort' },
      };
    case 'deployments.apps':
    case 'replicasets.apps':
    case 'statefulsets.apps':
    case 'daemonsets.apps':
      return defaultWorkload(tk, object);
    case 'services': {
      const spec = object.spec ?? {};
      const type = spec.type ?? 'ClusterIP';
      const clusterIP =
        spec.clusterIP ??
        (type === 'ExternalName' ? undefined : allocateClusterIP());
      let nodePort = 30000 + Math.floor(Math.random() * 2000);
      return {
        ...object,
        spec: {
          ...spec,
          type,
          ...(clusterIP ? { clusterIP, clusterIPs: [clusterIP] } : {}),
          sessionAffinity: spec.sessionAffinity ?? 'None',
          ipFamilies: spec.ipFamilies ?? ['IPv4'],
          ipFamilyPolicy: spec.ipFamilyPolicy ?? 'SingleStack',
          internalTrafficPolicy: spec.internalTrafficPolicy ?? 'Cluster',
          ...(type === 'LoadBalancer' || type === 'NodePort'
            ? { externalTrafficPolicy: spec.externalTrafficPolicy ?? 'Cluster' }
            : {}),
          ...(type === 'LoadBalancer'
            ? {
                allocateLoadBalancerNodePorts:
                  spec.allocateLoadBalancerNodePorts ?? true,
              }
            : {}),
          ports: (spec.ports ?? []).map((p: JsonObject) => ({
            ...p,
            protocol: p.protocol ?? 'TCP',
            targetPort: p.targetPort ?? p.port,
            ...(type === 'LoadBalancer' || type === 'NodePort'
              ? { nodePort: p.nodePort ?? nodePort++ }
              : {}),
          })),
        },
        status: object.status ?? { loadBalancer: {} },
      };
    }
    case 'mutatingwebhookconfigurations.admissionregistration.k8s.io':
      return defaultWebhooks(object, true);
    case 'validatingwebhookconfigurations.admissionregistration.k8s.io':
      return defaultWebhooks(object, false);
    case 'gateways.gateway.networking.k8s.io':
      return defaultGateway(object);
    case 'poddisruptionbudgets.policy':
      return {
        ...object,
        status: object.status ?? {
          disruptionsAllowed: 0,
          currentHealthy: 0,
          desiredHealthy: 0,
          expectedPods: 0,
        },
      };
    case 'rolebindings.rbac.authorization.k8s.io':
    case 'clusterrolebindings.rbac.authorization.k8s.io':
      return defaultBinding(object);
    case 'horizontalpodautoscalers.autoscaling':
      return defaultHorizontalPodAutoscaler(object, true);
    default:
      // Sail's CRDs' schema defaults (nothing for other types).
      return applySailDefaults(tk, object);
  }
}

/**
 * The Gateway API CRD's schema defaults for a Gateway: each listener's `allowedRoutes` is
 * `{namespaces: {from: Same}}` (and `namespaces.from` is `Same`) unless set.
 */
function defaultGateway(object: KubeObject): KubeObject {
  const listeners = object.spec?.listeners;
  if (!Array.isArray(listeners)) return object;
  return {
    ...object,
    spec: {
      ...object.spec,
      listeners: listeners.map((l: JsonObject) => {
        const allowed = l.allowedRoutes ?? {};
        return {
          ...l,
          allowedRoutes: {
            ...allowed,
            namespaces: { from: 'Same', ...(allowed.namespaces ?? {}) },
          },
        };
      }),
    },
  };
}

/** Defaults re-applied on update so a client that drops a defaulted field does not erase it. */
export function applyUpdateDefaults(
  rt: ResourceType,
  object: KubeObject,
): KubeObject {
  const tk = typeKey(rt);
  if (
    tk === 'deployments.apps' ||
    tk === 'statefulsets.apps' ||
    tk === 'daemonsets.apps' ||
    tk === 'replicasets.apps'
  ) {
    return defaultWorkload(tk, object);
  }
  if (tk.startsWith('mutatingwebhookconfigurations')) {
    return defaultWebhooks(object, true);
  }
  if (tk.startsWith('validatingwebhookconfigurations')) {
    return defaultWebhooks(object, false);
  }
  if (tk === 'gateways.gateway.networking.k8s.io') {
    return defaultGateway(object);
  }
  if (tk.endsWith('bindings.rbac.authorization.k8s.io')) {
    return defaultBinding(object);
  }
  if (tk === 'horizontalpodautoscalers.autoscaling') {
    return defaultHorizontalPodAutoscaler(object, false);
  }
  return applySailDefaults(tk, object);
}
