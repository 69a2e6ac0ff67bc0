/**
 * Reads a kit folder: kit.toml, checked key by key with the option schema's
 * own parse functions, and files/, refused if anything in it is not a plain
 * file inside the project. A kit is data: nothing in it is run.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { outputPath } from '../templates/render.ts';
import { contentOf } from '../content.ts';
import type { Template } from '../templates/render.ts';
import { OPTIONS, type OptionDef, type ProjectOptions } from '../options/schema.ts';
import { optionFromData } from '../options/values.ts';
import { compileTemplates } from '../templates/load.ts';
import { KitError } from './errors.ts';
import { parseRange, parseVersion } from './semver.ts';
import type { Kit, KitSource } from './types.ts';

const TABLES = ['kit', 'defaults', 'locked', 'dependencies', 'env', 'files', 'moved'] as const;

/** Options a kit may set: every flag but the app name, which is one service's own. */
export const KIT_OPTIONS: readonly OptionDef[] = OPTIONS.filter((def) => def.flag && def.key !== 'name');

/** Paths a kit's files/ may not write: git's, the record's, and what is built as data or by a tool. */
const RESERVED: [RegExp, string][] = [
  [/^\.git(\/|$)/, 'git owns .git/'],
  [/^\.create-fly-fastapi(\/|$)/, 'the record of the generation lives there'],
  [/^fly\.toml(\/|$)/, 'fly.toml is built from the options: set it through [defaults], [locked] and [env]'],
  [/^uv\.lock(\/|$)/, 'uv.lock is written by `uv lock`'],
];

const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** A PEP 508 requirement, loosely: a distribution name, extras, then anything but a line break. */
const REQUIREMENT = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._,\s-]*\])?(?:\s*[<>=!~;@][^\n\r"]*)?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Names that say "secret": those go through `fly secrets set`, never into fly.toml. */
const SECRET_NAME = /SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|(^|_)(API_?)?KEY(S)?(_|$)|KEYS?$|APIKEY|^(DIRECT_)?DATABASE_URL$/;
/** Names Fly sets on every Machine. */
const FLY_NAME = /^(FLY_|PRIMARY_REGION$)/;

/**
 * `scheme://user:password@host`: a URL that carries credentials. Linear in
 * the value's length (a regular expression for this backtracks on a long run
 * of letters): each `://` is looked at once, back over its scheme and forward
 * to the next '/', white space or '@', and the next `://` starts past that.
 */
export function hasUrlCredentials(value: string): boolean {
  const scheme = /[a-z0-9+.-]/i;
  for (let at = value.indexOf('://'); at !== -1; at = value.indexOf('://', at + 3)) {
    let start = at;
    while (start > 0 && scheme.test(value[start - 1]!)) start -= 1;
    if (start === at || !/[a-z]/i.test(value.slice(start, at))) continue;
    let end = at + 3;
    while (end < value.length && !/[/\s@]/.test(value[end]!)) end += 1;
    if (end > at + 3 && value[end] === '@') return true;
    at = Math.max(at, end - 3);
  }
  return false;
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function strings(where: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new KitError(`${where}: must be a list of strings`);
  return value as string[];
}

function onlyKeys(where: string, table: Table, allowed: readonly string[]): void {
  const unknown = Object.keys(table).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new KitError(`${where}: unknown key '${unknown}' (allowed: ${allowed.join(', ')})`);
}

function optionValue(where: string, def: OptionDef, value: unknown): ProjectOptions[keyof ProjectOptions] {
  try {
    return optionFromData(def, value);
  } catch (error) {
    throw new KitError(`${where}: ${(error as Error).message}`);
  }
}

function readAnswers(file: string, name: 'defaults' | 'locked', table: unknown): Partial<ProjectOptions> {
  const where = `${file} [${name}]`;
  if (table === undefined) return {};
  if (!isTable(table)) throw new KitError(`${where}: must be a table`);
  onlyKeys(where, table, KIT_OPTIONS.map((def) => def.flag!));
  const answers: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(table)) {
    const def = KIT_OPTIONS.find((candidate) => candidate.flag === flag)!;
    answers[def.key] = optionValue(`${where} ${flag}`, def, value);
  }
  return answers as Partial<ProjectOptions>;
}

function readEnv(file: string, table: Table): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) {
    const where = `${file} [env] ${key}`;
    if (!ENV_NAME.test(key)) throw new KitError(`${where}: not an environment variable name (A-Z, 0-9 and _)`);
    if (SECRET_NAME.test(key)) throw new KitError(`${where}: looks like a secret; set it with \`fly secrets set\`, never in fly.toml`);
    if (FLY_NAME.test(key)) throw new KitError(`${where}: Fly sets this variable on every Machine`);
    if (typeof value !== 'string') throw new KitError(`${where}: must be a string (fly.toml's [env] holds text only)`);
    if (hasUrlCredentials(value)) throw new KitError(`${where}: holds a URL with credentials; set it with \`fly secrets set\``);
    env[key] = value;
  }
  return env;
}

/** A project-relative POSIX path that stays inside the project, or a KitError. */
export function insideProject(where: string, path: string): string {
  const segments = path.split('/');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\') || segments.some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw new KitError(`${where}: '${path}' is not a path inside the project`);
  }
  return path;
}

function readKitTable(file: string, table: unknown): Pick<Kit, 'name' | 'version' | 'requires'> {
  const where = `${file} [kit]`;
  if (!isTable(table)) throw new KitError(`${where}: missing; a kit needs at least name and version`);
  onlyKeys(where, table, ['name', 'version', 'requires']);
  const { name, version, requires } = table;
  if (typeof name !== 'string' || !NPM_NAME.test(name)) throw new KitError(`${where} name: must be a lowercase name like "acme-fastapi"`);
  if (typeof version !== 'string' || !parseVersion(version)) throw new KitError(`${where} version: must be a version like "1.4.0"`);
  if (requires !== undefined) {
    if (typeof requires !== 'string') throw new KitError(`${where} requires: must be a version range like ">=0.2"`);
    try {
      parseRange(requires);
    } catch (error) {
      throw new KitError(`${where} requires: ${(error as Error).message}`);
    }
  }
  return { name, version, requires: requires as string | undefined };
}

/** kit.toml, checked; files/ comes separately. */
export function readKitToml(file: string, text: string, source: KitSource): Omit<Kit, 'files' | 'executables'> {
  let data: Table;
  try {
    data = parse(text) as Table;
  } catch (error) {
    throw new KitError(`${file}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const stray = Object.keys(data).find((key) => !(TABLES as readonly string[]).includes(key));
  if (stray !== undefined) throw new KitError(`${file} [${stray}]: unknown ${isTable(data[stray]) ? 'table' : 'key'} (a kit has ${TABLES.map((t) => `[${t}]`).join(', ')})`);

  const kit = readKitTable(file, data.kit);
  const defaults = readAnswers(file, 'defaults', data.defaults);
  const locked = readAnswers(file, 'locked', data.locked);
  const twice = Object.keys(locked).find((key) => key in defaults);
  if (twice !== undefined) throw new KitError(`${file} [locked] ${KIT_OPTIONS.find((def) => def.key === twice)!.flag}: also in [defaults]; a value is either locked or a default`);

  const dependencies = { add: [] as string[], dev: [] as string[] };
  if (data.dependencies !== undefined) {
    if (!isTable(data.dependencies)) throw new KitError(`${file} [dependencies]: must be a table`);
    onlyKeys(`${file} [dependencies]`, data.dependencies, ['add', 'dev']);
    for (const group of ['add', 'dev'] as const) {
      const list = data.dependencies[group] === undefined ? [] : strings(`${file} [dependencies] ${group}`, data.dependencies[group]);
      const bad = list.find((requirement) => !REQUIREMENT.test(requirement.trim()));
      if (bad !== undefined) throw new KitError(`${file} [dependencies] ${group}: '${bad}' is not a requirement like "structlog>=24.1"`);
      dependencies[group] = list.map((requirement) => requirement.trim());
    }
  }

  if (data.env !== undefined && !isTable(data.env)) throw new KitError(`${file} [env]: must be a table`);
  const env = readEnv(file, (data.env as Table | undefined) ?? {});

  let remove: string[] = [];
  let literal: string[] = [];
  let once: string[] = [];
  if (data.files !== undefined) {
    if (!isTable(data.files)) throw new KitError(`${file} [files]: must be a table`);
    onlyKeys(`${file} [files]`, data.files, ['remove', 'literal', 'once']);
    const paths = (key: string) => (data.files as Table)[key] === undefined ? [] : strings(`${file} [files] ${key}`, (data.files as Table)[key]).map((path) => insideProject(`${file} [files] ${key}`, path));
    remove = paths('remove');
    literal = paths('literal');
    once = paths('once');
  }

  const moved = new Map<string, string>();
  if (data.moved !== undefined) {
    if (!isTable(data.moved)) throw new KitError(`${file} [moved]: must be a table of "old path" = "new path"`);
    for (const [from, to] of Object.entries(data.moved)) {
      if (typeof to !== 'string') throw new KitError(`${file} [moved] "${from}": must be the new path, as a string`);
      moved.set(insideProject(`${file} [moved]`, from), insideProject(`${file} [moved] "${from}"`, to));
    }
  }

  return { ...kit, source, file, defaults, locked, dependencies: dependencies.add, devDependencies: dependencies.dev, env, remove, literal: new Set(literal), once: new Set(once), moved };
}

/** Every regular file under files/, keyed by its path there; anything else is refused. */
interface KitFile {
  content: string | Uint8Array;
  executable: boolean;
}

async function readFiles(root: string, shown: string): Promise<Map<string, KitFile>> {
  const found = new Map<string, KitFile>();
  const stat = await lstat(root).catch(() => undefined);
  if (!stat) return found;
  if (!stat.isDirectory()) throw new KitError(`${shown}: must be a folder of files`);
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const key = prefix + entry.name;
      const where = `${shown}/${key}`;
      if (entry.isSymbolicLink()) throw new KitError(`${where}: a symbolic link; a kit's files must be plain files`);
      if (entry.isDirectory()) await walk(full, `${key}/`);
      else if (entry.isFile()) {
        // Bytes as they are: text only when it is text, so an image or a Latin-1 file is copied exactly.
        const content = contentOf(await readFile(full));
        if (key.endsWith('.hbs') && typeof content !== 'string') throw new KitError(`${where}: a template (.hbs) must be UTF-8 text`);
        found.set(key, { content, executable: ((await lstat(full)).mode & 0o100) !== 0 });
      }
      else throw new KitError(`${where}: not a plain file`);
    }
  };
  await walk(root, '');
  return found;
}

/**
 * Reads and checks the kit in `dir`. Messages name its files as the user knows
 * them: under the folder given to --kit, or under the package spec or tarball
 * (`@acme/fly-kit@^1/kit.toml`), never under the temp folder it was unpacked in.
 */
export async function loadKit(dir: string, source: KitSource): Promise<Kit> {
  const shown = source.kind === 'directory' ? source.spec.replace(/[\\/]+$/, '') : source.spec;
  const file = `${shown}/kit.toml`;
  const text = await readFile(join(dir, 'kit.toml'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new KitError(error.code === 'ENOENT' ? `--kit: ${source.spec}: no kit.toml in it` : `${file}: ${error.message}`);
  });
  const kit = readKitToml(file, text, source);
  const filesDir = join(dir, 'files');
  const shownFiles = `${shown}/files`;
  const sources = await readFiles(filesDir, shownFiles);
  for (const key of kit.literal) if (!sources.has(key)) throw new KitError(`${file} [files] literal: '${key}' is not a file under files/`);
  for (const key of sources.keys()) {
    const where = `${shownFiles}/${key}`;
    const path = insideProject(where, kitOutputPath(kit.literal, key));
    const reserved = RESERVED.find(([pattern]) => pattern.test(path));
    if (reserved) throw new KitError(`${where}: a kit cannot write ${path}: ${reserved[1]}`);
  }
  let files: Map<string, Template>;
  try {
    files = await compileTemplates(new Map([...sources].map(([key, found]) => [key, found.content])));
  } catch (error) {
    throw new KitError(`${shownFiles}: ${(error as Error).message.split('\n')[0]}`);
  }
  const executables = new Set([...sources].filter(([, found]) => found.executable).map(([key]) => key));
  return { ...kit, files, executables };
}

/** Where a key of files/ lands: `_name` becomes `.name` (npm pack drops some dotfiles), unless [files] literal lists the key. */
export function kitOutputPath(literal: ReadonlySet<string>, key: string): string {
  return literal.has(key) ? key.replace(/\.hbs$/, '') : outputPath(key);
}
