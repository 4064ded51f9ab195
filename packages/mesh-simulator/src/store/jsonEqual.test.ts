import { jsonEqual } from './jsonEqual';

describe('jsonEqual', () => {
  it('compares JSON values whatever the order of keys, undefined keys counting as absent', () => {
    const shared = { labels: { app: 'a' } };
    expect(jsonEqual({ a: 1, b: [1, 'x'] }, { b: [1, 'x'], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, c: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ m: shared }, { m: shared })).toBe(true);
    expect(jsonEqual([undefined], [null])).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: { b: '1' } }, { a: { b: 1 } })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(undefined, undefined)).toBe(true);
  });

  it('agrees with comparing JSON.stringify results for objects written in the same key order', () => {
    const values: unknown[] = [
      { a: 1, b: { c: [1, 2, { d: 'x' }] } },
      { a: 1, b: { c: [1, 2, { d: 'y' }] } },
      { a: 1, b: { c: [1, 2] } },
      { a: 1, b: { c: [1, 2, { d: 'x' }] }, e: null },
      { a: 1, b: { c: [1, 2, { d: 'x' }] }, e: undefined },
      { a: true },
      { a: 'true' },
      [],
      [{}],
    ];
    for (const x of values) {
      for (const y of values) {
        expect(jsonEqual(x, y)).toBe(JSON.stringify(x) === JSON.stringify(y));
      }
    }
  });
});
