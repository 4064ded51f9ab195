import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterHttpClient } from './ClusterHttpClient';
import { KubernetesApiError } from './KubernetesApiError';
import { ObjectRecords, RecordIndex } from './ObjectRecords';

/** How to list, watch and project one kind of Kubernetes resource. */
export interface ResourceKind<R, I extends RecordIndex<R> = RecordIndex<R>> {
  /** Name for logs and sync state, e.g. `pods`. */
  name: string;
  /** Collection path, e.g. `/api/v1/pods`. */
  path: string;
  listAccept?: string;
  watchAccept?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * The resource comes from an API a cluster may not serve (a CRD): a 404 on the list means none, not
   * an error, and the list is tried again after a watch timeout in case the API is installed. A 403
   * (RBAC that predates the kind) also leaves none, so the rest of the inventory stays usable, but is
   * reported as the watcher's error.
   */
  optional?: boolean;
  /**
   * Projects an object (full or metadata-only) to the record kept for it, at once; `undefined` means the
   * object is not kept.
   */
  project(object: any): R | undefined;
  /**
   * Makes the index a store of these records keeps up to date (a new one for each list, which
   * replaces the whole store).
   */
  index?: () => I;
}

/** What a watcher knows of its own health. */
export interface WatcherState {
  /** A full list has completed at least once: the store is whole. */
  listed: boolean;
  /** A watch stream is open and up to date. */
  connected: boolean;
  /** When the watcher was last known up to date (list done or event/bookmark received). */
  upToDateAt?: number;
  /** The last error, until the watcher recovers. */
  error?: string;
  resourceVersion?: string;
  relists: number;
}

/** Timings of a watcher; defaults suit production. */
export interface WatcherOptions {
  pageSize: number;
  /** Server-side watch timeout; each watch gets up to 20 % more, at random, so watches do not align. */
  watchTimeoutSeconds: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** A watch that says nothing (not even a bookmark) for this long is presumed dead and reopened. */
  silenceMs: number;
}

export const DEFAULT_WATCHER_OPTIONS: WatcherOptions = {
  pageSize: 500,
  watchTimeoutSeconds: 300,
  backoffMinMs: 500,
  backoffMaxMs: 30_000,
  silenceMs: 420_000,
};

class Gone extends Error {}

function isGone(error: unknown): boolean {
  return (
    error instanceof Gone ||
    (error instanceof KubernetesApiError && error.status === 410)
  );
}

/**
 * Keeps the projected records of one resource kind of one cluster: lists it (in pages), then watches it
 * from the list's resourceVersion; resumes a watch that ends from the last resourceVersion seen
 * (bookmarks included), lists again on 410 Gone, backs off with full jitter on errors and honours
 * `Retry-After`. While a new list is in progress the previous records stay in place, so readers never see
 * a half-listed store.
 */
export class ResourceWatcher<R, I extends RecordIndex<R> = RecordIndex<R>> {
  /** The records, by namespace and name. */
  items: ObjectRecords<R, I>;
  readonly state: WatcherState = {
    listed: false,
    connected: false,
    relists: 0,
  };
  private stopped = false;
  /** Consecutive failures; a successful list or an opened watch ends the streak. */
  private failures = 0;
  private controller?: AbortController;
  private loop?: Promise<void>;

  constructor(
    private readonly client: ClusterHttpClient,
    private readonly kind: ResourceKind<R, I>,
    private readonly options: {
      logger: LoggerService;
      onChange: () => void;
      timing?: Partial<WatcherOptions>;
      random?: () => number;
      sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
    },
  ) {
    this.items = this.newRecords();
  }

  private newRecords(): ObjectRecords<R, I> {
    return new ObjectRecords<R, I>(this.kind.index?.());
  }

  private get timing(): WatcherOptions {
    return { ...DEFAULT_WATCHER_OPTIONS, ...this.options.timing };
  }

  start(): void {
    if (!this.loop) {
      this.stopped = false;
      this.loop = this.run();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort(new Error('stopped'));
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        if (!this.state.resourceVersion) {
          if (!(await this.list(this.controller.signal))) {
            await this.awaitApi(this.controller.signal);
            continue;
          }
        }
        await this.watch(this.controller.signal);
      } catch (error) {
        this.state.connected = false;
        if (this.stopped) break;
        if (isGone(error)) {
          this.state.resourceVersion = undefined;
          this.state.relists += 1;
          continue;
        }
        this.failures += 1;
        this.state.error = (error as Error).message;
        const retryAfterMs =
          error instanceof KubernetesApiError &&
          error.retryAfterSeconds !== undefined
            ? error.retryAfterSeconds * 1000
            : 0;
        const ceiling = Math.min(
          this.timing.backoffMaxMs,
          this.timing.backoffMinMs * 2 ** Math.min(this.failures - 1, 16),
        );
        const jittered = (this.options.random ?? Math.random)() * ceiling;
        const delay = Math.max(retryAfterMs, jittered, 50);
        this.options.logger.debug(
          `${this.kind.name}: ${
            (error as Error).message
          }; retrying in ${Math.round(delay)} ms`,
        );
        await this.pause(delay, this.controller.signal);
      }
    }
    this.state.connected = false;
  }

  /** Lists the resource; false when it is optional and the cluster does not serve its API. */
  private async list(signal: AbortSignal): Promise<boolean> {
    const next = this.newRecords();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      let page: any;
      try {
        page = await this.client.request<any>({
          path: this.kind.path,
          accept: this.kind.listAccept,
          query: {
            limit: this.timing.pageSize,
            continue: continueToken,
            labelSelector: this.kind.labelSelector,
            fieldSelector: this.kind.fieldSelector,
          },
          signal,
        });
      } catch (error) {
        if (
          this.kind.optional &&
          error instanceof KubernetesApiError &&
          (error.status === 404 || error.status === 403)
        ) {
          this.absent(
            error.status === 403
              ? `${this.kind.name} cannot be read: ${error.message}`
              : undefined,
          );
          return false;
        }
        throw error;
      }
      for (const object of page.items ?? []) {
        const record = this.kind.project(object);
        if (record !== undefined) {
          next.set(
            object.metadata?.namespace ?? '',
            object.metadata?.name,
            record,
          );
        }
      }
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (continueToken);
    this.items = next;
    this.state.resourceVersion = resourceVersion;
    this.state.listed = true;
    this.state.upToDateAt = Date.now();
    this.state.error = undefined;
    this.failures = 0;
    this.options.onChange();
    return true;
  }

  /**
   * The API is not served (or not to us: `error` says so): no objects, and the store is whole and up
   * to date for now.
   */
  private absent(error?: string): void {
    this.items = this.newRecords();
    this.state.resourceVersion = undefined;
    this.state.listed = true;
    this.state.connected = true;
    this.state.upToDateAt = Date.now();
    this.state.error = error;
    this.failures = 0;
    this.options.onChange();
  }

  /** Waits `ms`; a stop ends the wait early, and the loop then sees that it stopped. */
  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await (this.options.sleep ?? sleep)(ms, signal);
    } catch (error) {
      if (!signal.aborted) {
        this.options.logger.warn(
          `${this.kind.name}: a wait between retries ended early: ${error}`,
        );
      }
    }
  }

  /** Waits a watch timeout before looking for the API again. */
  private async awaitApi(signal: AbortSignal): Promise<void> {
    await this.pause(this.timing.watchTimeoutSeconds * 1000, signal);
    this.state.connected = false;
    this.state.relists += 1;
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const timing = this.timing;
    const timeoutSeconds = Math.round(
      timing.watchTimeoutSeconds *
        (1 + 0.2 * (this.options.random ?? Math.random)()),
    );
    const watchController = new AbortController();
    const abortWatch = () => watchController.abort(signal.reason);
    signal.addEventListener('abort', abortWatch, { once: true });
    let silence: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(
        () => watchController.abort(new Error('the watch went silent')),
        timing.silenceMs,
      );
    };
    try {
      heard();
      await this.client.watch(
        {
          path: this.kind.path,
          accept: this.kind.watchAccept,
          query: {
            watch: 1,
            resourceVersion: this.state.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            labelSelector: this.kind.labelSelector,
            fieldSelector: this.kind.fieldSelector,
          },
          signal: watchController.signal,
          onOpen: () => {
            this.failures = 0;
            this.state.connected = true;
            this.state.error = undefined;
            this.state.upToDateAt = Date.now();
          },
        },
        event => {
          heard();
          this.apply(event);
        },
      );
    } finally {
      clearTimeout(silence);
      signal.removeEventListener('abort', abortWatch);
    }
  }

  private apply(event: { type: string; object: any }): void {
    const { type, object } = event;
    if (type === 'ERROR') {
      if (object?.code === 410) throw new Gone(object?.message ?? 'Gone');
      throw new KubernetesApiError(
        `WATCH ${this.kind.path}: ${object?.message ?? 'error event'}`,
        object?.code,
        object?.reason,
      );
    }
    const resourceVersion = object?.metadata?.resourceVersion;
    if (resourceVersion) this.state.resourceVersion = resourceVersion;
    this.state.upToDateAt = Date.now();
    if (type === 'BOOKMARK') return;
    const namespace: string = object?.metadata?.namespace ?? '';
    const name: string = object?.metadata?.name;
    if (type === 'DELETED') {
      this.items.delete(namespace, name);
    } else {
      const record = this.kind.project(object);
      if (record === undefined) this.items.delete(namespace, name);
      else this.items.set(namespace, name, record);
    }
    this.options.onChange();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
