/**
 * Dependencies an update adds or removes. pyproject.toml is the user's (a
 * seed), so an update never rewrites it once it was changed: it asks uv to
 * add what the new plan needs and the project lacks, and to remove what we
 * asked for before, no longer ask for, and the project still has. uv edits
 * the file in place (comments stay) and keeps uv.lock in step.
 */
import { parse } from 'smol-toml';
import { normalizePackageName, requirementName } from '../options/rules.ts';
import type { Dependencies } from '../record/record.ts';

/** The distribution a requirement names, normalised as uv compares them; a requirement we cannot read stands for itself. */
function distribution(requirement: string): string {
  return requirementName(requirement) ?? normalizePackageName(requirement.trim());
}

export interface DependencyChange {
  add: string[];
  remove: string[];
  addDev: string[];
  removeDev: string[];
}

/** What pyproject.toml asks for now: [project] dependencies and the dev group. */
export function declared(pyproject: string): Dependencies {
  const data = parse(pyproject) as { project?: { dependencies?: unknown }; 'dependency-groups'?: { dev?: unknown } };
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  return { main: strings(data.project?.dependencies), dev: strings(data['dependency-groups']?.dev) };
}

export function dependencyChange(base: Dependencies | undefined, next: Dependencies, onDisk: Dependencies): DependencyChange {
  const names = (list: readonly string[]) => new Set(list.map(distribution));
  const diff = (wanted: readonly string[], before: readonly string[] | undefined, present: readonly string[]) => {
    const has = names(present);
    const wants = names(wanted);
    return {
      add: wanted.filter((requirement) => !has.has(distribution(requirement))),
      // Without a base (a format 1 record) nothing is known to be ours to remove.
      remove: (before ?? []).map(distribution).filter((name) => !wants.has(name) && has.has(name)),
    };
  };
  const main = diff(next.main, base?.main, onDisk.main);
  const dev = diff(next.dev, base?.dev, onDisk.dev);
  return { add: main.add, remove: main.remove, addDev: dev.add, removeDev: dev.remove };
}

export function isEmptyChange(change: DependencyChange): boolean {
  return Object.values(change).every((list) => list.length === 0);
}

/** The uv commands, argv lists: `--frozen` where there is no uv.lock to keep in step. */
export function uvCommands(change: DependencyChange, hasLock: boolean): string[][] {
  const frozen = hasLock ? [] : ['--frozen'];
  const commands: string[][] = [];
  if (change.remove.length) commands.push(['remove', ...frozen, ...change.remove]);
  if (change.removeDev.length) commands.push(['remove', '--dev', ...frozen, ...change.removeDev]);
  if (change.add.length) commands.push(['add', ...frozen, ...change.add]);
  if (change.addDev.length) commands.push(['add', '--dev', ...frozen, ...change.addDev]);
  return commands;
}
