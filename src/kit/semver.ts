/**
 * Just enough of npm's version ranges for a kit's `requires`: comparators
 * (>=, >, <=, <, =), caret and tilde ranges, x-ranges (1, 1.2, 1.2.x, *), a
 * space meaning "and", and `||` meaning "or". The package ships no runtime
 * dependencies, and this is the whole of what a kit needs. A prerelease sorts
 * before its release (0.2.0-beta.1 < 0.2.0); hyphen ranges are not supported.
 */

type Triple = [number, number, number];

interface Version {
  release: Triple;
  prerelease: string[];
}

/** A bound: the version, and whether the range includes it. */
interface Comparator {
  op: '>=' | '<' | '>' | '<=';
  version: Version;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/;

export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { release: [Number(match[1]), Number(match[2]), Number(match[3])], prerelease: match[4]?.split('.') ?? [] };
}

function compareIdentifiers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.release[i] !== b.release[i]) return a.release[i]! - b.release[i]!;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const [x, y] = [a.prerelease[i], b.prerelease[i]];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

const at = (release: Triple, prerelease: string[] = []): Version => ({ release, prerelease });

/** The lowest version above every version with this prefix: 1.2 -> 1.3.0, 1 -> 2.0.0. */
function after(parts: number[]): Version {
  const release: Triple = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  release[parts.length - 1]! += 1;
  for (let i = parts.length; i < 3; i++) release[i] = 0;
  return at(release);
}

function comparators(text: string): Comparator[] {
  const match = /^(>=|<=|>|<|=|\^|~>?)?\s*(.*)$/.exec(text)!;
  const op = match[1] ?? '';
  const partial = PARTIAL.exec(match[2]!);
  if (!partial) throw new Error(`'${text}' is not a version or a range`);
  const parts: number[] = [];
  for (const part of partial.slice(1, 4)) {
    if (part === undefined || /^[xX*]$/.test(part)) break;
    parts.push(Number(part));
  }
  const prerelease = partial[4]?.split('.') ?? [];
  const low = at([parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0], parts.length === 3 ? prerelease : []);
  const exact = parts.length === 3;

  if (parts.length === 0) return op === '<' || op === '>' ? [{ op: '<', version: at([0, 0, 0]) }] : [];
  switch (op) {
    case '>=':
      return [{ op: '>=', version: low }];
    case '>':
      return [exact ? { op: '>', version: low } : { op: '>=', version: after(parts) }];
    case '<':
      return [{ op: '<', version: low }];
    case '<=':
      return [exact ? { op: '<=', version: low } : { op: '<', version: after(parts) }];
    case '~':
    case '~>':
      return [{ op: '>=', version: low }, { op: '<', version: after(parts.slice(0, Math.min(parts.length, 2))) }];
    case '^': {
      // The first non-zero part given may not change; with only zeros given, the last one given.
      const firstNonZero = parts.findIndex((part) => part !== 0);
      const keep = firstNonZero === -1 ? parts.length : firstNonZero + 1;
      return [{ op: '>=', version: low }, { op: '<', version: after(parts.slice(0, keep)) }];
    }
    default:
      return exact ? [{ op: '>=', version: low }, { op: '<=', version: low }] : [{ op: '>=', version: low }, { op: '<', version: after(parts) }];
  }
}

function holds(version: Version, { op, version: bound }: Comparator): boolean {
  const order = compareVersions(version, bound);
  if (op === '>=') return order >= 0;
  if (op === '>') return order > 0;
  if (op === '<=') return order <= 0;
  return order < 0;
}

/** Parses a range into alternatives of comparators; throws on text that is not a range. */
export function parseRange(range: string): Comparator[][] {
  return range.split('||').map((alternative) => {
    const text = alternative.trim().replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, '$1');
    if (/\s-\s/.test(` ${text} `)) throw new Error(`'${alternative.trim()}': hyphen ranges are not supported; use >= and <`);
    return text === '' ? [] : text.split(/\s+/).flatMap(comparators);
  });
}

/** Whether `version` is in `range`. Throws when either cannot be read. */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`'${version}' is not a version`);
  return parseRange(range).some((alternative) => alternative.every((comparator) => holds(parsed, comparator)));
}
