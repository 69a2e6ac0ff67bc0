/**
 * What the runtime image must hold: the entrypoint's top-level module or
 * package, every local module it imports (followed file by file), folders it
 * serves files from, and for Alembic the ini file, the migrations folder and
 * what env.py imports. Tests and docs are never imported, so never copied.
 */
import { AdoptRefusal } from '../errors.ts';
import { hasFile, hasFolder, textOf, type ProjectFiles } from './files.ts';
import type { Entrypoint } from './entrypoint.ts';
import { importedModules, servedFolders } from './pythonSource.ts';

export interface Alembic {
  ini: string;
  /** The folder holding env.py. */
  folder: string;
  /** Where the release command runs, from the project root: the ini's folder, or '' for the working directory. */
  runsIn: string;
  releaseCommand: string;
}

const UPGRADE = 'alembic upgrade head';

/** A path with `.` and `..` segments resolved; undefined when it climbs out of the project. */
function normalized(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.join('/');
}

const under = (dir: string, path: string) => normalized(dir ? `${dir}/${path}` : path);

/**
 * One alembic.ini and the folder its script_location names. `%(here)s` is the
 * ini's folder; a relative location is relative to the working directory,
 * so an ini in a sub-folder is run from that folder (as `cd backend/db &&
 * alembic upgrade head` would), or, when the location only makes sense from
 * the root, from the root with -c.
 */
function alembicAt(files: ProjectFiles, ini: string): Alembic | undefined {
  const text = textOf(files, ini);
  if (text === undefined) return undefined;
  const dir = ini.split('/').slice(0, -1).join('/');
  const location = /^[ \t]*script_location[ \t]*[=:](.*)$/m.exec(text)?.[1]?.trim() || 'migrations';
  const here = /^%\(here\)s(?:\/|$)/.test(location);
  const relative = location.replace(/^%\(here\)s\/?/, '');
  if (relative.startsWith('/')) return undefined;
  const hasEnv = (folder: string | undefined): folder is string => Boolean(folder) && hasFile(files, `${folder}/env.py`);
  const fromIni = under(dir, relative);
  if (!dir) return hasEnv(fromIni) ? { ini, folder: fromIni, runsIn: '', releaseCommand: UPGRADE } : undefined;
  const fromRoot = here ? undefined : under('', relative);
  const found = hasEnv(fromIni) ? { ini, folder: fromIni, runsIn: dir, releaseCommand: `env --chdir=${dir} ${UPGRADE}` } : hasEnv(fromRoot) ? { ini, folder: fromRoot, runsIn: '', releaseCommand: `alembic -c ${ini} upgrade head` } : undefined;
  // The folder is a word of fly.toml's release_command: one that needs quoting is refused, as a workspace member's is.
  if (found && !/^[\w./-]+$/.test(dir)) throw new AdoptRefusal(`${ini}: a folder the release command cannot name as it is; rename it (letters, digits, . _ - /)`);
  return found;
}

/**
 * The project's Alembic: alembic.ini at the root as before; else the one
 * alembic.ini in a sub-folder whose scripts are there. Two such are refused:
 * which one the release command runs is the user's to say.
 */
export function findAlembic(files: ProjectFiles): Alembic | undefined {
  const root = alembicAt(files, 'alembic.ini');
  if (root) return root;
  const inis = [...files.paths].filter((path) => path.endsWith('/alembic.ini')).sort();
  const found = inis.map((ini) => alembicAt(files, ini)).filter((alembic): alembic is Alembic => alembic !== undefined);
  if (found.length > 1) {
    const [first] = found as [Alembic];
    throw new AdoptRefusal(`${found.map((alembic) => alembic.ini).join(', ')}: ${found.length} Alembic setups, and the release command runs one; remove the others, or add an alembic.ini at the root naming the one to run (script_location = ${first.folder})`);
  }
  return found[0];
}

/** The top-level unit (file or package folder) holding a module, under appDir. */
function unitOf(files: ProjectFiles, module: string, appDir: string): string | undefined {
  const top = module.split('.')[0]!;
  const prefix = appDir ? `${appDir}/` : '';
  if (hasFolder(files, `${prefix}${top}`) && hasFile(files, `${prefix}${top}/__init__.py`)) return `${prefix}${top}`;
  if (hasFile(files, `${prefix}${top}.py`)) return `${prefix}${top}.py`;
  // A namespace package (a folder without __init__.py) holding the module.
  if (module.includes('.') && hasFolder(files, `${prefix}${top}`) && hasFile(files, `${prefix}${module.replaceAll('.', '/')}.py`)) return `${prefix}${top}`;
  return undefined;
}

function pythonFilesOf(files: ProjectFiles, unit: string): string[] {
  return unit.endsWith('.py') ? [unit] : [...files.paths].filter((path) => path.startsWith(`${unit}/`) && path.endsWith('.py'));
}

/** The dotted package a file belongs to, for its relative imports. */
function packageOf(file: string, appDir: string): string {
  const inner = appDir ? file.slice(appDir.length + 1) : file;
  return inner.split('/').slice(0, -1).join('.');
}

/** Follows local imports from the starting units; returns every unit reached, sorted. */
export function runtimeUnits(files: ProjectFiles, entry: Entrypoint, alembic: Alembic | undefined): string[] {
  const units = new Set<string>();
  const queue: string[] = [];
  const add = (unit: string | undefined) => {
    if (unit && !units.has(unit)) {
      units.add(unit);
      queue.push(unit);
    }
  };
  add(unitOf(files, entry.module, entry.appDir));
  const scanned = new Set<string>();
  const scan = (file: string, appDir: string) => {
    if (scanned.has(file)) return;
    scanned.add(file);
    const source = textOf(files, file) ?? '';
    for (const module of importedModules(source, packageOf(file, appDir))) add(unitOf(files, module, appDir));
    for (const folder of servedFolders(source)) if (hasFolder(files, folder)) units.add(folder);
  };
  if (alembic) {
    units.add(alembic.ini);
    units.add(alembic.folder);
    // env.py runs with the root on sys.path (PYTHONPATH, or alembic.ini's prepend_sys_path), and imports the models.
    for (const file of pythonFilesOf(files, alembic.folder)) scan(file, '');
  }
  while (queue.length > 0) for (const file of pythonFilesOf(files, queue.shift()!)) scan(file, entry.appDir);
  return [...units].sort();
}
