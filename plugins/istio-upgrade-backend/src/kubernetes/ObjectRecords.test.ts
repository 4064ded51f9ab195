import { ObjectRecords } from './ObjectRecords';

describe('ObjectRecords', () => {
  it('keeps one record per namespace and name, and counts them', () => {
    const records = new ObjectRecords<string>();
    records.set('a', 'x', 'a/x');
    records.set('b', 'x', 'b/x');
    records.set('a', 'x', 'a/x again');
    records.set('', 'cluster-scoped', 'c');
    expect(records.size).toBe(3);
    expect([...records.values()].sort()).toEqual(['a/x again', 'b/x', 'c']);

    records.delete('a', 'x');
    records.delete('a', 'x');
    records.delete('missing', 'y');
    expect(records.size).toBe(2);
    expect([...records.values()].sort()).toEqual(['b/x', 'c']);
  });

  it('keeps its index told of every record added, replaced and removed', () => {
    const seen: string[] = [];
    const records = new ObjectRecords<string>({
      add: record => seen.push(`+${record}`),
      remove: record => seen.push(`-${record}`),
    });
    records.set('a', 'x', 'one');
    records.set('a', 'x', 'two');
    records.delete('a', 'x');
    records.delete('a', 'x');
    expect(seen).toEqual(['+one', '-one', '+two', '-two']);
  });
});
