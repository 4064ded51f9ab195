import https from 'node:https';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { discoveryDocument } from '../api/discovery';
import { warningHeader } from '../api/fieldValidation';
import { acceptsPlainJson } from '../api/mediaTypes';
import { handleOpenApi } from '../api/openapi/openApiHandler';
import { parseRequestTarget } from '../api/requestPaths';
import { handleResourceRequest } from '../api/resourceHandler';
import { readBody, sendError, sendJson } from '../api/responses';
import { ApiError, pathNotFound } from '../api/statusErrors';
import { typeKey } from '../api/resourceTypes';
import { ChurnGenerator } from '../churn/churnGenerator';
import { SimClock } from '../clock/simClock';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { drawFault } from '../faults/faultRules';
import { authorize, TokenRegistry, unauthorized } from './accessTokens';
import { ServerCertificates } from './certificates';
import { handleSimApi } from './simApi';
import { SimulatorStats } from '../stats/simulatorStats';

/**
 * Options of the HTTPS server.
 *
 * @public
 */
export interface MeshServerOptions {
  host: string;
  port: number;
  clusters: Map<string, SimulatedCluster>;
  tokens: TokenRegistry;
  certificates: ServerCertificates;
  clock: SimClock;
  /** The churn generator `/sim/v1/churn` controls. */
  churn: ChurnGenerator;
  /** What `GET /sim/v1/stats` answers. */
  stats: () => SimulatorStats;
}

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The HTTPS server hosting every simulated cluster under `/clusters/<name>` and the
 * simulator's control API under `/sim/v1`.
 *
 * @public
 */
export class MeshServer {
  private readonly server: https.Server;
  private readonly sockets = new Set<Socket>();
  private address = '';

  constructor(private readonly options: MeshServerOptions) {
    this.server = https.createServer(
      {
        cert: options.certificates.certPem,
        key: options.certificates.keyPem,
        keepAliveTimeout: 65000,
      },
      (req, res) => {
        this.handle(req, res).catch(error => {
          if (!res.headersSent) sendError(res, error);
          else res.destroy();
        });
      },
    );
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('secureConnection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Watches are long; the server must not cut them.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60000;
  }

  /** Starts listening; resolves with the URL (the real port when 0 was asked). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    const port = (this.server.address() as { port: number }).port;
    const host = this.options.host.includes(':')
      ? `[${this.options.host}]`
      : this.options.host;
    this.address = `${host}:${port}`;
    return `https://${this.address}`;
  }

  /** Closes the server and every open connection (including watches). */
  async close() {
    const closed = new Promise<void>(resolve =>
      this.server.close(() => resolve()),
    );
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private serverFor(cluster: string) {
    return `https://${this.address}/clusters/${cluster}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://mesh-sim');
    const segments = url.pathname
      .split('/')
      .filter(s => s.length > 0)
      .map(decodeURIComponent);
    const { clusters, tokens } = this.options;
    if (segments[0] === 'clusters' && segments.length >= 2) {
      const cluster = clusters.get(segments[1]);
      if (!cluster) {
        throw new ApiError(
          404,
          'NotFound',
          `cluster "${segments[1]}" not found`,
        );
      }
      if (cluster.faults?.unreachable) {
        // An unreachable cluster answers nothing: the connection is reset.
        req.socket.destroy();
        return;
      }
      if (cluster.faults?.latencyMs) {
        await delay(cluster.faults.latencyMs);
      }
      const identity = tokens.identify(req.headers.authorization, cluster.name);
      if (!identity) throw unauthorized();
      const rest = segments.slice(2);
      const target = parseRequestTarget(
        req.method ?? 'GET',
        rest,
        url.searchParams,
      );
      if (target.kind === 'discovery') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          throw new ApiError(
            405,
            'MethodNotAllowed',
            `the server does not allow this method on the requested resource (${req.method})`,
          );
        }
        if (
          ['healthz', 'livez', 'readyz'].includes(target.path[0] ?? '') &&
          target.path.length === 1
        ) {
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('ok');
          return;
        }
        if (target.path[0] === 'openapi') {
          cluster.countRequest('get', `discovery:/${target.path.join('/')}`);
          handleOpenApi(
            target.path,
            url.searchParams,
            req,
            res,
            `/clusters/${cluster.name}`,
          );
          return;
        }
        if (!acceptsPlainJson(req.headers.accept)) {
          throw new ApiError(
            406,
            'NotAcceptable',
            'only the following media types are accepted: application/json',
          );
        }
        cluster.countRequest('get', `discovery:/${target.path.join('/')}`);
        sendJson(res, 200, discoveryDocument(target.path, this.address));
        return;
      }
      cluster.countRequest(
        target.verb,
        target.subresource
          ? `${typeKey(target.rt)}/${target.subresource}`
          : typeKey(target.rt),
      );
      authorize(
        identity,
        target.verb,
        target.rt,
        target.namespace,
        target.subresource,
      );
      const fault = drawFault(
        cluster.faults,
        target.verb,
        target.rt.resource,
        target.namespace,
        target.name,
      );
      if (fault) throw fault;
      if (target.rt.group === '' && target.rt.resource === 'endpoints') {
        // Kubernetes 1.33+ answers every request for v1 Endpoints with a deprecation warning.
        res.setHeader('Warning', [
          warningHeader(
            'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
          ),
        ]);
      }
      const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '')
        ? await readBody(req)
        : '';
      await cluster.holds.wait(
        cluster.faults,
        {
          verb: target.verb,
          resource: target.rt.resource,
          namespace: target.namespace,
          name: target.name,
        },
        res,
      );
      await handleResourceRequest(cluster, {
        rt: target.rt,
        verb: target.verb,
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
        query: url.searchParams,
        req,
        res,
        body,
      });
      return;
    }
    if (segments[0] === 'sim' && segments[1] === 'v1') {
      const identity = tokens.identify(req.headers.authorization, undefined);
      if (!identity && !tokens.isKnown(req.headers.authorization))
        throw unauthorized();
      if (identity?.role !== 'simulator-admin') {
        throw new ApiError(
          403,
          'Forbidden',
          'the /sim/v1 API needs the simulator admin token',
        );
      }
      await handleSimApi(req, res, segments.slice(2), {
        clusters,
        clock: this.options.clock,
        churn: this.options.churn,
        stats: this.options.stats,
        serverFor: c => this.serverFor(c),
      });
      return;
    }
    if (
      segments.length === 1 &&
      ['healthz', 'livez', 'readyz'].includes(segments[0])
    ) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    throw pathNotFound();
  }
}
