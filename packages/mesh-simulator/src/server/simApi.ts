import { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonBody, readBody, sendJson } from '../api/responses';
import { ApiError, badRequest } from '../api/statusErrors';
import { ChurnGenerator, parseChurnRequest } from '../churn/churnGenerator';
import { SimClock } from '../clock/simClock';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { parseFaultConfig } from '../faults/faultRules';
import { installControlPlane } from '../istio/controlPlaneInstall';
import { SimulatorStats } from '../stats/simulatorStats';

/** The resource of a one-segment path (`stats`, `churn`), else undefined. */
function resource0(segments: string[]): string | undefined {
  return segments.length === 1 ? segments[0] : undefined;
}

function notFound(what: string): ApiError {
  return new ApiError(404, 'NotFound', `${what} not found`);
}

/** What the `/sim/v1` API acts on. */
export interface SimApiTargets {
  clusters: Map<string, SimulatedCluster>;
  clock: SimClock;
  churn: ChurnGenerator;
  stats: () => SimulatorStats;
  serverFor: (cluster: string) => string;
}

/**
 * The simulator's own control API under `/sim/v1` (admin token only): traffic counters, Istio's
 * request metrics for Prometheus (`GET clusters/<cluster>/metrics`),
 * faults and the requests they hold, dropping watches, request statistics, the clock speed,
 * the simulator's own stats (`GET stats`: memory, CPU, load times; `?gc=true` collects garbage
 * first when node runs with --expose-gc), the churn generator (`GET`, `POST`/`PUT`
 * `{ podChangesPerSecond }`, `DELETE` on `churn`), and `POST clusters/<cluster>/control-planes`,
 * a person installing a control plane revision with Helm or istioctl (201 with what was
 * created; 409 when it exists; 400 for a version not rendered).
 */
export async function handleSimApi(
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  targets: SimApiTargets,
) {
  const { clusters, clock, churn, serverFor } = targets;
  const method = req.method ?? 'GET';
  if (resource0(segments) === 'stats' && method === 'GET') {
    const query = new URL(req.url ?? '/', 'https://mesh-sim').searchParams;
    if (query.get('gc') === 'true') (global as { gc?: () => void }).gc?.();
    sendJson(res, 200, targets.stats());
    return;
  }
  if (resource0(segments) === 'churn') {
    if (method === 'GET') {
      sendJson(res, 200, churn.status());
      return;
    }
    if (method === 'POST' || method === 'PUT') {
      const rate = parseChurnRequest(parseJsonBody(await readBody(req)));
      sendJson(res, 200, churn.start(rate));
      return;
    }
    if (method === 'DELETE') {
      sendJson(res, 200, churn.stop());
      return;
    }
  }
  const [resource, clusterName, sub, action] = segments;
  if (resource === 'clock' && segments.length === 1) {
    if (method === 'GET') {
      sendJson(res, 200, {
        speed: clock.speed,
        now: new Date(clock.now()).toISOString(),
      });
      return;
    }
    if (method === 'POST') {
      const body = parseJsonBody(await readBody(req));
      const speed = body?.speed;
      if (
        typeof speed !== 'number' ||
        !(speed > 0) ||
        !Number.isFinite(speed)
      ) {
        throw badRequest('speed must be a positive number');
      }
      clock.setSpeed(speed);
      sendJson(res, 200, {
        speed: clock.speed,
        now: new Date(clock.now()).toISOString(),
      });
      return;
    }
  }
  if (resource === 'process' && segments.length === 1 && method === 'GET') {
    // Benchmarks read the simulator's own memory; a gc first when node runs with --expose-gc.
    (global as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    sendJson(res, 200, {
      pid: process.pid,
      heapUsedBytes: m.heapUsed,
      heapTotalBytes: m.heapTotal,
      rssBytes: m.rss,
      externalBytes: m.external,
    });
    return;
  }
  if (resource === 'clusters' && segments.length === 1 && method === 'GET') {
    sendJson(res, 200, {
      clusters: [...clusters.keys()].map(name => ({
        name,
        server: serverFor(name),
      })),
    });
    return;
  }
  if (resource !== 'clusters' || !clusterName) {
    throw notFound(`/sim/v1/${segments.join('/')}`);
  }
  const cluster = clusters.get(clusterName);
  if (!cluster) {
    throw notFound(`cluster "${clusterName}"`);
  }
  const route = `${method} ${sub ?? ''}${action ? `/${action}` : ''}`;
  switch (route) {
    case 'GET traffic':
      sendJson(res, 200, cluster.probe.snapshot());
      return;
    case 'POST traffic/reset':
      cluster.probe.reset();
      sendJson(res, 200, cluster.probe.snapshot());
      return;
    case 'GET metrics':
      res.writeHead(200, {
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      });
      res.end(cluster.metrics.scrape());
      return;
    case 'GET faults':
      sendJson(res, 200, cluster.faults ?? { rules: [] });
      return;
    case 'POST faults':
    case 'PUT faults':
      cluster.faults = parseFaultConfig(parseJsonBody(await readBody(req)));
      cluster.holds.reset();
      sendJson(res, 200, cluster.faults);
      return;
    case 'DELETE faults':
      cluster.faults = undefined;
      cluster.holds.release();
      sendJson(res, 200, { rules: [] });
      return;
    case 'GET holds':
      sendJson(res, 200, { held: cluster.holds.list() });
      return;
    case 'POST holds/release':
      sendJson(res, 200, { released: cluster.holds.release() });
      return;
    case 'POST watches/drop': {
      const dropped = cluster.watches.count;
      cluster.watches.dropAll();
      sendJson(res, 200, { dropped });
      return;
    }
    case 'GET stats':
      sendJson(res, 200, {
        ...cluster.stats,
        openWatches: cluster.watches.count,
      });
      return;
    case 'POST control-planes':
      sendJson(
        res,
        201,
        installControlPlane(cluster, parseJsonBody(await readBody(req))),
      );
      return;
    case 'POST stats/reset':
      cluster.resetStats();
      sendJson(res, 200, cluster.stats);
      return;
    default:
      throw notFound(`/sim/v1/${segments.join('/')} (${method})`);
  }
}
