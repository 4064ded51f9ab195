import { resolveInjection } from '.';

const revisions = new Set(['1-9-7', '1-10-4', 'default']);
const tags = new Map<string, string | undefined>([
  ['default', '1-9-7'],
  ['prod', '1-10-4'],
]);
const resolve = (
  namespaceLabels: Record<string, string>,
  podLabels?: Record<string, string>,
  options: {
    tags?: Map<string, string | undefined>;
    revisions?: Set<string>;
  } = {},
) =>
  resolveInjection({
    namespaceLabels,
    podLabels,
    tags: options.tags ?? tags,
    revisions: options.revisions ?? revisions,
  });

describe('resolveInjection', () => {
  it('reports an ambient namespace as ambient, without a sidecar', () => {
    expect(resolve({ 'istio.io/dataplane-mode': 'ambient' })).toEqual({
      mode: 'ambient',
      injected: false,
      reason:
        'namespace label istio.io/dataplane-mode=ambient: ambient mode, no sidecar',
    });
  });

  it('keeps an ambient namespace sidecar-free even when a pod asks for one', () => {
    expect(
      resolve(
        { 'istio.io/dataplane-mode': 'ambient' },
        { 'sidecar.istio.io/inject': 'true' },
      ),
    ).toMatchObject({ mode: 'ambient', injected: false });
  });

  it('injects istio-injection=enabled through the default tag', () => {
    expect(resolve({ 'istio-injection': 'enabled' })).toEqual({
      mode: 'legacy',
      desiredRevision: '1-9-7',
      tag: 'default',
      injected: true,
      reason:
        'namespace label istio-injection=enabled selects tag default -> revision 1-9-7',
    });
  });

  it('injects istio-injection=enabled by the revision named default when there is no default tag', () => {
    expect(
      resolve({ 'istio-injection': 'enabled' }, undefined, { tags: new Map() }),
    ).toEqual({
      mode: 'legacy',
      desiredRevision: 'default',
      injected: true,
      reason:
        'namespace label istio-injection=enabled selects revision default (no default tag)',
    });
  });

  it('gives istio-injection=enabled precedence over istio.io/rev', () => {
    expect(
      resolve({ 'istio-injection': 'enabled', 'istio.io/rev': '1-10-4' }),
    ).toMatchObject({
      mode: 'legacy',
      desiredRevision: '1-9-7',
    });
  });

  it('disables injection with istio-injection=disabled, even for a pod asking for it', () => {
    expect(resolve({ 'istio-injection': 'disabled' })).toEqual({
      mode: 'disabled',
      injected: false,
      reason: 'namespace label istio-injection=disabled: no sidecar',
    });
    expect(
      resolve(
        { 'istio-injection': 'disabled' },
        { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': '1-10-4' },
      ),
    ).toMatchObject({ mode: 'disabled', injected: false });
  });

  it('resolves a namespace istio.io/rev naming a tag through the tag', () => {
    expect(resolve({ 'istio.io/rev': 'prod' })).toEqual({
      mode: 'tag',
      desiredRevision: '1-10-4',
      tag: 'prod',
      injected: true,
      reason:
        'namespace label istio.io/rev=prod selects tag prod -> revision 1-10-4',
    });
  });

  it('resolves a namespace istio.io/rev naming a revision directly', () => {
    expect(resolve({ 'istio.io/rev': '1-10-4' })).toEqual({
      mode: 'revision',
      desiredRevision: '1-10-4',
      injected: true,
      reason: 'namespace label istio.io/rev=1-10-4 selects revision 1-10-4',
    });
  });

  it('lets the namespace istio.io/rev win over the pod istio.io/rev', () => {
    expect(
      resolve({ 'istio.io/rev': '1-10-4' }, { 'istio.io/rev': '1-9-7' }),
    ).toMatchObject({
      desiredRevision: '1-10-4',
    });
  });

  it('lets a pod opt out with sidecar.istio.io/inject=false', () => {
    expect(
      resolve(
        { 'istio-injection': 'enabled' },
        { 'sidecar.istio.io/inject': 'false' },
      ),
    ).toEqual({
      mode: 'legacy',
      tag: 'default',
      injected: false,
      reason:
        'namespace label istio-injection=enabled selects tag default -> revision 1-9-7, but the pod opts out with sidecar.istio.io/inject=false',
    });
    expect(
      resolve(
        { 'istio.io/rev': '1-10-4' },
        { 'sidecar.istio.io/inject': 'false' },
      ),
    ).toMatchObject({ mode: 'revision', injected: false });
  });

  it('lets a pod istio.io/rev select a revision or tag in an unlabelled namespace', () => {
    expect(resolve({}, { 'istio.io/rev': '1-10-4' })).toMatchObject({
      mode: 'revision',
      desiredRevision: '1-10-4',
      injected: true,
    });
    expect(resolve({}, { 'istio.io/rev': 'prod' })).toMatchObject({
      mode: 'tag',
      tag: 'prod',
      desiredRevision: '1-10-4',
      injected: true,
    });
  });

  it('injects a pod labelled sidecar.istio.io/inject=true in an unlabelled namespace with the default tag', () => {
    expect(resolve({}, { 'sidecar.istio.io/inject': 'true' })).toEqual({
      mode: 'legacy',
      desiredRevision: '1-9-7',
      tag: 'default',
      injected: true,
      reason:
        'pod label sidecar.istio.io/inject=true selects tag default -> revision 1-9-7',
    });
  });

  it('injects nothing without any injection label', () => {
    expect(resolve({ team: 'payments' })).toEqual({
      mode: 'none',
      injected: false,
      reason: 'no injection label on the namespace or the pod',
    });
    expect(resolve({}, { app: 'reviews' })).toMatchObject({
      mode: 'none',
      injected: false,
    });
  });

  it('still reports a desired revision that does not exist, flagged missing', () => {
    expect(resolve({ 'istio.io/rev': '1-8-0' })).toEqual({
      mode: 'revision',
      desiredRevision: '1-8-0',
      injected: true,
      missing: true,
      reason:
        'namespace label istio.io/rev=1-8-0 selects revision 1-8-0; it does not exist',
    });
  });

  it('flags a tag pointing at a missing revision, or at none', () => {
    const dangling = new Map<string, string | undefined>([
      ['old', '1-8-0'],
      ['empty', undefined],
    ]);
    expect(
      resolve({ 'istio.io/rev': 'old' }, undefined, { tags: dangling }),
    ).toMatchObject({
      mode: 'tag',
      tag: 'old',
      desiredRevision: '1-8-0',
      missing: true,
    });
    const none = resolve({ 'istio.io/rev': 'empty' }, undefined, {
      tags: dangling,
    });
    expect(none).toMatchObject({
      mode: 'tag',
      tag: 'empty',
      injected: true,
      missing: true,
    });
    expect(none.desiredRevision).toBeUndefined();
  });

  it('flags legacy injection without a default tag or default revision as missing', () => {
    expect(
      resolve({ 'istio-injection': 'enabled' }, undefined, {
        tags: new Map(),
        revisions: new Set(['1-10-4']),
      }),
    ).toMatchObject({
      mode: 'legacy',
      desiredRevision: 'default',
      missing: true,
    });
  });
});
