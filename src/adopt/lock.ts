/**
 * What uv.lock says about the Pythons the image can run: every package the
 * image installs (the project's dependencies, followed through the lock,
 * dev groups left out as the build leaves them out) must have a wheel for
 * that CPython on glibc Linux x86_64, or an sdist with no compiled wheel
 * anywhere, which is how a pure-Python package looks. A package with
 * compiled wheels for other Pythons but none for this one would need a
 * compiler the slim image does not have, so that Python is not allowed.
 */
import { parse } from 'smol-toml';
import { AdoptRefusal } from '../errors.ts';

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});
const list = (value: unknown): Table[] => (Array.isArray(value) ? value.map(table) : []);

export interface LockedPackage {
  name: string;
  version: string;
  /** Wheel file names. */
  wheels: string[];
  sdist: boolean;
  /** From a registry (anything else is built from a path or git, and trusted). */
  registry: boolean;
  root: boolean;
  dependencies: { name: string; version?: string; marker?: string; extras: string[] }[];
  optional: Map<string, { name: string; version?: string; marker?: string; extras: string[] }[]>;
}

export interface Lock {
  requiresPython: string | undefined;
  packages: LockedPackage[];
}

const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function dependencyList(value: unknown) {
  return list(value)
    .filter((dep) => typeof dep.name === 'string')
    .map((dep) => ({
      name: normal(dep.name as string),
      version: typeof dep.version === 'string' ? dep.version : undefined,
      marker: typeof dep.marker === 'string' ? dep.marker : undefined,
      extras: Array.isArray(dep.extra) ? dep.extra.filter((extra): extra is string => typeof extra === 'string') : [],
    }));
}

export function readLock(text: string): Lock {
  let data: Table;
  try {
    data = parse(text) as Table;
  } catch (error) {
    throw new AdoptRefusal(`uv.lock: not valid TOML: ${(error as Error).message.split('\n')[0]}; run \`uv lock\`, then run --adopt again`);
  }
  const packages = list(data.package).map((entry): LockedPackage => {
    const source = table(entry.source);
    const wheels = list(entry.wheels).map((wheel) => String(wheel.url ?? wheel.filename ?? wheel.path ?? '').split('/').at(-1)!).filter(Boolean);
    return {
      name: normal(String(entry.name ?? '')),
      version: String(entry.version ?? ''),
      wheels,
      sdist: entry.sdist !== undefined,
      registry: 'registry' in source,
      root: 'editable' in source || 'virtual' in source,
      dependencies: dependencyList(entry.dependencies),
      optional: new Map(Object.entries(table(entry['optional-dependencies'])).map(([extra, deps]) => [extra, dependencyList(deps)])),
    };
  });
  return { requiresPython: typeof data['requires-python'] === 'string' ? data['requires-python'] : undefined, packages };
}

/** A marker we can tell is false on Linux x86_64 CPython `minor`; anything else is taken as true. */
export function markerExcludes(marker: string | undefined, minor: string): boolean {
  if (!marker) return false;
  return marker.split(/\s+or\s+/).every((alternative) =>
    alternative.split(/\s+and\s+/).some((clause) => {
      const text = clause.replace(/[()]/g, '').trim();
      const platform = /^(sys_platform|platform_system|os_name|platform_machine|implementation_name|platform_python_implementation)\s*(==|!=)\s*['"]([^'"]+)['"]$/.exec(text);
      if (platform) {
        const ours: Record<string, string> = { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix', platform_machine: 'x86_64', implementation_name: 'cpython', platform_python_implementation: 'CPython' };
        const equal = ours[platform[1]!] === platform[3];
        return platform[2] === '==' ? !equal : equal;
      }
      const version = /^python_(full_)?version\s*(<=|>=|<|>|==|!=)\s*['"](\d+)\.(\d+)(?:\.\d+)?['"]$/.exec(text);
      if (version) {
        const [have, want] = [Number(minor.split('.')[1]), Number(version[4])];
        const ok = { '<': have < want, '<=': have <= want, '>': have > want, '>=': have >= want, '==': have === want, '!=': have !== want }[version[2] as '<'];
        return !ok;
      }
      return false;
    }),
  );
}

/** The wheel installs on CPython `minor` in a glibc Linux x86_64 image. */
export function wheelFits(file: string, minor: string): boolean {
  const parts = file.replace(/\.whl$/, '').split('-');
  if (parts.length < 5) return false;
  const [pythons, abis, platforms] = parts.slice(-3).map((part) => part.split('.')) as [string[], string[], string[]];
  const platformOk = platforms.some((tag) => tag === 'any' || /^(manylinux[\w]*|linux)_x86_64$/.test(tag));
  if (!platformOk) return false;
  const cp = `cp${minor.replace('.', '')}`;
  const ours = Number(minor.split('.')[1]);
  return pythons.some((py) =>
    abis.some((abi) => {
      if (abi === 'none') return py === 'py3' || py === cp || py === `py${minor.replace('.', '')}`;
      if (abi === cp) return py === cp;
      if (abi === 'abi3') return /^cp3(\d+)$/.test(py) && Number(py.slice(3)) <= ours;
      return false;
    }),
  );
}

function compiled(file: string): boolean {
  return !file.replace(/\.whl$/, '').endsWith('-any');
}

/** Why `pkg` cannot be installed on `minor`, or undefined when it can. */
function blocker(pkg: LockedPackage, minor: string): string | undefined {
  if (!pkg.registry || pkg.root) return undefined;
  if (pkg.wheels.some((wheel) => wheelFits(wheel, minor))) return undefined;
  // Wheels only for other systems (pywin32) and no sdist: uv installs nothing here on Linux.
  const linuxOrAny = pkg.wheels.some((wheel) => /(-any|linux\w*_x86_64)$/.test(wheel.replace(/\.whl$/, '')));
  if (!pkg.sdist && !linuxOrAny && pkg.wheels.length > 0) return undefined;
  if (pkg.sdist && !pkg.wheels.some(compiled)) return undefined;
  return pkg.sdist
    ? `${pkg.name} ${pkg.version} has no wheel for CPython ${minor} on Linux x86_64 and its sdist needs a compiler`
    : `${pkg.name} ${pkg.version} has no wheel for CPython ${minor} on Linux x86_64 and no sdist`;
}

/** The packages the image installs on `minor`, from the project's (or workspace member's) own entry. */
export function installed(lock: Lock, rootName: string | undefined, minor: string): LockedPackage[] {
  const byName = new Map<string, LockedPackage[]>();
  for (const pkg of lock.packages) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
  const roots = rootName && byName.has(normal(rootName)) ? byName.get(normal(rootName))! : lock.packages.filter((pkg) => pkg.root);
  const seen = new Set<LockedPackage>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (seen.has(pkg)) continue;
    seen.add(pkg);
    const deps = [...pkg.dependencies];
    for (const dep of deps) {
      if (markerExcludes(dep.marker, minor)) continue;
      const found = (byName.get(dep.name) ?? []).filter((candidate) => !dep.version || candidate.version === dep.version);
      for (const next of found) {
        queue.push(next);
        for (const extra of dep.extras) for (const sub of next.optional.get(extra) ?? []) if (!markerExcludes(sub.marker, minor)) queue.push(...(byName.get(sub.name) ?? []).filter((c) => !sub.version || c.version === sub.version));
      }
    }
  }
  return [...seen];
}

/** The first package that stops `minor`, as a sentence part; undefined when the lock installs on it. */
export function lockBlocker(lock: Lock, rootName: string | undefined, minor: string): string | undefined {
  for (const pkg of installed(lock, rootName, minor).sort((a, b) => a.name.localeCompare(b.name))) {
    const reason = blocker(pkg, minor);
    if (reason) return reason;
  }
  return undefined;
}
