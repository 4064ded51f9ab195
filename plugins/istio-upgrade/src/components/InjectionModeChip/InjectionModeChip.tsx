import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { NamespaceInventory } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** How the namespace chooses its revision, in the labels a person would look for. */
export function describeInjection(namespace: NamespaceInventory): {
  label: string;
  explanation: string;
} {
  switch (namespace.injectionMode) {
    case 'legacy':
      return {
        label: 'istio-injection=enabled',
        explanation: `Injected by the ${
          namespace.tag ?? 'default'
        } tag's revision; migrating replaces this label with istio.io/rev.`,
      };
    case 'revision':
      return {
        label: `istio.io/rev=${namespace.revisionLabel ?? '?'}`,
        explanation: 'The namespace names its revision directly.',
      };
    case 'tag':
      return {
        label: `istio.io/rev=${
          namespace.revisionLabel ?? namespace.tag ?? '?'
        } (tag)`,
        explanation: `The namespace follows the ${
          namespace.tag ?? namespace.revisionLabel
        } tag; moving the tag moves it.`,
      };
    case 'ambient':
      return {
        label: 'ambient',
        explanation:
          'istio.io/dataplane-mode=ambient: no sidecars, so sidecar revisions do not apply.',
      };
    case 'disabled':
      return {
        label: 'istio-injection=disabled',
        explanation: 'Injection is turned off: new pods get no sidecar.',
      };
    default:
      return {
        label: 'no injection label',
        explanation: 'No label asks for a sidecar: new pods get none.',
      };
  }
}

/** How a namespace chooses its revision, as a chip with the explanation in a tooltip. */
export function InjectionModeChip(props: { namespace: NamespaceInventory }) {
  const { label, explanation } = describeInjection(props.namespace);
  return (
    <Tooltip title={explanation}>
      <Chip size="small" variant="outlined" label={label} tabIndex={0} />
    </Tooltip>
  );
}
