import { campaignDraftOf, emptyCampaignForm } from './campaignDraft';

describe('campaignDraftOf', () => {
  it("leaves out what is empty, so that the backend's defaults apply", () => {
    const form = {
      ...emptyCampaignForm('1.30.0'),
      name: ' Fleet ',
      rings: [{ name: 'staging', clusters: ['seed'], owner: '' }],
      namespacesPerWave: '',
      soakSeconds: '',
      gateWindowSeconds: '',
      max5xxIncreasePoints: '1.5',
      maxP99IncreasePercent: '',
      notifyAheadSeconds: '',
      maxDeferSeconds: '',
      exclude: 'kube-system, monitoring  logging',
    };
    expect(campaignDraftOf(form)).toEqual({
      draft: {
        name: 'Fleet',
        targetVersion: '1.30.0',
        rings: [{ name: 'staging', clusters: ['seed'] }],
        waves: {
          strategy: 'size',
          exclude: ['kube-system', 'monitoring', 'logging'],
        },
        steps: {
          gatewayCutover: true,
          tagMove: true,
          removeOldRevision: false,
        },
        gate: { max5xxIncreasePoints: 1.5 },
      },
    });
  });

  it('names a field that is not a number', () => {
    expect(
      campaignDraftOf({ ...emptyCampaignForm(), maxDeferSeconds: '2 days' }),
    ).toEqual({ problem: 'Max defer seconds is not a number' });
  });
});
