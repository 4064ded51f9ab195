/**
 * One sample of Prometheus' text format.
 *
 * @public
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\})? (-?[0-9.e+]+|\+Inf|NaN)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"/g;

/**
 * Parses Prometheus' text format 0.0.4 strictly (for this package's tests): throws on a line
 * that is not a comment or a sample, on a sample before its family's `# TYPE`, and on a family
 * whose samples are not together.
 */
export function parseExposition(text: string): Sample[] {
  if (!text.endsWith('\n')) throw new Error('the text must end with a newline');
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  const finished = new Set<string>();
  let current: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const type =
      /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(
        line,
      );
    if (type) {
      if (typed.has(type[1])) throw new Error(`${type[1]} is typed twice`);
      typed.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#') || line === '') continue;
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const name = match[1];
    const family =
      [...typed.keys()].find(
        f =>
          f === name ||
          (typed.get(f) === 'histogram' &&
            ['_bucket', '_sum', '_count'].some(s => name === f + s)),
      ) ?? name;
    if (!typed.has(family)) throw new Error(`${name} comes before its TYPE`);
    if (family !== current) {
      if (current) finished.add(current);
      if (finished.has(family)) throw new Error(`${family} is split`);
      current = family;
    }
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c) =>
        c === 'n' ? '\n' : c,
      );
    }
    samples.push({ name, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `where`. */
export function sumWhere(
  samples: Sample[],
  name: string,
  where: Record<string, string>,
): number {
  return samples
    .filter(
      s =>
        s.name === name &&
        Object.entries(where).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((n, s) => n + s.value, 0);
}

/**
 * The 99th percentile of histogram buckets (summed by `le`), interpolated within its bucket as
 * Prometheus' `histogram_quantile` does.
 */
export function p99(buckets: Sample[]): number {
  const byBound = new Map<number, number>();
  for (const b of buckets) {
    const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + b.value);
  }
  const sorted = [...byBound].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1][1];
  const rank = 0.99 * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / (count - below);
    }
    lower = le;
    below = count;
  }
  return NaN;
}
