import {
  formatLabelSelector,
  labelSelectorFromLabels,
  matchesLabelSelector,
  parseLabelSelector,
} from '.';

describe('parseLabelSelector', () => {
  it('parses every operator of the annotation syntax', () => {
    expect(
      parseLabelSelector('a=b,c!=d,e in (f,g),h notin (i),j,!k').requirements,
    ).toEqual([
      { key: 'a', operator: 'Equals', values: ['b'] },
      { key: 'c', operator: 'NotEquals', values: ['d'] },
      { key: 'e', operator: 'In', values: ['f', 'g'] },
      { key: 'h', operator: 'NotIn', values: ['i'] },
      { key: 'j', operator: 'Exists', values: [] },
      { key: 'k', operator: 'DoesNotExist', values: [] },
    ]);
  });

  it('accepts ==, prefixed keys, spaces and an empty value', () => {
    expect(
      parseLabelSelector(
        ' backstage.io/kubernetes-id == reviews , tier in ( web , api ), x= ',
      ).requirements,
    ).toEqual([
      {
        key: 'backstage.io/kubernetes-id',
        operator: 'Equals',
        values: ['reviews'],
      },
      { key: 'tier', operator: 'In', values: ['web', 'api'] },
      { key: 'x', operator: 'Equals', values: [''] },
    ]);
  });

  it('parses an empty selector to no requirement', () => {
    expect(parseLabelSelector('  ').requirements).toEqual([]);
  });

  it('throws a clear error for invalid syntax', () => {
    expect(() => parseLabelSelector('a in b')).toThrow(
      'Invalid label selector "a in b": expected "(" to open a set of values (at character 6)',
    );
    expect(() => parseLabelSelector('a=b,')).toThrow(
      /expected a label key, found the end/,
    );
    expect(() => parseLabelSelector('a b')).toThrow(
      /expected an operator .* after "a", found "b"/,
    );
    expect(() => parseLabelSelector('a in (b')).toThrow(/expected "," or "\)"/);
    expect(() => parseLabelSelector('a=b=c')).toThrow(
      /expected "," between requirements/,
    );
    expect(() => parseLabelSelector('a>1')).toThrow(
      /the > operator is not supported/,
    );
  });

  it('throws for invalid keys and values', () => {
    expect(() => parseLabelSelector('-a=b')).toThrow(
      /"-a" is not a valid label key/,
    );
    expect(() => parseLabelSelector('Example.COM/a=b')).toThrow(
      /has an invalid prefix/,
    );
    expect(() => parseLabelSelector(`a=${'x'.repeat(64)}`)).toThrow(
      /is not a valid label value/,
    );
  });
});

describe('matchesLabelSelector', () => {
  const labels = { app: 'reviews', tier: 'web', version: 'v2' };
  const matches = (text: string) =>
    matchesLabelSelector(parseLabelSelector(text), labels);

  it('matches equality and inequality', () => {
    expect(matches('app=reviews')).toBe(true);
    expect(matches('app=ratings')).toBe(false);
    expect(matches('app!=ratings')).toBe(true);
  });

  it('matches set membership', () => {
    expect(matches('tier in (web,api)')).toBe(true);
    expect(matches('version notin (v1,v3)')).toBe(true);
    expect(matches('version notin (v2)')).toBe(false);
  });

  it('lets a missing label satisfy != and notin, as Kubernetes does', () => {
    expect(matches('team!=payments')).toBe(true);
    expect(matches('team notin (payments)')).toBe(true);
    expect(matches('team in (payments)')).toBe(false);
  });

  it('matches existence', () => {
    expect(matches('app,!team')).toBe(true);
    expect(matches('team')).toBe(false);
    expect(matches('!app')).toBe(false);
  });

  it('needs every requirement to hold', () => {
    expect(matches('app=reviews,tier=api')).toBe(false);
  });
});

describe('formatLabelSelector', () => {
  it('writes back what it parsed', () => {
    const text = 'a=b,c!=d,e in (f,g),h notin (i),j,!k';
    expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
  });

  it('builds an equality selector from labels, sorted by key', () => {
    expect(
      formatLabelSelector(
        labelSelectorFromLabels({
          'backstage.io/kubernetes-id': 'reviews',
          a: 'b',
        }),
      ),
    ).toBe('a=b,backstage.io/kubernetes-id=reviews');
  });
});
