/**
 * Which injector a new pod is sent to, decided only from labels, following Istio's
 * documented rules (written here independently of the plugins):
 *
 * - A pod labelled `sidecar.istio.io/inject=false` is never injected.
 * - Ambient namespaces (`istio.io/dataplane-mode=ambient`) get no sidecars.
 * - A namespace label `istio-injection` wins over `istio.io/rev`: `enabled` sends the pod to the
 *   default injector (the `default` revision tag, or the revision named `default`), anything
 *   else (`disabled`) means no injection.
 * - A namespace label `istio.io/rev=<name>` sends the pod to the tag of that name if one
 *   exists, otherwise to the revision of that name.
 * - In a namespace with neither label, the pod's own `istio.io/rev` label selects a tag or
 *   revision the same way, and `sidecar.istio.io/inject=true` selects the default injector.
 *
 * @public
 */
export type InjectionTarget =
  | { inject: false; reason: string }
  | {
      inject: true;
      /** "tag" names a revision tag, "revision" a revision; "default" is the default injector. */
      via: 'tag' | 'revision' | 'default';
      name: string;
      /** The webhook (of Istio's injector configurations) that matches the pod. */
      webhook: string;
    };

const injectLabel = 'sidecar.istio.io/inject';

/** Decides where injection goes; `tagExists` tells whether `istio-revision-tag-<name>` exists. */
export function decideInjection(
  podLabels: Record<string, string> | undefined,
  namespaceLabels: Record<string, string> | undefined,
  tagExists: (tag: string) => boolean,
): InjectionTarget {
  const pod = podLabels ?? {};
  const ns = namespaceLabels ?? {};
  if (pod[injectLabel] === 'false') {
    return { inject: false, reason: 'pod opted out' };
  }
  if (ns['istio.io/dataplane-mode'] === 'ambient') {
    return { inject: false, reason: 'ambient namespace' };
  }
  const legacy = ns['istio-injection'];
  if (legacy !== undefined) {
    return legacy === 'enabled'
      ? {
          inject: true,
          via: 'default',
          name: 'default',
          webhook: 'namespace.sidecar-injector.istio.io',
        }
      : { inject: false, reason: `namespace istio-injection=${legacy}` };
  }
  const nsRev = ns['istio.io/rev'];
  if (nsRev !== undefined) {
    return {
      inject: true,
      via: tagExists(nsRev) ? 'tag' : 'revision',
      name: nsRev,
      webhook: 'rev.namespace.sidecar-injector.istio.io',
    };
  }
  const podRev = pod['istio.io/rev'];
  if (podRev !== undefined) {
    return {
      inject: true,
      via: tagExists(podRev) ? 'tag' : 'revision',
      name: podRev,
      webhook: 'rev.object.sidecar-injector.istio.io',
    };
  }
  if (pod[injectLabel] === 'true') {
    return {
      inject: true,
      via: 'default',
      name: 'default',
      webhook: 'object.sidecar-injector.istio.io',
    };
  }
  return { inject: false, reason: 'no injection label' };
}
