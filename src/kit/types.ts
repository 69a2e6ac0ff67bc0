import type { Template } from '../templates/render.ts';
import type { ProjectOptions } from '../options/schema.ts';

/** Where a kit came from, as the user named it, and how it was read. */
export interface KitSource {
  /** Exactly what was given to --kit (or `kit` in the API): recorded and repeated in the rerun line. */
  spec: string;
  kind: 'directory' | 'tarball' | 'npm';
}

/**
 * A starter kit, read and checked: data only. Every value has been through
 * the option schema's parse functions, so it is what the same flag would give.
 */
export interface Kit {
  name: string;
  version: string;
  /** The create-fly-fastapi versions it works with, as an npm range. */
  requires?: string;
  source: KitSource;
  /** The kit.toml that was read, for messages. */
  file: string;
  /** Preselected in prompts, taken when nothing is asked, beaten by flags. */
  defaults: Partial<ProjectOptions>;
  /** Never asked; a flag that says otherwise is an error. */
  locked: Partial<ProjectOptions>;
  dependencies: string[];
  devDependencies: string[];
  /** Plain settings for fly.toml's [env]. */
  env: Record<string, string>;
  /** Files laid over the project, keyed by their path under files/ (before _name -> .name): text, bytes, or a template. */
  files: Map<string, Template>;
  /** Keys of files/ that are executable (a script): written with their executable bits. */
  executables: ReadonlySet<string>;
  /** Keys of files/ written under their names exactly: no `_name` -> `.name` ([files] literal). */
  literal: ReadonlySet<string>;
  /** Project paths written once and then the user's, never updated ([files] once). */
  once: ReadonlySet<string>;
  /** Project paths of ours that the kit leaves out. */
  remove: string[];
  /** Files that moved since an earlier version ([moved] "old" = "new"): an update carries your edits to the new path. */
  moved: ReadonlyMap<string, string>;
}

/** How a kit's name appears in messages: `kit acme-fastapi 1.4.0`. */
export function kitLabel(kit: Pick<Kit, 'name' | 'version'>): string {
  return `kit ${kit.name} ${kit.version}`;
}
