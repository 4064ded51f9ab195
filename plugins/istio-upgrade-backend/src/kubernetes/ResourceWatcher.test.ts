import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../testing/__testUtils__/selfSignedCertificate';
import { ClusterHttpClient } from './ClusterHttpClient';
import { RateLimiter } from './RateLimiter';
import { ResourceWatcher } from './ResourceWatcher';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A scripted API server: each request to the collection is answered by the next handler. */
async function fakeApiServer(handlers: Handler[]) {
  const seen: string[] = [];
  const server = https.createServer(selfSignedCertificate(), (req, res) => {
    seen.push(req.url!);
    const handler = handlers.shift();
    if (!handler) {
      // Park further watches until the test stops the watcher.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return;
    }
    handler(req, res);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    url: new URL(`https://127.0.0.1:${port}/clusters/test`),
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

const list =
  (resourceVersion: string, names: string[], next?: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'PodList',
        metadata: { resourceVersion, ...(next ? { continue: next } : {}) },
        items: names.map(name => ({ metadata: { namespace: 'ns', name } })),
      }),
    );
  };

const watch =
  (events: Array<{ type: string; object: any }>, end = true): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const e of events) res.write(`${JSON.stringify(e)}\n`);
    if (end) res.end();
  };

const status =
  (
    code: number,
    reason: string,
    headers: Record<string, string> = {},
  ): Handler =>
  (_req, res) => {
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify({ kind: 'Status', code, reason, message: reason }));
  };

const pod = (name: string, rv: string) => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
});

async function waitFor(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise(r => setTimeout(r, 10));
  }
}

function watcherFor(
  url: URL,
  sleeps: number[] = [],
  kind: { optional?: boolean } = {},
) {
  const client = new ClusterHttpClient(
    {
      name: 'test',
      url,
      token: 'secret',
      caPem: selfSignedCertificate().cert,
      skipTlsVerify: false,
    },
    new RateLimiter(1000, 1000),
    { allowPrivateAddress: true },
  );
  const watcher = new ResourceWatcher<string>(
    client,
    {
      name: 'pods',
      path: '/api/v1/pods',
      project: (o: any) => o.metadata.name,
      ...kind,
    },
    {
      logger: mockServices.logger.mock(),
      onChange: () => {},
      timing: { pageSize: 2, backoffMinMs: 10, backoffMaxMs: 20 },
      random: () => 1,
      sleep: async ms => {
        sleeps.push(ms);
      },
    },
  );
  return { watcher, client };
}

describe('ResourceWatcher', () => {
  it('lists in pages, then applies watch events from the list resourceVersion', async () => {
    const api = await fakeApiServer([
      list('10', ['a', 'b'], 'page2'),
      list('11', ['c']),
      watch(
        [
          { type: 'ADDED', object: pod('d', '12') },
          { type: 'DELETED', object: pod('a', '13') },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } },
        ],
        true,
      ),
    ]);
    const { watcher } = watcherFor(api.url);
    watcher.start();
    await waitFor(() => api.seen.length >= 4);
    await watcher.stop();
    await api.close();

    expect([...watcher.items.values()].sort()).toEqual(['b', 'c', 'd']);
    expect(api.seen[0]).toContain('limit=2');
    expect(api.seen[1]).toContain('continue=page2');
    expect(api.seen[2]).toMatch(
      /watch=1.*resourceVersion=11.*allowWatchBookmarks=true/,
    );
    // The next watch resumes from the bookmark.
    expect(api.seen[3]).toContain('resourceVersion=20');
    expect(watcher.state.listed).toBe(true);
  });

  it('lists again after 410 Gone, keeping the old records until the new list is complete', async () => {
    const api = await fakeApiServer([
      list('10', ['a']),
      watch([
        {
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired' },
        },
      ]),
      list('50', ['x', 'y']),
    ]);
    const { watcher } = watcherFor(api.url);
    watcher.start();
    await waitFor(() => api.seen.length >= 4);
    await watcher.stop();
    await api.close();

    expect([...watcher.items.values()].sort()).toEqual(['x', 'y']);
    expect(watcher.state.relists).toBe(1);
    expect(api.seen[3]).toContain('resourceVersion=50');
  });

  it('backs off on 500s, honours Retry-After on 429, and never sends the token in errors', async () => {
    const sleeps: number[] = [];
    const api = await fakeApiServer([
      status(500, 'InternalError'),
      status(429, 'TooManyRequests', { 'Retry-After': '3' }),
      list('10', ['a']),
    ]);
    const { watcher } = watcherFor(api.url, sleeps);
    watcher.start();
    await waitFor(() => watcher.state.listed);
    await watcher.stop();
    await api.close();

    // Jittered backoff under the 20 ms ceiling, with a 50 ms floor.
    expect(sleeps[0]).toBe(50);
    expect(sleeps[1]).toBe(3000);
    expect(watcher.state.error).toBeUndefined();
  });

  it('takes a 404 on an optional API (a CRD the cluster lacks) for none, and looks again after a watch timeout', async () => {
    const sleeps: number[] = [];
    const api = await fakeApiServer([
      status(404, 'NotFound'),
      list('10', ['web']),
    ]);
    const { watcher } = watcherFor(api.url, sleeps, { optional: true });
    const states: Array<{ listed: boolean; error?: string; size: number }> = [];
    const record = setInterval(
      () =>
        states.push({
          listed: watcher.state.listed,
          error: watcher.state.error,
          size: watcher.items.size,
        }),
      1,
    );
    watcher.start();
    await waitFor(() => watcher.items.size === 1);
    clearInterval(record);
    await watcher.stop();
    await api.close();

    // Never an error: first complete and empty, then the objects once the API is served.
    expect(states.every(s => s.error === undefined)).toBe(true);
    expect(watcher.state.listed).toBe(true);
    expect([...watcher.items.values()]).toEqual(['web']);
    expect(sleeps).toEqual([300_000]);
  });

  it('takes a 403 on an optional API for none too, keeping the store whole but saying why', async () => {
    const api = await fakeApiServer([status(403, 'Forbidden')]);
    const { watcher } = watcherFor(api.url, [], { optional: true });
    watcher.start();
    await waitFor(() => watcher.state.listed);
    const { error } = watcher.state;
    await watcher.stop();
    await api.close();

    expect(watcher.items.size).toBe(0);
    expect(error).toMatch(/^pods cannot be read: .*403 Forbidden/);
  });

  it('reports a 404 on an API that is not optional as an error', async () => {
    const api = await fakeApiServer([status(404, 'NotFound')]);
    const { watcher } = watcherFor(api.url);
    watcher.start();
    await waitFor(() => watcher.state.error !== undefined);
    await watcher.stop();
    await api.close();

    expect(watcher.state.listed).toBe(false);
    expect(watcher.state.error).toMatch(/404/);
  });

  it('resumes a dropped watch from the last resourceVersion without listing again', async () => {
    const api = await fakeApiServer([
      list('10', ['a']),
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(
          `${JSON.stringify({ type: 'ADDED', object: pod('b', '11') })}\n`,
        );
        setTimeout(() => res.destroy(), 50);
      },
    ]);
    const { watcher } = watcherFor(api.url);
    watcher.start();
    await waitFor(() => api.seen.length >= 3);
    await watcher.stop();
    await api.close();

    expect([...watcher.items.values()].sort()).toEqual(['a', 'b']);
    expect(api.seen[2]).toContain('resourceVersion=11');
    expect(api.seen.filter(u => !u.includes('watch=1'))).toHaveLength(1);
  });
});
