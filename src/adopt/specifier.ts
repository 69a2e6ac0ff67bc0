/**
 * PEP 440 version specifiers, as far as `requires-python` uses them: the
 * operators ==, !=, <, <=, >, >=, ~= and ===, with `.*` wildcards on == and
 * !=. Release numbers only: a requires-python never names a pre-release.
 */

type Release = number[];

export interface Clause {
  op: '==' | '!=' | '<' | '<=' | '>' | '>=' | '~=' | '===';
  version: Release;
  wildcard: boolean;
  text: string;
}

export class SpecifierError extends Error {}

function release(text: string, clause: string): Release {
  if (!/^\d+(\.\d+)*$/.test(text)) throw new SpecifierError(`'${clause}' is not a version specifier`);
  return text.split('.').map(Number);
}

/** Compares releases with missing parts as zeros: 3.12 == 3.12.0. */
function compare(a: Release, b: Release): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function startsWith(version: Release, prefix: Release): boolean {
  return prefix.every((part, i) => (version[i] ?? 0) === part);
}

export function parseSpecifier(text: string): Clause[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(===|==|!=|<=|>=|~=|<|>)\s*v?([0-9][0-9.]*?)(\.\*)?$/.exec(part);
      if (!match) throw new SpecifierError(`'${part}' is not a version specifier`);
      const op = match[1] as Clause['op'];
      const wildcard = Boolean(match[3]);
      if (wildcard && op !== '==' && op !== '!=') throw new SpecifierError(`'${part}': only == and != take .*`);
      const version = release(match[2]!, part);
      if (op === '~=' && version.length < 2) throw new SpecifierError(`'${part}': ~= needs at least two release parts`);
      return { op, version, wildcard, text: part };
    });
}

function matches(version: Release, clause: Clause): boolean {
  const { op, version: bound, wildcard } = clause;
  const order = compare(version, bound);
  switch (op) {
    case '==':
      return wildcard ? startsWith(version, bound) : order === 0;
    case '!=':
      return wildcard ? !startsWith(version, bound) : order !== 0;
    case '===':
      return version.join('.') === bound.join('.');
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '~=':
      // ~=3.11.2 means >=3.11.2, ==3.11.*: the last part may grow, the rest is fixed.
      return order >= 0 && startsWith(version, bound.slice(0, -1));
  }
}

export function satisfiesAll(version: string, clauses: readonly Clause[]): boolean {
  const parts = version.split('.').map(Number);
  return clauses.every((clause) => matches(parts, clause));
}

/**
 * Whether some release of a minor line X.Y (X.Y.0 up to X.Y.99) meets every
 * clause: `>=3.12.4` allows the 3.12 image, whose patch level is the newest.
 */
export function allowsMinor(minor: string, clauses: readonly Clause[]): boolean {
  for (let patch = 99; patch >= 0; patch--) if (satisfiesAll(`${minor}.${patch}`, clauses)) return true;
  return false;
}
