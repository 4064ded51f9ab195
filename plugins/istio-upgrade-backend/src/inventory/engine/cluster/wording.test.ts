import { agree, listed, plural, selectorMatches } from './wording';

describe('inventory wording', () => {
  it('counts, agrees and lists in plain English', () => {
    expect(plural(1, 'pod')).toBe('1 pod');
    expect(plural(3, 'pod')).toBe('3 pods');
    expect(agree(1, 'runs', 'run')).toBe('runs');
    expect(agree(2, 'runs', 'run')).toBe('run');
    expect(listed(['a', 'b'])).toBe('a, b');
    expect(listed(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe(
      'a, b, c, d, e and 2 more',
    );
  });

  it('matches a selector only when it has keys and every one agrees', () => {
    expect(selectorMatches({}, { app: 'x' })).toBe(false);
    expect(selectorMatches({ app: 'x' }, { app: 'x', v: '1' })).toBe(true);
    expect(selectorMatches({ app: 'x', v: '2' }, { app: 'x', v: '1' })).toBe(
      false,
    );
  });
});
