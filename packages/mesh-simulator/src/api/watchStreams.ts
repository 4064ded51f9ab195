import { ServerResponse } from 'node:http';
import { KubeObject } from '../store/kubeObject';
import { Change, ObjectStore } from '../store/objectStore';
import { Representation } from './mediaTypes';
import { apiVersionOf, ResourceType, typeKey } from './resourceTypes';
import { renderTable } from './tables';

/**
 * What one watch asks for.
 *
 * @public
 */
export interface WatchRequest {
  rt: ResourceType;
  namespace?: string;
  matches: (object: KubeObject) => boolean;
  representation: Representation;
  includeObject?: string;
  /** undefined or "0": start with the current state as ADDED events. */
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number;
}

interface OpenWatch {
  res: ServerResponse;
  close: () => void;
}

/**
 * The open watches of one cluster. Each watch replays the history after its
 * resourceVersion, then follows live changes, filtered as the real watch cache filters
 * (an object that stops matching is reported as DELETED, one that starts matching as ADDED).
 *
 * @public
 */
export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
    private readonly bookmarkIntervalMs: number,
    private readonly dropAfterSeconds: () => number | undefined,
  ) {}

  /** Number of watches currently streaming. */
  get count(): number {
    return this.open.size;
  }

  /** Ends every open watch once (their clients re-watch from their last resourceVersion). */
  dropAll() {
    for (const w of [...this.open]) {
      w.close();
    }
  }

  /** Starts streaming a watch on `res`. */
  start(request: WatchRequest, res: ServerResponse) {
    const { rt, namespace } = request;
    const tk = typeKey(rt);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();

    const timers: NodeJS.Timeout[] = [];
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let unsubscribe = () => {};
    const entry: OpenWatch = { res, close: () => close() };
    let closed = false;
    const open = this.open;

    const inScope = (object: KubeObject) =>
      (!namespace ||
        !rt.namespaced ||
        object.metadata.namespace === namespace) &&
      request.matches(object);

    const write = (type: string, object: unknown) => {
      if (res.destroyed || res.writableEnded) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
      // A client that stops reading is cut off, as the API server does with slow watchers.
      if (res.writableLength > 64 * 1024 * 1024) close();
    };
    const render = (object: KubeObject) => {
      if (request.representation === 'metadata') {
        return {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: object.metadata,
        };
      }
      if (request.representation === 'table') {
        return renderTable(rt, [object], request.includeObject, this.now(), {
          resourceVersion: object.metadata.resourceVersion,
        });
      }
      return object;
    };
    const bookmark = (annotations?: Record<string, string>) => {
      const metadata: Record<string, unknown> = {
        resourceVersion: String(this.store.currentRevision()),
      };
      if (annotations) metadata.annotations = annotations;
      write(
        'BOOKMARK',
        request.representation === 'metadata'
          ? {
              kind: 'PartialObjectMetadata',
              apiVersion: 'meta.k8s.io/v1',
              metadata,
            }
          : { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata },
      );
    };
    const deliver = (change: Change) => {
      if (change.typeKey !== tk) return;
      const now = change.type !== 'DELETED' && inScope(change.object);
      const before = change.previous !== undefined && inScope(change.previous);
      if (change.type === 'ADDED' && now) write('ADDED', render(change.object));
      else if (change.type === 'MODIFIED') {
        if (now && before) write('MODIFIED', render(change.object));
        else if (now) write('ADDED', render(change.object));
        else if (before) write('DELETED', render(change.object));
      } else if (change.type === 'DELETED' && before)
        write('DELETED', render(change.object));
    };

    function close(withBookmark = false) {
      if (closed) return;
      closed = true;
      if (withBookmark && request.allowBookmarks) bookmark();
      unsubscribe();
      timers.forEach(clearTimeout);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      open.delete(entry);
      if (!res.writableEnded) res.end();
    }
    res.on('close', () => close());

    const rv = request.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') {
      for (const object of this.store.list(rt, namespace)) {
        if (request.matches(object)) write('ADDED', render(object));
      }
      if (request.sendInitialEvents) {
        bookmark({ 'k8s.io/initial-events-end': 'true' });
      }
    } else {
      const revision = Number(rv);
      const changes = Number.isInteger(revision)
        ? this.store.changesSince(revision)
        : undefined;
      if (!changes) {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: Number.isInteger(revision)
            ? `too old resource version: ${rv} (${this.store.oldestResumableRevision()})`
            : `invalid resource version: ${rv}`,
          reason: 'Expired',
          code: 410,
        });
        res.end();
        return;
      }
      changes.forEach(deliver);
    }
    this.open.add(entry);
    unsubscribe = this.store.subscribe(deliver);

    timers.push(setTimeout(() => close(true), request.timeoutSeconds * 1000));
    const dropAfter = this.dropAfterSeconds();
    if (dropAfter !== undefined) {
      timers.push(setTimeout(() => close(), dropAfter * 1000));
    }
    if (request.allowBookmarks) {
      bookmarkTimer = setInterval(() => bookmark(), this.bookmarkIntervalMs);
    }
  }
}
