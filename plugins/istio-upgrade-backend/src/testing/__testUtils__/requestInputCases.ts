/** A request body the requests API refuses: what it is, the body, the status, and the message. */
export type HostileBody = [string, unknown, number, RegExp?];

/**
 * Request bodies the requests API must refuse with a clear 4xx, each a change of `valid` (a dry run of
 * a migration that passes).
 */
export function hostileBodies(valid: Record<string, unknown>): HostileBody[] {
  return [
    ['an array body', [valid], 400],
    ['an empty object', {}, 400],
    ['no type', { ...valid, type: undefined }, 400],
    ['an unknown type', { ...valid, type: 'delete-cluster' }, 400],
    ['an unknown top-level field', { ...valid, force: true }, 400],
    [
      'an unknown target field',
      { ...valid, target: { namespace: 'bookinfo', labels: {} } },
      400,
    ],
    ['an unknown option', { ...valid, options: { skipPrechecks: true } }, 400],
    [
      'a URL as cluster name',
      { ...valid, cluster: 'https://evil.example.com/' },
      400,
    ],
    ['a path as cluster name', { ...valid, cluster: '../seed' }, 400],
    ['an IP as cluster name', { ...valid, cluster: '169.254.169.254' }, 404],
    ['a cluster the catalog does not have', { ...valid, cluster: 'nope' }, 404],
    ['a revision with dots', { ...valid, revision: '1.10.4' }, 400],
    ['an upper-case revision', { ...valid, revision: 'Canary' }, 400],
    [
      'a shell-injection revision',
      { ...valid, revision: '1-10-4;rm -rf /' },
      400,
    ],
    [
      'a label-injection revision',
      { ...valid, revision: '1-10-4,istio-injection=enabled' },
      400,
    ],
    ['an overlong revision', { ...valid, revision: 'a'.repeat(64) }, 400],
    [
      'a revision that does not exist',
      { ...valid, dryRun: false, revision: '9-9-9' },
      400,
      /No control plane of revision 9-9-9/,
    ],
    [
      'kube-system',
      { ...valid, target: { namespace: 'kube-system' } },
      400,
      /protected/,
    ],
    [
      'istio-system',
      { ...valid, target: { namespace: 'istio-system' } },
      400,
      /protected/,
    ],
    [
      'kube-public',
      { ...valid, target: { namespace: 'kube-public' } },
      400,
      /protected/,
    ],
    [
      'an upper-case namespace',
      { ...valid, target: { namespace: 'Bookinfo' } },
      400,
    ],
    [
      'a namespace with a newline',
      { ...valid, target: { namespace: 'bookinfo\nnginx' } },
      400,
    ],
    [
      'a label-injection namespace',
      { ...valid, target: { namespace: 'bookinfo,istio.io/rev=x' } },
      400,
    ],
    [
      'a path-traversal namespace',
      { ...valid, target: { namespace: '../../apis' } },
      400,
    ],
    [
      'an overlong namespace',
      { ...valid, target: { namespace: 'n'.repeat(64) } },
      400,
    ],
    [
      'a namespace that does not exist',
      { ...valid, target: { namespace: 'ghost' } },
      404,
    ],
    [
      'an entity restart scope without entityRef',
      { ...valid, entityRef: undefined, options: { restartScope: 'entity' } },
      400,
    ],
    ['a malformed entityRef', { ...valid, entityRef: 'not a ref' }, 400],
    [
      'a traversal entityRef',
      { ...valid, entityRef: 'component:default/../../x' },
      400,
    ],
    [
      'an entity that does not exist',
      { ...valid, entityRef: 'component:default/ghost' },
      404,
    ],
    [
      'a superfluous service in a migration',
      { ...valid, target: { namespace: 'bookinfo', service: 'x' } },
      400,
    ],
    [
      'a cutover without its service',
      {
        ...valid,
        type: 'gateway-cutover',
        target: { namespace: 'istio-gateways' },
      },
      400,
    ],
    [
      'a tag move aimed at a namespace',
      {
        ...valid,
        type: 'revision-tag-move',
        target: { namespace: 'bookinfo' },
      },
      400,
    ],
    [
      'a control-plane install without its version',
      { ...valid, type: 'control-plane-install', target: {} },
      400,
    ],
    [
      'a control-plane install of a minor without its patch',
      { ...valid, type: 'control-plane-install', target: { version: '1.31' } },
      400,
    ],
    [
      'a shell-injection version',
      {
        ...valid,
        type: 'control-plane-install',
        target: { version: '1.31.0;rm -rf /' },
      },
      400,
    ],
    [
      'a version that is not in the release table',
      {
        ...valid,
        dryRun: false,
        type: 'control-plane-install',
        revision: '1-99-0',
        target: { version: '1.99.0' },
      },
      400,
      /Istio 1.99.0 is not in the release table/,
    ],
    [
      'a control-plane removal aimed at a namespace',
      { ...valid, type: 'control-plane-removal' },
      400,
      /not applicable: namespace/,
    ],
    [
      'the removal of a revision that does not exist',
      {
        ...valid,
        dryRun: false,
        type: 'control-plane-removal',
        revision: '9-9-9',
        target: {},
      },
      404,
      /no control plane of revision 9-9-9/,
    ],
    ['a wave of zero', { ...valid, options: { waveSize: 0 } }, 400],
    ['a wave of ten thousand', { ...valid, options: { waveSize: 10000 } }, 400],
    ['a wave size as a string', { ...valid, options: { waveSize: '2' } }, 400],
    ['dryRun as a string', { ...valid, dryRun: 'yes' }, 400],
    [
      'an idempotency key with spaces',
      { ...valid, idempotencyKey: 'a b; drop table' },
      400,
    ],
    ['a 5000-character comment', { ...valid, comment: 'x'.repeat(5000) }, 400],
  ];
}
