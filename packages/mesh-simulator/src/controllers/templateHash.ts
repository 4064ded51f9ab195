const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The hash Kubernetes controllers label pods with (`pod-template-hash`,
 * `controller-revision-hash`): FNV-1a (32 bit) of the template, its decimal digits mapped onto
 * the alphabet that avoids vowels, as `rand.SafeEncodeString` does.
 */
export function templateHash(template: unknown): string {
  const text = JSON.stringify(template ?? {});
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash)
    .split('')
    .map(d => safeAlphabet[d.charCodeAt(0) % safeAlphabet.length])
    .join('');
}

/** Resolves an int-or-percent rollout parameter against a replica count. */
export function intOrPercent(
  value: unknown,
  total: number,
  roundUp: boolean,
): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const fraction = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(fraction) : Math.floor(fraction);
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
