import {
  formatDuration,
  formatErrorRatio,
  formatP99,
  formatWindows,
} from './campaignFormat';
import { aCampaign, aFailedGate } from '../../__testUtils__/campaignFixtures';
import { clusterProgress, isActiveCampaign, percent } from './campaignStates';
import { gateSeries } from './gateSeries';

describe('campaign figures', () => {
  it('formats durations in the units that matter', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3 h 20 min');
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h');
    expect(formatDuration(86400)).toBe('1 d');
  });

  it('formats windows, and no window as always open', () => {
    expect(
      formatWindows([
        {
          days: ['sat', 'sun'],
          start: '22:00',
          end: '04:00',
          timeZone: 'Europe/Berlin',
        },
      ]),
    ).toBe('Sat, Sun 22:00–04:00 Europe/Berlin');
    expect(formatWindows([])).toBe('any time (no window)');
  });

  it('formats gate figures, with a dash when there are none', () => {
    expect(formatErrorRatio({ requests: 10, errorRatio: 0.124 })).toBe(
      '12.40 %',
    );
    expect(formatP99({ requests: 10, p99Ms: 95.4 })).toBe('95 ms');
    expect(formatErrorRatio({ requests: 0 })).toBe('—');
    expect(formatP99(undefined)).toBe('—');
  });

  it("charts each gated wave's highest figure before and after", () => {
    const gate = aFailedGate();
    gate.subjects.push({
      kind: 'gateway',
      namespace: 'istio-ingress',
      name: 'ingressgateway',
      before: { requests: 5000, errorRatio: 0.002, p99Ms: 120 },
      after: { requests: 5000, errorRatio: 0.003, p99Ms: 118 },
      outcome: 'passed',
      reason: 'within the limits',
    });
    const waves = [
      {
        index: 0,
        kind: 'namespaces' as const,
        state: 'pending' as const,
        namespaces: [],
        requests: [],
        requestIds: [],
      },
      {
        index: 1,
        kind: 'namespaces' as const,
        state: 'rolled-back' as const,
        namespaces: [],
        requests: [],
        requestIds: [],
        gate,
      },
    ];
    expect(gateSeries(waves, 'errorRatio')).toEqual([
      { label: 'Wave 2', before: 0.2, after: 12.4, outcome: 'failed' },
    ]);
    expect(gateSeries(waves, 'p99Ms')).toEqual([
      { label: 'Wave 2', before: 120, after: 118, outcome: 'failed' },
    ]);
  });

  it('counts clusters done and tells active campaigns from finished ones', () => {
    expect(clusterProgress(aCampaign())).toEqual({ done: 0, total: 2 });
    expect(isActiveCampaign({ state: 'paused' })).toBe(true);
    expect(isActiveCampaign({ state: 'aborted' })).toBe(false);
    expect(percent(1, 3)).toBe(33);
    expect(percent(1, 0)).toBe(0);
  });
});
