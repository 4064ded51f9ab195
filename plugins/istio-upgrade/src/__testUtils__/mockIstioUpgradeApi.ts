import { ResponseError } from '@backstage/errors';
import { IstioUpgradeApi } from '../api/IstioUpgradeApi';
import {
  aCampaign,
  aCampaignPlan,
  aScheduledNamespace,
} from './campaignFixtures';
import { aCluster, anInventory } from './clusterFixtures';
import { someRevisionCandidates } from './controlPlaneFixtures';
import { anEntityView } from './entityViewFixtures';
import { aFleet } from './fleetFixtures';
import { aPlan, aRequest } from './requestFixtures';

const answers: IstioUpgradeApi = {
  listClusters: async () => [aCluster()],
  getClusterInventory: async () => anInventory(),
  getFleet: async () => aFleet(),
  getEntityView: async () => anEntityView(),
  getRevisionCandidates: async () => someRevisionCandidates(),
  getPrechecks: async () => aPlan(),
  planRequest: async () => aPlan(),
  createRequest: async () => aRequest({ state: 'running' }),
  listRequests: async () => [],
  getRequest: async () => aRequest(),
  approveRequest: async () => aRequest({ state: 'approved' }),
  rejectRequest: async () => aRequest({ state: 'rejected' }),
  cancelRequest: async () => aRequest({ state: 'cancelled' }),
  rollbackRequest: async () =>
    aRequest({ id: 'rollback-1', rollbackOf: aRequest().id }),
  listCampaigns: async () => [],
  planCampaign: async () => aCampaignPlan(),
  createCampaign: async draft =>
    aCampaign({
      id: 'camp-new',
      name: draft.name,
      state: 'pending-approval',
      allowedActions: [],
    }),
  getCampaign: async () => aCampaign(),
  decideCampaign: async (_id, action) =>
    aCampaign({
      state: action === 'pause' ? 'paused' : 'running',
      allowedActions: action === 'pause' ? ['resume', 'abort'] : ['pause'],
    }),
  skipCampaignCluster: async () => aCampaign(),
  // No service is in a campaign unless a test says so.
  getEntityCampaignWaves: async () => [],
  changeNamespaceSchedule: async () => aScheduledNamespace(),
};

/** An {@link IstioUpgradeApi} of jest mocks answering with the fixtures; override per test. */
export function mockIstioUpgradeApi(
  overrides: Partial<IstioUpgradeApi> = {},
): jest.Mocked<IstioUpgradeApi> {
  const impl = { ...answers, ...overrides };
  return {
    listClusters: jest.fn(impl.listClusters),
    getClusterInventory: jest.fn(impl.getClusterInventory),
    getFleet: jest.fn(impl.getFleet),
    getEntityView: jest.fn(impl.getEntityView),
    getRevisionCandidates: jest.fn(impl.getRevisionCandidates),
    getPrechecks: jest.fn(impl.getPrechecks),
    planRequest: jest.fn(impl.planRequest),
    createRequest: jest.fn(impl.createRequest),
    listRequests: jest.fn(impl.listRequests),
    getRequest: jest.fn(impl.getRequest),
    approveRequest: jest.fn(impl.approveRequest),
    rejectRequest: jest.fn(impl.rejectRequest),
    cancelRequest: jest.fn(impl.cancelRequest),
    rollbackRequest: jest.fn(impl.rollbackRequest),
    listCampaigns: jest.fn(impl.listCampaigns),
    planCampaign: jest.fn(impl.planCampaign),
    createCampaign: jest.fn(impl.createCampaign),
    getCampaign: jest.fn(impl.getCampaign),
    decideCampaign: jest.fn(impl.decideCampaign),
    skipCampaignCluster: jest.fn(impl.skipCampaignCluster),
    getEntityCampaignWaves: jest.fn(impl.getEntityCampaignWaves),
    changeNamespaceSchedule: jest.fn(impl.changeNamespaceSchedule),
  };
}

/** A promise that never settles, to hold a component in its loading state. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** What the API client throws when the backend answers with an error (a `@backstage/errors` body). */
export function backendError(error: {
  status: number;
  name: string;
  message: string;
}): Promise<ResponseError> {
  const { status, name, message } = error;
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
