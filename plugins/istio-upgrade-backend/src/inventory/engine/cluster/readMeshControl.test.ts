import { MeshSnapshot } from '../../../testing/__testUtils__/MeshSnapshot';
import { readMeshControl } from './readMeshControl';

function control(mesh: MeshSnapshot) {
  const snapshot = mesh.snapshot();
  return readMeshControl([...snapshot.workloads], snapshot.webhooks);
}

describe('readMeshControl', () => {
  it('finds each revision, its version, its injector and the tags pointing at it', () => {
    const result = control(
      new MeshSnapshot()
        .controlPlane('1-9-7', '1.9.7')
        .controlPlane('1-10-4', '1.10.4')
        .tag('default', '1-9-7')
        .tag('canary', '1-10-4')
        .tag('prod', '1-10-4'),
    );
    expect([...result.controlPlanes.keys()].sort()).toEqual([
      '1-10-4',
      '1-9-7',
    ]);
    expect(result.controlPlanes.get('1-9-7')).toMatchObject({
      version: '1.9.7',
      pods: 0,
      tags: ['default'],
    });
    expect(result.controlPlanes.get('1-10-4')?.tags.sort()).toEqual([
      'canary',
      'prod',
    ]);
    expect([...result.injectors].sort()).toEqual(['1-10-4', '1-9-7']);
    expect(result.tags.get('prod')).toBe('1-10-4');
    expect([...result.revisions].sort()).toEqual(['1-10-4', '1-9-7']);
    expect(result.externalInjectors.size).toBe(0);
  });

  it('keeps a tag pointing at a missing revision, and serves revisions whose injector calls a URL', () => {
    const result = control(
      new MeshSnapshot()
        .controlPlane('1-9-7', '1.9.7')
        .tag('stale', 'gone')
        .externalInjector('remote', 'https://istiod.example:15017/inject'),
    );
    expect(result.tags.get('stale')).toBe('gone');
    expect(result.revisions.has('gone')).toBe(false);
    expect(result.externalInjectors.get('remote')).toBe(
      'https://istiod.example:15017/inject',
    );
    expect(result.revisions.has('remote')).toBe(true);
    expect(result.controlPlanes.has('remote')).toBe(false);
  });
});
