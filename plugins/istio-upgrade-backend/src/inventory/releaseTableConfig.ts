import { Config } from '@backstage/config';
import {
  DEFAULT_ISTIO_RELEASES,
  IstioRelease,
  mergeReleaseTable,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The Istio release table: the common package's data, with `istioUpgrade.releases` overriding or adding
 * minors (for example a vendor's extended support, or a release newer than this plugin). A minor already
 * in the table may set only the fields it changes; `mergeReleaseTable` checks the values.
 */
export function readReleaseTable(config: Config): IstioRelease[] {
  const date = (c: Config, key: string) => {
    const value = c.getString(key);
    if (!DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw new Error(
        `istioUpgrade.releases: ${key} "${value}" is not a date (YYYY-MM-DD)`,
      );
    }
    return value;
  };
  const overrides = (
    config.getOptionalConfigArray('istioUpgrade.releases') ?? []
  ).map(c => {
    const minor = c.getString('minor');
    if (!/^\d+\.\d+$/.test(minor)) {
      throw new Error(
        `istioUpgrade.releases: minor "${minor}" is not like 1.27`,
      );
    }
    const kubernetes = c.getOptionalConfig('kubernetes');
    return {
      minor,
      ...(c.has('releaseDate') ? { releaseDate: date(c, 'releaseDate') } : {}),
      ...(c.has('endOfLife') ? { endOfLife: date(c, 'endOfLife') } : {}),
      ...(kubernetes
        ? {
            kubernetes: {
              oldest: kubernetes.getString('oldest'),
              newest: kubernetes.getString('newest'),
            },
          }
        : {}),
    };
  });
  return mergeReleaseTable(DEFAULT_ISTIO_RELEASES, overrides);
}
