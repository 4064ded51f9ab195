import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(60000);

const base = '/clusters/seed/api/v1/namespaces/paging/configmaps';

describe('paged lists while objects change', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator();
    const created = [
      await t.request('POST', '/clusters/seed/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'paging' },
      }),
    ];
    // Created out of order, so the store's key order is not the creation order.
    for (const n of [7, 3, 11, 0, 9, 1, 5, 10, 2, 8, 4, 6]) {
      created.push(
        await t.request('POST', base, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${String(n).padStart(2, '0')}` },
          data: { version: 'first' },
        }),
      );
    }
    const failed = created.filter(c => c.status !== 201);
    if (failed.length > 0) {
      throw new Error(`setup failed: ${failed.map(c => c.text).join('; ')}`);
    }
  });

  afterAll(async () => {
    await t.stop();
  });

  it('serves every page at the first page’s revision, in key order, despite creates, deletes and updates between pages', async () => {
    const before = await t.request('GET', base);
    const expected: string[] = before.body.items.map(
      (o: any) => o.metadata.name,
    );
    expect(expected).toEqual([...expected].sort());
    expect(expected).toEqual(expect.arrayContaining(['cm-00', 'cm-11']));

    const names: string[] = [];
    const versions: string[] = [];
    let token: string | undefined;
    let revision: string | undefined;
    let page = 0;
    do {
      const answer = await t.request(
        'GET',
        `${base}?limit=4${
          token ? `&continue=${encodeURIComponent(token)}` : ''
        }`,
      );
      expect(answer.status).toBe(200);
      revision ??= answer.body.metadata.resourceVersion;
      expect(answer.body.metadata.resourceVersion).toBe(revision);
      names.push(...answer.body.items.map((o: any) => o.metadata.name));
      versions.push(...answer.body.items.map((o: any) => o.data.version));
      token = answer.body.metadata.continue;
      if (page === 0) {
        // Changes ahead of and behind the continue point, as churn makes them.
        for (const name of ['cm-00a', 'cm-05a', 'cm-99']) {
          await t.request('POST', base, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name },
            data: { version: 'new' },
          });
        }
        await t.request('DELETE', `${base}/cm-01`);
        await t.request('DELETE', `${base}/cm-08`);
        await t.request(
          'PATCH',
          `${base}/cm-09`,
          { data: { version: 'second' } },
          { 'Content-Type': 'application/merge-patch+json' },
        );
      }
      page++;
    } while (token);

    expect(names).toEqual(expected);
    expect(versions.every(v => v === 'first')).toBe(true);

    const after = await t.request('GET', base);
    const now: string[] = after.body.items.map((o: any) => o.metadata.name);
    expect(now).toEqual([...now].sort());
    expect(now).toEqual(
      [
        ...expected.filter(n => n !== 'cm-01' && n !== 'cm-08'),
        'cm-00a',
        'cm-05a',
        'cm-99',
      ].sort(),
    );
    expect(
      after.body.items.find((o: any) => o.metadata.name === 'cm-09').data
        .version,
    ).toBe('second');
  });
});
