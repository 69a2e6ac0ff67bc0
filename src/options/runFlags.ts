/**
 * The second list: flags that steer the run itself (create, update or adopt,
 * asked or not, written or only shown) rather than the project. The flag
 * parser and `--help` read it beside the project options in schema.ts.
 */
import type { ProjectOptions } from './schema.ts';

/** Flags that steer the run itself rather than the project. */
export interface RunFlags {
  yes: boolean;
  interactive: boolean | undefined;
  force: boolean;
  dryRun: boolean;
  help: boolean;
  version: boolean;
  /** A starter kit: a folder, a .tgz or an npm package spec. */
  kit: string | undefined;
  /** Update the project in [directory] (default: here) from its record. */
  update: boolean;
  /** What a non-interactive update does with a conflict. */
  onConflict: OnConflict | undefined;
  /** Update: change nothing, exit 7 when an update would change something. */
  check: boolean;
  /** Update: go ahead although files it would touch have uncommitted changes. */
  allowDirty: boolean;
  /** Update: print the report as JSON. */
  json: boolean;
  /** Update: bring back one file you deleted, as this version writes it; nothing else changes. */
  restore: string | undefined;
  /** Fit our Dockerfile, fly.toml and checks to an existing FastAPI + uv project. */
  adopt: boolean;
  /** --adopt: the app to serve, `module:attribute` or `module:factory()`. */
  entrypoint: string | undefined;
  /** --adopt: the uv workspace member to adopt. */
  package: string | undefined;
  /** --adopt: write Dockerfile.new / fly.toml.new beside ones that are not ours. */
  adoptNewFiles: boolean;
  /** --adopt: write a small liveness module for the service check. */
  addHealth: boolean;
  /** --adopt: go on when uv.lock is out of date with pyproject.toml. */
  allowStaleLock: boolean;
}

export const ON_CONFLICT = ['keep', 'new-file', 'markers', 'overwrite'] as const;
export type OnConflict = (typeof ON_CONFLICT)[number];

/** Run flags that mean something only with --update. */
export const UPDATE_ONLY: readonly (keyof RunFlags)[] = ['onConflict', 'check', 'allowDirty', 'json', 'restore'];

/** The run flags that mean something only with --adopt. */
export const ADOPT_ONLY_FLAGS = ['entrypoint', 'package', 'adoptNewFiles', 'addHealth', 'allowStaleLock'] as const;
/** Project options --adopt does not take: the project exists, and the database is already the app's business. --launch and --org it takes, as create does. */
export const NOT_WITH_ADOPT: readonly (keyof ProjectOptions)[] = ['postgres', 'git', 'lock', 'minMachines'];

export interface ControlDef {
  key: keyof RunFlags;
  flag: string;
  alias?: string;
  negatable?: boolean;
  /** Takes a value, shown like this in --help. */
  placeholder?: string;
  summary: string;
}

export const CONTROL_FLAGS: readonly ControlDef[] = [
  { key: 'kit', flag: 'kit', placeholder: '<source>', summary: "a starter kit: a folder, a .tgz, or an npm package (its locks and defaults apply; flags still win)" },
  { key: 'adopt', flag: 'adopt', summary: 'add our Dockerfile, fly.toml and checks to an existing FastAPI + uv project in [directory] (default: here); its code is not touched' },
  { key: 'entrypoint', flag: 'entrypoint', placeholder: '<module:app>', summary: 'with --adopt: the app to serve, e.g. app.main:app or app.main:create_app() (default: detected)' },
  { key: 'package', flag: 'package', placeholder: '<name>', summary: 'with --adopt: the uv workspace member to adopt' },
  { key: 'adoptNewFiles', flag: 'adopt-new-files', summary: 'with --adopt: beside a Dockerfile or fly.toml not written by us, write ours as .new' },
  { key: 'addHealth', flag: 'add-health', summary: 'with --adopt: write a small liveness route module for the health check' },
  { key: 'allowStaleLock', flag: 'allow-stale-lock', summary: "with --adopt: go on when `uv lock --check` finds uv.lock out of date (the image's `uv sync --locked` will then fail)" },
  { key: 'yes', flag: 'yes', alias: 'y', summary: 'accept defaults for every question not given by a flag' },
  { key: 'interactive', flag: 'interactive', negatable: true, summary: 'ask questions (default: when run in a terminal)' },
  { key: 'force', flag: 'force', summary: 'allow a non-empty directory (never overwrites a file)' },
  { key: 'dryRun', flag: 'dry-run', summary: 'print what would be written; write nothing' },
  { key: 'update', flag: 'update', summary: 'update the project in [directory] (default: here) to these flags and this version; your edits stay' },
  { key: 'onConflict', flag: 'on-conflict', placeholder: '<how>', summary: 'update: keep | new-file (default: keep yours, write <file>.new) | markers | overwrite (keeps <file>.bak)' },
  { key: 'check', flag: 'check', summary: 'update: write nothing; exit 7 when the update would change something' },
  { key: 'allowDirty', flag: 'allow-dirty', summary: 'update: go ahead although files it touches have uncommitted changes' },
  { key: 'json', flag: 'json', summary: 'update: print the report as JSON' },
  { key: 'restore', flag: 'restore', placeholder: '<path>', summary: 'update: bring back one file you deleted, as this version writes it; nothing else changes' },
  { key: 'help', flag: 'help', alias: 'h', summary: 'show this help' },
  { key: 'version', flag: 'version', alias: 'v', summary: 'show the version' },
];
