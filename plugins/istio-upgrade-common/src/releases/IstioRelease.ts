/**
 * One minor release of Istio in the release table.
 *
 * @public
 */
export interface IstioRelease {
  /** The minor release, e.g. `1.27`. */
  minor: string;
  /** The day `<minor>.0` was released (YYYY-MM-DD). */
  releaseDate: string;
  /**
   * The day support ends (YYYY-MM-DD), when officially known. Absent, it is derived: six weeks
   * after the release of the minor two above.
   */
  endOfLife?: string;
}
