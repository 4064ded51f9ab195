import {
  W,
  build,
  lab,
  warningsOf,
} from '../../../testing/__testUtils__/inventoryTestKit';
import { MeshSnapshot } from '../../../testing/__testUtils__/MeshSnapshot';

describe('revision tags', () => {
  const inventory = build(lab());

  it('lists the tags, the revision each points at and the namespaces using it', () => {
    expect(inventory.tags).toEqual([
      {
        name: 'default',
        revision: '1-9-7',
        revisionExists: true,
        namespaces: ['legacy'],
      },
      {
        name: 'prod',
        revision: '1-10-4',
        revisionExists: true,
        namespaces: [],
      },
    ]);
  });

  it(`reports ${W.tagMissingRevision} for a tag pointing at a missing revision`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .tag('prod', '1-8-0')
      .namespace('ns', { 'istio.io/rev': 'prod' });
    expect(warningsOf(build(mesh), W.tagMissingRevision)).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'RevisionTag', name: 'prod' },
        message:
          'Revision tag prod points at revision 1-8-0, which does not exist; new pods in ns will fail to be created',
      },
    ]);
    expect(build(mesh).tags).toEqual([
      {
        name: 'prod',
        revision: '1-8-0',
        revisionExists: false,
        namespaces: ['ns'],
      },
    ]);
  });
});
