import { GatewayApiGateway } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The Gateway API gateway ingress/web of class istio, deployed by 1-9-7 through the default tag. */
export function aGatewayApiGateway(
  overrides: Partial<GatewayApiGateway> = {},
): GatewayApiGateway {
  return {
    namespace: 'ingress',
    name: 'web',
    gatewayClassName: 'istio',
    revisionLabel: 'default',
    tag: 'default',
    revision: '1-9-7',
    deployment: 'web-istio',
    deployed: true,
    replicas: 2,
    readyReplicas: 2,
    podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 2 }],
    programmed: true,
    ...overrides,
  };
}
