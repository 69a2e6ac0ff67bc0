/**
 * fly.toml after `fly launch`: what flyctl changed in ours, and ours again
 * with flyctl's app name (it may add a suffix when the name is taken). Pure:
 * the launch step reads both texts and writes the result through the one writer.
 */
import { parse } from 'smol-toml';
import { renderFlyToml, type FlyConfig } from './flyToml.ts';

/** One setting that differs between the fly.toml we wrote and flyctl's rewrite. */
export interface SettingChange {
  /** e.g. "http_service.auto_stop_machines" or "http_service.checks". */
  path: string;
  /** undefined: flyctl added it. */
  ours: unknown;
  /** undefined: flyctl dropped it. */
  theirs: unknown;
}

export interface FlyTomlReport {
  /** Our app name, when flyctl wrote another one. */
  renamedFrom?: string;
  /** Our settings that flyctl changed or dropped. */
  changes: SettingChange[];
  /** Settings flyctl added; gone again once ours is restored. */
  added: SettingChange[];
  /** fly.toml was written back: our settings, comments and order, flyctl's app name. */
  restored: boolean;
  /** Why it could not be written back, when it could not. */
  problem?: string;
}

type Table = Record<string, unknown>;
type Segment = string | number;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function leaves(value: unknown, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (isTable(value)) for (const [key, child] of Object.entries(value)) leaves(child, [...at, key], out);
  else if (Array.isArray(value)) value.forEach((child, index) => leaves(child, [...at, index], out));
  else out.push(at);
  return out;
}

function valueAt(root: unknown, path: Segment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(current) : !isTable(current)) return undefined;
    current = (current as Record<Segment, unknown>)[segment];
  }
  return current;
}

function formatPath(path: Segment[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index ? `.${segment}` : segment)).join('');
}

/** Durations in milliseconds: flyctl writes kill_timeout = 10 back as "10s". */
function duration(value: unknown, path: Segment[]): number | undefined {
  if (typeof value === 'number') return path.at(-1) === 'kill_timeout' ? value * 1000 : undefined;
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

function sameValue(ours: unknown, theirs: unknown, path: Segment[]): boolean {
  if (ours === theirs) return true;
  const a = duration(ours, path);
  return a !== undefined && a === duration(theirs, path);
}

/** Missing entries are reported at the outermost missing table: "http_service.checks", not each key in it. */
function outermostMissing(path: Segment[], present: unknown): Segment[] {
  for (let length = 1; length <= path.length; length++) {
    if (valueAt(present, path.slice(0, length)) === undefined) return path.slice(0, length);
  }
  return path;
}

export function compareFlyToml(ours: Table, theirs: Table): { changes: SettingChange[]; added: SettingChange[] } {
  const changes = new Map<string, SettingChange>();
  const added = new Map<string, SettingChange>();
  for (const path of leaves(ours)) {
    if (path[0] === 'app') continue;
    const theirValue = valueAt(theirs, path);
    if (theirValue === undefined) {
      const missing = outermostMissing(path, theirs);
      changes.set(formatPath(missing), { path: formatPath(missing), ours: valueAt(ours, missing), theirs: undefined });
    } else if (!sameValue(valueAt(ours, path), theirValue, path)) {
      changes.set(formatPath(path), { path: formatPath(path), ours: valueAt(ours, path), theirs: theirValue });
    }
  }
  for (const path of leaves(theirs)) {
    if (path[0] === 'app' || valueAt(ours, path) !== undefined) continue;
    const missing = outermostMissing(path, ours);
    added.set(formatPath(missing), { path: formatPath(missing), ours: undefined, theirs: valueAt(theirs, missing) });
  }
  return { changes: [...changes.values()], added: [...added.values()] };
}

function parseTable(text: string): Table | undefined {
  try {
    return parse(text) as Table;
  } catch {
    return undefined;
  }
}

/** The comment lines renderFlyToml put at the top, without their "# ". */
function headerOf(text: string): string[] {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^# ?/, ''));
  }
  return header;
}

/**
 * Our fly.toml with flyctl's app name, rendered as we first wrote it. `text` is
 * undefined when that cannot be done without losing something of ours.
 */
export function restoreFlyToml(oursText: string, theirsText: string): { appName: string; text?: string; report: FlyTomlReport } {
  const parsed = parseTable(oursText);
  const ours = parsed ?? {};
  const ourName = String(ours.app ?? '');
  // Missing or unreadable: nothing to compare, and ours goes back as it was.
  const theirs = theirsText.trim() ? parseTable(theirsText) : undefined;
  const appName = typeof theirs?.app === 'string' && theirs.app ? theirs.app : ourName;
  const renamedFrom = appName !== ourName ? ourName : undefined;
  const { changes, added } = theirs ? compareFlyToml(ours, theirs) : { changes: [], added: [] };
  if (!parsed) return { appName, report: { renamedFrom, changes: [], added: [], restored: false, problem: 'the fly.toml before launch did not parse' } };
  const report = { renamedFrom, changes, added, ...(!theirs && { problem: 'flyctl left no readable fly.toml' }) };
  const text = renderFlyToml({ ...(ours as unknown as FlyConfig), app: appName }, headerOf(oursText));
  // The renderer knows our keys only: check nothing was left behind before using it.
  const check = compareFlyToml({ ...ours, app: appName }, parseTable(text) ?? {});
  if (check.changes.length || check.added.length) {
    return { appName, report: { ...report, restored: false, problem: 'it holds settings create-fly-fastapi does not know; restore them by hand' } };
  }
  return { appName, text, report: { ...report, restored: text !== theirsText } };
}
