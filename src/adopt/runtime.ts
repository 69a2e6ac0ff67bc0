/**
 * What the runtime image must hold: the entrypoint's top-level module or
 * package, every local module it imports (followed file by file), folders it
 * serves files from, and for Alembic the ini file, the migrations folder and
 * what env.py imports. Tests and docs are never imported, so never copied.
 */
import { hasFile, hasFolder, textOf, type ProjectFiles } from './files.ts';
import type { Entrypoint } from './entrypoint.ts';
import { importedModules, servedFolders } from './pythonSource.ts';

export interface Alembic {
  ini: string;
  /** The folder holding env.py. */
  folder: string;
  releaseCommand: string;
}

/** alembic.ini's script_location, with %(here)s meaning the ini's folder (the root). */
export function findAlembic(files: ProjectFiles): Alembic | undefined {
  const ini = textOf(files, 'alembic.ini');
  if (ini === undefined) return undefined;
  const location = /^[ \t]*script_location[ \t]*[=:](.*)$/m.exec(ini)?.[1]?.trim() || undefined;
  const folder = (location ?? 'migrations').replace(/^%\(here\)s\/?/, '').replace(/^\.\//, '').replace(/\/$/, '');
  if (!hasFile(files, `${folder}/env.py`)) return undefined;
  return { ini: 'alembic.ini', folder, releaseCommand: 'alembic upgrade head' };
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
    // env.py runs with the root on sys.path (alembic.ini's prepend_sys_path), and imports the models.
    for (const file of pythonFilesOf(files, alembic.folder)) scan(file, '');
  }
  while (queue.length > 0) for (const file of pythonFilesOf(files, queue.shift()!)) scan(file, entry.appDir);
  return [...units].sort();
}
