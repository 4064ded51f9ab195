import { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonBody, readBody, sendJson } from '../api/responses';
import { ApiError, badRequest } from '../api/statusErrors';
import { SimClock } from '../clock/simClock';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { parseFaultConfig } from '../faults/faultRules';
import { installControlPlane } from '../istio/controlPlaneInstall';

function notFound(what: string): ApiError {
  return new ApiError(404, 'NotFound', `${what} not found`);
}

/**
 * The simulator's own control API under `/sim/v1` (admin token only): traffic counters,
 * faults and the requests they hold, dropping watches, request statistics, the clock speed, and
 * `POST clusters/<cluster>/control-planes`, a person installing a control plane revision with Helm
 * or istioctl (201 with what was created; 409 when it exists; 400 for a version not rendered).
 */
export async function handleSimApi(
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  clusters: Map<string, SimulatedCluster>,
  clock: SimClock,
  serverFor: (cluster: string) => string,
) {
  const method = req.method ?? 'GET';
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
