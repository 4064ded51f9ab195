import { ServerResponse } from 'node:http';
import { FaultConfig, verbAndResourceMatch } from './faultRules';

/**
 * A request a hold caught, as `GET /sim/v1/clusters/<name>/holds` lists it.
 *
 * @public
 */
export interface HeldRequest {
  /** The index of the hold in the faults' `holds`. */
  hold: number;
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  heldAt: string;
  /** When it went on to be processed: its time ran out, or it was released. */
  releasedAt?: string;
  /** The HTTP status it was answered, once answered. */
  status?: number;
}

/** What the server knows of a request when it decides whether to hold it. */
export interface HoldCandidate {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/**
 * The holds of one cluster at work: each hold of the faults catches the first request that matches
 * it, which then waits before it is processed. Setting the faults again arms every hold anew.
 */
export class RequestHolds {
  private caught = new Set<number>();
  private records: HeldRequest[] = [];
  private readonly waiting = new Map<HeldRequest, () => void>();

  /**
   * Resolves once the request may be processed: at once, unless it is the first to match a hold of
   * `faults`; then after the hold's seconds or a release. Its answer's status is recorded.
   */
  async wait(
    faults: FaultConfig | undefined,
    request: HoldCandidate,
    res: ServerResponse,
  ): Promise<void> {
    const index = (faults?.holds ?? []).findIndex(
      (hold, i) =>
        !this.caught.has(i) &&
        verbAndResourceMatch(hold, request.verb, request.resource) &&
        (hold.namespace === undefined ||
          hold.namespace === request.namespace) &&
        (hold.name === undefined || hold.name === request.name),
    );
    if (index < 0) return;
    this.caught.add(index);
    const record: HeldRequest = {
      hold: index,
      verb: request.verb,
      resource: request.resource,
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.name ? { name: request.name } : {}),
      heldAt: new Date().toISOString(),
    };
    this.records.push(record);
    res.once('finish', () => {
      record.status = res.statusCode;
    });
    await new Promise<void>(resolve => {
      const timer = setTimeout(
        () => this.waiting.get(record)?.(),
        faults!.holds![index].seconds * 1000,
      );
      this.waiting.set(record, () => {
        clearTimeout(timer);
        this.waiting.delete(record);
        record.releasedAt = new Date().toISOString();
        resolve();
      });
    });
  }

  /** Lets every request held now go on; answers how many there were. */
  release(): number {
    const held = [...this.waiting.values()];
    for (const go of held) go();
    return held.length;
  }

  /** Releases what is held and forgets what was caught: the faults were set again. */
  reset() {
    this.release();
    this.caught = new Set();
    this.records = [];
  }

  /** Every request caught since the faults were set, oldest first. */
  list(): HeldRequest[] {
    return this.records.map(r => ({ ...r }));
  }
}
