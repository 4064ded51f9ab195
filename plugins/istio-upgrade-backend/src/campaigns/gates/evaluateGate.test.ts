import {
  DEFAULT_GATE_THRESHOLDS,
  GateFigures,
  evaluateGate,
  resolveGateThresholds,
} from './evaluateGate';

const figures = (
  requests: number,
  errorRatio: number | null,
  p99Ms: number | null,
): GateFigures => ({ requests, errorRatio, p99Ms });

describe('evaluateGate', () => {
  it('passes when neither figure rose beyond its limit, giving both figures', () => {
    expect(
      evaluateGate(figures(1000, 0.01, 100), figures(1200, 0.014, 119)),
    ).toEqual({
      outcome: 'passed',
      reason:
        '5xx ratio 1.00% → 1.40% (+0.40 points, limit +0.5); p99 100 ms → 119 ms (+19.0%, limit +20%)',
    });
  });

  it('fails when the 5xx ratio rises by more than 0.5 points', () => {
    const result = evaluateGate(
      figures(1000, 0.01, 100),
      figures(1000, 0.0151, 100),
    );
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe(
      '5xx ratio 1.00% → 1.51% (+0.51 points, more than +0.5); p99 100 ms → 100 ms (+0.0%, limit +20%)',
    );
  });

  it('fails when p99 rises by more than 20 %, and lists every failure first', () => {
    expect(
      evaluateGate(figures(500, 0.002, 8), figures(500, 0.2, 9.8)).reason,
    ).toBe(
      '5xx ratio 0.20% → 20.00% (+19.80 points, more than +0.5); p99 8.0 ms → 9.8 ms (+22.5%, more than +20%)',
    );
    const slower = evaluateGate(figures(500, 0, 200), figures(500, 0, 241));
    expect(slower).toEqual({
      outcome: 'failed',
      reason:
        'p99 200 ms → 241 ms (+20.5%, more than +20%); 5xx ratio 0.00% → 0.00% (+0.00 points, limit +0.5)',
    });
  });

  it('passes on improvements and at exactly the limits', () => {
    expect(
      evaluateGate(figures(100, 0.05, 300), figures(100, 0, 100)).outcome,
    ).toBe('passed');
    expect(
      evaluateGate(figures(100, 0.01, 100), figures(100, 0.015, 120)).outcome,
    ).toBe('passed');
  });

  it('uses the thresholds given', () => {
    const strict = { max5xxIncreasePoints: 0.1, maxP99IncreasePercent: 5 };
    expect(
      evaluateGate(figures(100, 0.01, 100), figures(100, 0.012, 100), strict)
        .outcome,
    ).toBe('failed');
    expect(
      evaluateGate(figures(100, 0.01, 100), figures(100, 0.01, 106), strict)
        .outcome,
    ).toBe('failed');
    const lax = { max5xxIncreasePoints: 50, maxP99IncreasePercent: 500 };
    expect(
      evaluateGate(figures(100, 0, 100), figures(100, 0.4, 500), lax).outcome,
    ).toBe('passed');
  });

  it('passes a subject without traffic in a window, with a note', () => {
    expect(
      evaluateGate(figures(0, null, null), figures(0, null, null)),
    ).toEqual({
      outcome: 'passed',
      reason:
        'no traffic before or after the wave: nothing to compare, not gated',
    });
    expect(
      evaluateGate(figures(0, null, null), figures(40, 0.5, 900)).reason,
    ).toBe(
      'no traffic before the wave (40 requests after): nothing to compare, not gated',
    );
    expect(
      evaluateGate(figures(40, 0, 10), figures(0, null, null)).reason,
    ).toBe(
      'no traffic after the wave (40 requests before): nothing to compare, not gated',
    );
  });

  it('compares the 5xx ratio alone when a window has no duration buckets', () => {
    expect(evaluateGate(figures(100, 0, null), figures(100, 0.1, 50))).toEqual({
      outcome: 'failed',
      reason:
        '5xx ratio 0.00% → 10.00% (+10.00 points, more than +0.5); p99 not compared (no request duration buckets in one of the windows)',
    });
  });

  it('counts a p99 rising from zero as an unbounded rise', () => {
    expect(
      evaluateGate(figures(100, 0, 0), figures(100, 0, 1)).reason,
    ).toContain('p99 0.0 ms → 1.0 ms (+∞%, more than +20%)');
  });
});

describe('resolveGateThresholds', () => {
  it('fills in the defaults of issue 14', () => {
    expect(resolveGateThresholds()).toEqual({
      max5xxIncreasePoints: 0.5,
      maxP99IncreasePercent: 20,
      windowSeconds: 600,
    });
    expect(resolveGateThresholds({ windowSeconds: 30 })).toEqual({
      ...DEFAULT_GATE_THRESHOLDS,
      windowSeconds: 30,
    });
  });

  it('refuses negative, non-numeric and too short settings', () => {
    expect(() => resolveGateThresholds({ max5xxIncreasePoints: -1 })).toThrow(
      'gate threshold max5xxIncreasePoints must be a number of at least 0',
    );
    expect(() =>
      resolveGateThresholds({ maxP99IncreasePercent: Number.NaN }),
    ).toThrow('maxP99IncreasePercent');
    expect(() => resolveGateThresholds({ windowSeconds: 0.5 })).toThrow(
      'gate threshold windowSeconds must be at least 1',
    );
  });
});
