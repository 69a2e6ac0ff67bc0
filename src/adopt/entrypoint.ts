/**
 * Which object uvicorn serves. In order: --entrypoint, [tool.fastapi]
 * entrypoint, the command of an existing Procfile or Dockerfile, then the
 * files fastapi-cli itself tries (main.py, app.py, api.py, app/main.py,
 * app/app.py, app/api.py) and a src layout's package. Within a file, like
 * fastapi-cli: `app`, then `api`, then the one FastAPI object; else the one
 * factory (served with uvicorn's --factory).
 */
import { AdoptRefusal } from '../errors.ts';
import { hasFile, textOf, type ProjectFiles } from './files.ts';
import { factories, fastapiAssignments, topLevelAssignments, topLevelFunctions } from './pythonSource.ts';

export interface Entrypoint {
  /** Dotted module, relative to appDir: `app.main`. */
  module: string;
  attribute: string;
  /** The attribute is a function returning the app: uvicorn --factory. */
  factory: boolean;
  /** The folder put on sys.path (uvicorn --app-dir): '' for the root, 'src' for a src layout. */
  appDir: string;
  /** The module's file, from the project root. */
  file: string;
  /** Where the answer came from, for the summary. */
  from: string;
}

/** fastapi-cli's own search list (fastapi_cli.discover.get_default_path). */
export const FASTAPI_CLI_PLACES = ['main.py', 'app.py', 'api.py', 'app/main.py', 'app/app.py', 'app/api.py'];

/** `module:attr` or `module:attr()`; module and attr are Python names. */
const SPEC = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)(\(\))?$/;

/** Undecidable without asking: the candidates, for a question or the refusal. */
export class AmbiguousEntrypoint extends AdoptRefusal {
  constructor(message: string, readonly candidates: string[]) {
    super(message);
  }
}

/** The file a module lives in, under the root or src/. */
function moduleFile(files: ProjectFiles, module: string, appDirs: readonly string[]): { file: string; appDir: string } | undefined {
  const relative = module.replaceAll('.', '/');
  for (const appDir of appDirs) {
    const prefix = appDir ? `${appDir}/` : '';
    for (const file of [`${prefix}${relative}.py`, `${prefix}${relative}/__init__.py`]) if (hasFile(files, file)) return { file, appDir };
  }
  return undefined;
}

/** Dotted module of a file, as fastapi-cli works it out: up through folders holding __init__.py. */
function moduleOfFile(files: ProjectFiles, file: string): { module: string; appDir: string } {
  const parts = file.replace(/\.py$/, '').split('/');
  let start = parts.length - 1;
  while (start > 0 && hasFile(files, `${parts.slice(0, start).join('/')}/__init__.py`)) start--;
  return { module: parts.slice(start).join('.'), appDir: parts.slice(0, start).join('/') };
}

/** The app object in one file, or why there is none. */
function appInFile(source: string): { attribute: string; factory: boolean } | { candidates: string[] } | undefined {
  const assigned = topLevelAssignments(source);
  for (const name of ['app', 'api']) if (assigned.has(name)) return { attribute: name, factory: false };
  const apps = [...new Set(fastapiAssignments(source))];
  if (apps.length === 1) return { attribute: apps[0]!, factory: false };
  if (apps.length > 1) return { candidates: apps };
  const made = factories(source);
  if (made.length === 1) return { attribute: made[0]!, factory: true };
  if (made.length > 1) return { candidates: made.map((name) => `${name}()`) };
  return undefined;
}

function fromSpec(files: ProjectFiles, spec: string, from: string, appDirs: readonly string[] = ['', 'src']): Entrypoint {
  const match = SPEC.exec(spec.trim());
  if (!match) throw new AdoptRefusal(`${from}: '${spec}' is not module:attribute (e.g. app.main:app, or app.main:create_app() for a factory)`);
  const [, module, attribute] = match as unknown as [string, string, string];
  const found = moduleFile(files, module, appDirs);
  if (!found) throw new AdoptRefusal(`${from}: '${spec}' names module ${module}, but ${appDirs.map((dir) => `${dir ? `${dir}/` : ''}${module.replaceAll('.', '/')}.py`).join(' nor ')} exists`.replace(/^(.*?) but (?=[^ ]+ nor)/, '$1 but neither '));
  const source = textOf(files, found.file) ?? '';
  const isFunction = topLevelFunctions(source).has(attribute);
  if (!isFunction && !topLevelAssignments(source).has(attribute)) {
    throw new AdoptRefusal(`${from}: ${found.file} defines no top-level '${attribute}'`);
  }
  return { module, attribute, factory: Boolean(match[3]) || isFunction, appDir: found.appDir, file: found.file, from };
}

/** The app argument of a uvicorn/gunicorn/fastapi command line, and --factory, --app-dir. */
export function entrypointInCommand(words: readonly string[]): { spec?: string; file?: string; factory: boolean; appDir?: string } | undefined {
  const program = words.findIndex((word) => /(^|\/)(uvicorn|gunicorn|fastapi|hypercorn)$/.test(word) || word === '-m');
  if (program === -1) return undefined;
  const rest = words.slice(program + 1);
  const factory = rest.includes('--factory');
  const appDirIndex = rest.findIndex((word) => word === '--app-dir' || word.startsWith('--app-dir='));
  const appDir = appDirIndex === -1 ? undefined : rest[appDirIndex]!.includes('=') ? rest[appDirIndex]!.split('=')[1] : rest[appDirIndex + 1];
  const spec = rest.find((word) => SPEC.test(word));
  if (spec) return { spec, factory, appDir };
  if (words[program]!.endsWith('fastapi')) {
    const file = rest.find((word) => word.endsWith('.py'));
    if (file) return { file: file.replace(/^\.\//, ''), factory };
  }
  return undefined;
}

function fromFile(files: ProjectFiles, file: string, from: string): Entrypoint | undefined {
  const source = textOf(files, file);
  if (source === undefined) return undefined;
  const found = appInFile(source);
  if (!found) return undefined;
  const { module, appDir } = moduleOfFile(files, file);
  if ('candidates' in found) {
    throw new AmbiguousEntrypoint(
      `${file} holds several apps (${found.candidates.join(', ')}) and none is called app or api: give --entrypoint ${module}:<name>`,
      found.candidates.map((name) => `${module}:${name}`),
    );
  }
  return { module, attribute: found.attribute, factory: found.factory, appDir, file, from };
}

export interface EntrypointHints {
  flag?: string;
  toolFastapi?: string;
  /** Commands of an existing Procfile's web process or Dockerfile CMD, with where each came from. */
  commands: { words: string[]; from: string }[];
  /** The distribution name, to find src/<package>/. */
  projectName?: string;
}

export function findEntrypoint(files: ProjectFiles, hints: EntrypointHints): Entrypoint {
  if (hints.flag) return fromSpec(files, hints.flag, '--entrypoint');
  if (hints.toolFastapi) return fromSpec(files, hints.toolFastapi, 'pyproject.toml [tool.fastapi] entrypoint');
  for (const { words, from } of hints.commands) {
    const found = entrypointInCommand(words);
    if (found?.spec) {
      // --app-dir names the folder the module is in (a Procfile's `--app-dir apps/api/src`).
      const appDir = found.appDir?.replace(/^\.\/?/, '').replace(/\/$/, '');
      return fromSpec(files, found.factory && !found.spec.endsWith(')') ? `${found.spec}()` : found.spec, from, appDir ? [appDir, '', 'src'] : ['', 'src']);
    }
    if (found?.file && hasFile(files, found.file)) {
      const entry = fromFile(files, found.file, from);
      if (entry) return entry;
    }
  }
  const packageDir = hints.projectName?.toLowerCase().replace(/[-.]+/g, '_');
  const srcPlaces = [...files.paths]
    .filter((path) => /^src\/[A-Za-z_]\w*\/(main|app|api)\.py$/.test(path))
    .sort((a, b) => Number(b.startsWith(`src/${packageDir}/`)) - Number(a.startsWith(`src/${packageDir}/`)));
  const packagePlaces = packageDir ? ['main', 'app', 'api'].map((name) => `${packageDir}/${name}.py`) : [];
  for (const file of [...FASTAPI_CLI_PLACES, ...packagePlaces, ...srcPlaces]) {
    if (!hasFile(files, file)) continue;
    const entry = fromFile(files, file, `a FastAPI app in ${file} (where fastapi-cli looks)`);
    if (entry) return entry;
  }
  // A place that exists but was too large to read is named: the app may well be in it.
  const unread = [...FASTAPI_CLI_PLACES, ...packagePlaces, ...srcPlaces].filter((file) => hasFile(files, file) && textOf(files, file) === undefined);
  const why = unread.length > 0 ? ` (${unread.join(', ')} ${unread.length > 1 ? 'are' : 'is'} over 512 KiB and not read)` : '';
  throw new AmbiguousEntrypoint(
    `no FastAPI app found in ${FASTAPI_CLI_PLACES.join(', ')} or src/<package>/main.py${why}: give --entrypoint module:app, or set [tool.fastapi] entrypoint in pyproject.toml`,
    [],
  );
}

/** How the summary and the record write it: `app.main:create_app()` for a factory. */
export function entrypointText(entry: Pick<Entrypoint, 'module' | 'attribute' | 'factory'>): string {
  return `${entry.module}:${entry.attribute}${entry.factory ? '()' : ''}`;
}
