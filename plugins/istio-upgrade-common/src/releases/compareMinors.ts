/**
 * Orders two minors written `major.minor` (`1.9` before `1.10`) by number rather than as text.
 * Both must already match `^\d+\.\d+$`.
 */
export function compareMinors(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
