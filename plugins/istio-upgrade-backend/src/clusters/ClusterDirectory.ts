import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { Cluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterConfig } from './clusterConfig';
import { checkClusterUrl } from './clusterUrlGuard';

/** Annotations of the Backstage Kubernetes plugin that describe a cluster entity. */
export const ANNOTATION_API_SERVER = 'kubernetes.io/api-server';
export const ANNOTATION_API_SERVER_CA =
  'kubernetes.io/api-server-certificate-authority';
export const ANNOTATION_AUTH_PROVIDER = 'kubernetes.io/auth-provider';
export const ANNOTATION_SKIP_TLS_VERIFY = 'kubernetes.io/skip-tls-verify';

/** The only auth provider the plugin supports: a service-account token from backend config. */
export const SUPPORTED_AUTH_PROVIDER = 'serviceAccount';

/**
 * How to reach one cluster. Holds the token: stays inside the backend, never serialized to a response.
 */
export interface ClusterConnection {
  name: string;
  /** The API server's URL; may carry a path (`https://host/clusters/prod`). */
  url: URL;
  /** PEM certificate authority bundle; the system's CAs when absent. */
  caPem?: string;
  skipTlsVerify: boolean;
  token: string;
}

/** What the catalog says of a cluster and whether it can be used; the inventory adds the sync state. */
export type ClusterIdentity = Omit<Cluster, 'sync'>;

/** A catalog-registered cluster: what may be shown, and how to connect when it can be. */
export interface ClusterEntry {
  cluster: ClusterIdentity;
  connection?: ClusterConnection;
}

function ownerOf(entity: Entity): string | undefined {
  return entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef;
}

function decodeCa(value: string): string {
  const trimmed = value.trim();
  const pem = trimmed.startsWith('-----BEGIN')
    ? trimmed
    : Buffer.from(trimmed, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(
      `the ${ANNOTATION_API_SERVER_CA} annotation is not a PEM certificate (plain or base64)`,
    );
  }
  return pem;
}

/**
 * Turns a catalog entity into a cluster entry, with a status that says why it cannot be used when it
 * cannot. Never throws for a bad entity.
 */
export async function toClusterEntry(
  entity: Entity,
  config: ClusterConfig,
): Promise<ClusterEntry> {
  const annotations = entity.metadata.annotations ?? {};
  const name = entity.metadata.name;
  const base: ClusterIdentity = {
    name,
    entityRef: stringifyEntityRef(entity),
    status: 'ready',
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    ...(ownerOf(entity) ? { owner: ownerOf(entity) } : {}),
  };
  const refuse = (
    status: Cluster['status'],
    message: string,
  ): ClusterEntry => ({
    cluster: { ...base, status, message },
  });

  const rawUrl = annotations[ANNOTATION_API_SERVER];
  if (!rawUrl) {
    return refuse(
      'invalid',
      `the ${ANNOTATION_API_SERVER} annotation is missing`,
    );
  }
  let url: URL;
  try {
    url = await checkClusterUrl(rawUrl, {
      allowedPrivateHosts: config.allowedPrivateHosts,
    });
  } catch (error) {
    return refuse('refused-url', (error as Error).message);
  }
  base.apiServerHost = url.host;

  const authProvider =
    annotations[ANNOTATION_AUTH_PROVIDER] ?? SUPPORTED_AUTH_PROVIDER;
  if (authProvider !== SUPPORTED_AUTH_PROVIDER) {
    return refuse(
      'unsupported-auth-provider',
      `auth provider "${authProvider}" is not supported; use "${SUPPORTED_AUTH_PROVIDER}" with a token in istioUpgrade.clusters.credentials.${name}`,
    );
  }
  const token = config.tokens.get(name);
  if (!token) {
    return refuse(
      'no-credentials',
      `no service-account token is configured in istioUpgrade.clusters.credentials.${name}`,
    );
  }
  let caPem: string | undefined;
  try {
    const ca = annotations[ANNOTATION_API_SERVER_CA];
    caPem = ca ? decodeCa(ca) : undefined;
  } catch (error) {
    return refuse('invalid', (error as Error).message);
  }
  return {
    cluster: base,
    connection: {
      name,
      url,
      caPem,
      token,
      skipTlsVerify:
        config.allowSkipTlsVerify &&
        annotations[ANNOTATION_SKIP_TLS_VERIFY] === 'true',
    },
  };
}

const UNKNOWN_NAME_REFRESH_MS = 5000;

/** What changed in the directory after a refresh. */
export interface ClusterDirectoryChange {
  added: ClusterEntry[];
  changed: ClusterEntry[];
  removed: string[];
}

function sameEntry(a: ClusterEntry, b: ClusterEntry): boolean {
  const key = (e: ClusterEntry) =>
    JSON.stringify([
      e.cluster,
      e.connection && {
        url: e.connection.url.toString(),
        ca: e.connection.caPem,
        skip: e.connection.skipTlsVerify,
        token: e.connection.token,
      },
    ]);
  return key(a) === key(b);
}

/**
 * The clusters registered in the catalog (`Resource` entities of type `kubernetes-cluster`), re-read on a
 * schedule; listeners hear of clusters added, changed and removed.
 */
export class ClusterDirectory {
  private entries = new Map<string, ClusterEntry>();
  private listeners: Array<(change: ClusterDirectoryChange) => void> = [];
  private loadedAt?: number;
  private refreshing?: Promise<void>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      config: ClusterConfig;
    },
  ) {}

  /** Hears every change after a refresh. */
  onChange(listener: (change: ClusterDirectoryChange) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the catalog; concurrent calls share one read. */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.load().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const { catalog, auth, config, logger } = this.options;
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': 'kubernetes-cluster' } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const next = new Map<string, ClusterEntry>();
    for (const entity of items) {
      const entry = await toClusterEntry(entity, config);
      const existing = next.get(entry.cluster.name);
      if (existing) {
        next.set(entry.cluster.name, {
          cluster: {
            ...existing.cluster,
            status: 'invalid',
            message: `more than one kubernetes-cluster entity is named "${entry.cluster.name}" (${existing.cluster.entityRef}, ${entry.cluster.entityRef})`,
          },
        });
        continue;
      }
      next.set(entry.cluster.name, entry);
    }

    const change: ClusterDirectoryChange = {
      added: [],
      changed: [],
      removed: [],
    };
    for (const [name, entry] of next) {
      const before = this.entries.get(name);
      if (!before) change.added.push(entry);
      else if (!sameEntry(before, entry)) change.changed.push(entry);
    }
    for (const name of this.entries.keys()) {
      if (!next.has(name)) change.removed.push(name);
    }
    this.entries = next;
    this.loadedAt = Date.now();

    for (const entry of [...change.added, ...change.changed]) {
      if (entry.cluster.status !== 'ready') {
        logger.warn(
          `Cluster ${entry.cluster.name} cannot be used: ${entry.cluster.message}`,
        );
      }
    }
    if (change.added.length || change.changed.length || change.removed.length) {
      logger.info(
        `Clusters from the catalog: ${next.size} (${change.added.length} added, ${change.changed.length} changed, ${change.removed.length} removed)`,
      );
      for (const listener of this.listeners) {
        listener(change);
      }
    }
  }

  /** All clusters, sorted by name; reads the catalog first if it never was. */
  async list(): Promise<ClusterEntry[]> {
    if (this.loadedAt === undefined) {
      await this.refresh();
    }
    return [...this.entries.values()].sort((a, b) =>
      a.cluster.name.localeCompare(b.cluster.name),
    );
  }

  /**
   * One cluster by name. An unknown name triggers a catalog read (at most one every few seconds, so that
   * made-up names cannot flood the catalog), so that a cluster registered since the last refresh is found.
   *
   * @throws NotFoundError when the catalog has no such cluster
   */
  async get(name: string): Promise<ClusterEntry> {
    const stale =
      this.loadedAt === undefined ||
      Date.now() - this.loadedAt > UNKNOWN_NAME_REFRESH_MS;
    if (stale && !this.entries.has(name)) {
      await this.refresh();
    }
    const entry = this.entries.get(name);
    if (!entry) {
      throw new NotFoundError(
        `No kubernetes-cluster named "${name}" in the catalog`,
      );
    }
    return entry;
  }
}
