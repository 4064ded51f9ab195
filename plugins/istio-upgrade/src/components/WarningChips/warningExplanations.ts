import { InventoryWarningCode } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * Why each warning matters and what to do about it, shown under the backend's own message.
 * Keyed by the warnings' stable codes; an unknown code shows the message alone.
 */
export const WARNING_EXPLANATIONS: Record<InventoryWarningCode, string> = {
  'end-of-life':
    'This Istio minor no longer receives security fixes. Move its namespaces to a supported revision.',
  'end-of-life-soon':
    'Support for this Istio minor ends soon. Plan the move to a newer revision.',
  'unsupported-skew':
    'The proxies and their control plane are further apart than Istio supports (the control plane may be at most one minor ahead of its proxies, never behind). Restart the workloads onto a matching revision.',
  'proxy-detached':
    'These sidecars run a revision whose control plane is gone, so they receive no configuration updates. Restart them onto an existing revision.',
  'control-plane-external':
    'The sidecars of this revision are served by an istiod outside the cluster (an external or remote control plane), through a URL webhook. They are attached; its version and readiness are not visible from this cluster.',
  drift:
    'Some pods run another revision than their namespace asks for; they keep the old proxy until restarted. A migration (or a rolling restart) moves them.',
  'conflicting-injection-labels':
    'The namespace has both istio-injection and istio.io/rev; istio-injection wins. Remove one so that the revision is unambiguous.',
  'tag-missing-revision':
    'A revision tag points at a revision that has no control plane, so namespaces using the tag get no sidecar. Move the tag.',
  'namespace-revision-missing':
    'The namespace asks for a revision that has no control plane: new pods start without a sidecar.',
  'gateway-service-no-ready-pod':
    'A LoadBalancer Service selects no ready gateway pod: ingress traffic through it fails.',
  'control-plane-not-ready':
    'istiod for this revision is not ready: sidecars may lose their configuration and new pods may not be injected.',
  'injector-missing':
    'This revision has no injector webhook, so pods asking for it start without a sidecar.',
  'revision-removable':
    'Nothing uses this revision any more: no pod, namespace, tag or gateway. It can be uninstalled.',
  'ambient-namespace':
    'The namespace uses ambient mode; sidecar revisions do not apply and it is not migrated.',
  'uninjected-pods':
    'Pods in an injected namespace run without a sidecar (opted out, or started before injection was enabled).',
};

/** The explanation of a warning code, when it is known. */
export function explainWarning(code: string): string | undefined {
  return (WARNING_EXPLANATIONS as Record<string, string>)[code];
}
