/**
 * Whether a version pair is within Istio's supported skew, and why.
 *
 * @public
 */
export interface SkewVerdict {
  /** False only when both versions are known and the pair breaks the rule. */
  supported: boolean;
  /** Whether both versions could be read; when not, `supported` is true and nothing was checked. */
  known: boolean;
  /** Minor releases from the first version to the second (negative when going down). */
  minorDistance?: number;
  /** One line for people: the versions and the rule applied. */
  reason: string;
}
