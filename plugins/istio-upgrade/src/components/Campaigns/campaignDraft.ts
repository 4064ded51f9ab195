import { CreateCampaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** One ring as the create dialog edits it: a name and its clusters, chosen by name or by owner. */
export interface RingForm {
  name: string;
  clusters: string[];
  owner: string;
}

/**
 * The create dialog's fields. Numbers stay text while people type; an empty one is left out of the
 * draft, so that the backend's default applies.
 */
export interface CampaignForm {
  name: string;
  targetVersion: string;
  rings: RingForm[];
  namespacesPerWave: string;
  exclude: string;
  gatewayCutover: boolean;
  tagMove: boolean;
  removeOldRevision: boolean;
  soakSeconds: string;
  gateWindowSeconds: string;
  max5xxIncreasePoints: string;
  maxP99IncreasePercent: string;
  notifyAheadSeconds: string;
  maxDeferSeconds: string;
  comment: string;
}

/** The dialog's first state: one empty ring and the backend's defaults written out. */
export function emptyCampaignForm(targetVersion = ''): CampaignForm {
  return {
    name: '',
    targetVersion,
    rings: [{ name: 'staging', clusters: [], owner: '' }],
    namespacesPerWave: '5',
    exclude: '',
    gatewayCutover: true,
    tagMove: true,
    removeOldRevision: false,
    // Empty: the backend's settings apply (istioUpgrade.campaigns: 24 h soak and notice, a 600 s gate
    // window, +0.5 points and +20 %, 7 days of deferral by default; seconds in the demo).
    soakSeconds: '',
    gateWindowSeconds: '',
    max5xxIncreasePoints: '',
    maxP99IncreasePercent: '',
    notifyAheadSeconds: '',
    maxDeferSeconds: '',
    comment: '',
  };
}

function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : NaN;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/** An object with no field as undefined, so that it is left out of the body. */
function orUndefined<T extends object>(value: T): T | undefined {
  return Object.keys(value).length ? value : undefined;
}

/**
 * The body of a campaign's dry run and creation. The backend validates it (rings, clusters,
 * windows, limits) and names what is wrong; here only a number that is not one is refused, since it
 * cannot be sent as one.
 */
export function campaignDraftOf(
  form: CampaignForm,
): { draft: Omit<CreateCampaign, 'dryRun'> } | { problem: string } {
  const numbers = {
    'Namespaces per wave': numberOf(form.namespacesPerWave),
    'Soak seconds': numberOf(form.soakSeconds),
    'Gate window seconds': numberOf(form.gateWindowSeconds),
    '5xx increase points': numberOf(form.max5xxIncreasePoints),
    'p99 increase %': numberOf(form.maxP99IncreasePercent),
    'Notify ahead seconds': numberOf(form.notifyAheadSeconds),
    'Max defer seconds': numberOf(form.maxDeferSeconds),
  };
  for (const [label, value] of Object.entries(numbers)) {
    if (Number.isNaN(value)) return { problem: `${label} is not a number` };
  }
  const exclude = form.exclude
    .split(/[\s,]+/)
    .map(s => s.trim())
    .filter(Boolean);
  const draft: Omit<CreateCampaign, 'dryRun'> = withoutUndefined({
    name: form.name.trim(),
    targetVersion: form.targetVersion.trim(),
    rings: form.rings.map(r =>
      withoutUndefined({
        name: r.name.trim(),
        clusters: r.clusters.length ? [...r.clusters] : undefined,
        owner: r.owner.trim() || undefined,
      }),
    ),
    waves: withoutUndefined({
      strategy: 'size' as const,
      namespacesPerWave: numbers['Namespaces per wave'],
      exclude: exclude.length ? exclude : undefined,
    }),
    steps: {
      gatewayCutover: form.gatewayCutover,
      tagMove: form.tagMove,
      removeOldRevision: form.removeOldRevision,
    },
    soakSeconds: numbers['Soak seconds'],
    gate: orUndefined(
      withoutUndefined({
        windowSeconds: numbers['Gate window seconds'],
        max5xxIncreasePoints: numbers['5xx increase points'],
        maxP99IncreasePercent: numbers['p99 increase %'],
      }),
    ),
    notifyAheadSeconds: numbers['Notify ahead seconds'],
    maxDeferSeconds: numbers['Max defer seconds'],
    comment: form.comment.trim() || undefined,
  });
  return { draft };
}
