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
  /**
   * The Kubernetes minors this Istio minor supports, both ends included (`oldest: '1.30'`,
   * `newest: '1.34'`), as Istio's supported-releases table gives them; older minors that Istio only
   * tested are not in the range. Absent, the range is unknown and Kubernetes versions are not
   * checked.
   */
  kubernetes?: { oldest: string; newest: string };
}
