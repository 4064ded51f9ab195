import { LabelInterner } from './LabelInterner';
import { PodGroup, PodGroups } from './PodGroups';
import { ProxyVersionTimeline } from './ProxyVersionTimeline';
import type { PodRecord } from './records';

const interner = new LabelInterner();
const labels = {
  a: interner.labels({ app: 'a', 'pod-template-hash': '1' }),
  b: interner.labels({ app: 'a', 'pod-template-hash': '2' }),
};

function pod(
  name: string,
  extra: Partial<PodRecord> & Pick<PodRecord, 'labels'>,
): PodRecord {
  return { namespace: 'shop', name, workload: 'Deployment/a', ...extra };
}

function summary(groups: PodGroups) {
  return [...groups.values()]
    .map((g: PodGroup) => ({
      labels: g.labels.app + g.labels['pod-template-hash'],
      namespace: g.namespace,
      revision: g.revision,
      gateway: g.gateway ?? false,
      count: g.count,
      createdAt: [...g.createdAt],
    }))
    .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

/** A small deterministic pseudo-random sequence, so that a failure can be replayed. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('PodGroups', () => {
  it('groups pods by labels, namespace, revision, workload and gateway, with sorted creation times', () => {
    const groups = PodGroups.of([
      pod('p1', { labels: labels.a, revision: '1-30', createdAt: 30 }),
      pod('p2', { labels: labels.a, revision: '1-30', createdAt: 10 }),
      pod('p3', { labels: labels.a, revision: '1-31', createdAt: 20 }),
      pod('p4', { labels: labels.b, revision: '1-31' }),
      pod('p5', { labels: labels.a, revision: '1-30', createdAt: 20 }),
    ]);
    expect(groups.size).toBe(3);
    expect(summary(groups)).toEqual([
      {
        labels: 'a1',
        namespace: 'shop',
        revision: '1-30',
        gateway: false,
        count: 3,
        createdAt: [10, 20, 30],
      },
      {
        labels: 'a1',
        namespace: 'shop',
        revision: '1-31',
        gateway: false,
        count: 1,
        createdAt: [20],
      },
      {
        labels: 'a2',
        namespace: 'shop',
        revision: '1-31',
        gateway: false,
        count: 1,
        createdAt: [],
      },
    ]);
  });

  it('takes pods back, dropping groups that become empty', () => {
    const p1 = pod('p1', { labels: labels.a, revision: '1-30', createdAt: 1 });
    const p2 = pod('p2', { labels: labels.a, revision: '1-30', createdAt: 2 });
    const p3 = pod('p3', { labels: labels.b, gateway: true });
    const groups = PodGroups.of([p1, p2, p3]);
    groups.remove(p1);
    groups.remove(p3);
    expect(groups.size).toBe(1);
    expect(summary(groups)).toEqual([
      {
        labels: 'a1',
        namespace: 'shop',
        revision: '1-30',
        gateway: false,
        count: 1,
        createdAt: [2],
      },
    ]);
    // A pod never added changes nothing.
    groups.remove(pod('p9', { labels: labels.b, revision: '1-30' }));
    expect(groups.size).toBe(1);
  });

  it('ends as grouping the survivors afresh would, after random adds and removes', () => {
    const random = sequence(7);
    const live = new Map<string, PodRecord>();
    const groups = new PodGroups();
    for (let i = 0; i < 2_000; i++) {
      const name = `p${Math.floor(random() * 300)}`;
      const previous = live.get(name);
      if (previous) {
        groups.remove(previous);
        live.delete(name);
      }
      if (random() < 0.7) {
        const next = pod(name, {
          labels: random() < 0.5 ? labels.a : labels.b,
          ...(random() < 0.8 && { revision: random() < 0.5 ? 'r1' : 'r2' }),
          ...(random() < 0.9 && { createdAt: Math.floor(random() * 50) }),
          ...(random() < 0.1 && { gateway: true }),
        });
        groups.add(next);
        live.set(name, next);
      }
    }
    expect(summary(groups)).toEqual(summary(PodGroups.of(live.values())));
  });
});

describe('ProxyVersionTimeline.countByVersion', () => {
  it('counts what versionOf tells each pod', () => {
    const random = sequence(11);
    const timeline = new ProxyVersionTimeline(
      [
        { revision: 'r1', version: '1.30.1', since: 100 },
        { revision: 'r1', version: '1.30.2', since: 200 },
        { revision: 'r1', version: '1.30.3', since: 200 },
        { revision: 'r1', version: '1.30.4', since: 350 },
        { revision: 'r2', version: '1.31.0', since: 50 },
      ],
      new Map([
        ['r1', '1.30.4'],
        ['r3', '1.32.0'],
      ]),
    );
    for (const revision of ['r1', 'r2', 'r3', 'r4']) {
      const createdAt = Array.from({ length: 200 }, () =>
        Math.floor(random() * 500),
      ).sort((a, b) => a - b);
      const expected = new Map<string | undefined, number>();
      for (const at of [...createdAt, undefined, undefined]) {
        const version = timeline.versionOf(revision, at);
        expected.set(version, (expected.get(version) ?? 0) + 1);
      }
      const counted = new Map<string | undefined, number>();
      timeline.countByVersion(revision, createdAt, 2, (version, count) =>
        counted.set(version, (counted.get(version) ?? 0) + count),
      );
      expect(counted).toEqual(expected);
    }
  });
});
