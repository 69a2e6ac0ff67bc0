/**
 * uv workspaces: the member --package names, and the project as that member
 * sees it. The member's own files come first, with the root's lock,
 * deployment files and record laid over them, since the build and the
 * deploy run from the root.
 */
import { AdoptRefusal } from '../errors.ts';
import { RECORD_PATH } from '../record/record.ts';
import { hasFile, textOf, type ProjectFiles } from './files.ts';
import { requirementName } from '../options/rules.ts';
import { readPyProject } from './pyproject.ts';

export interface Member {
  name: string;
  /** The member's folder, from the root: `packages/api`. */
  dir: string;
}

/** `packages/*` -> a pattern over folder paths; `*` stays within one folder name. */
function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/\/+$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped.replace(/\u0000/g, '.*')}$`);
}

export function workspaceMembers(files: ProjectFiles, globs: readonly string[]): Member[] {
  const patterns = globs.map(globPattern);
  const members: Member[] = [];
  for (const path of files.paths) {
    if (!path.endsWith('/pyproject.toml')) continue;
    const dir = path.slice(0, -'/pyproject.toml'.length);
    if (!patterns.some((pattern) => pattern.test(dir))) continue;
    const name = readPyProject(textOf(files, path) ?? '', path).name;
    if (name) members.push({ name, dir });
  }
  return members.sort((a, b) => a.dir.localeCompare(b.dir));
}

export function chooseMember(files: ProjectFiles, globs: readonly string[], wanted: string | undefined): Member {
  const members = workspaceMembers(files, globs);
  const names = members.map((member) => member.name).join(', ') || 'none found';
  if (!wanted) throw new AdoptRefusal(`pyproject.toml [tool.uv.workspace]: a uv workspace; name the member to adopt with --package (members: ${names})`);
  const member = members.find((candidate) => requirementName(candidate.name) === requirementName(wanted));
  if (!member) throw new AdoptRefusal(`--package: no workspace member is named '${wanted}' (members: ${names})`);
  return member;
}

/** Root files that stay the root's: the lock, the deployment files, the record. */
const FROM_ROOT = ['uv.lock', 'Dockerfile', 'fly.toml', '.dockerignore', '.gitignore', RECORD_PATH];

export function memberView(files: ProjectFiles, member: Member): ProjectFiles {
  const prefix = `${member.dir}/`;
  const paths = new Set<string>();
  const texts = new Map<string, string>();
  for (const path of files.paths) {
    if (!path.startsWith(prefix)) continue;
    const inner = path.slice(prefix.length);
    if (FROM_ROOT.includes(inner)) continue;
    paths.add(inner);
    const text = textOf(files, path);
    if (text !== undefined) texts.set(inner, text);
  }
  for (const path of [...FROM_ROOT, '.python-version']) {
    if (!hasFile(files, path) || (path === '.python-version' && paths.has(path))) continue;
    paths.add(path);
    const text = textOf(files, path);
    if (text !== undefined) texts.set(path, text);
  }
  return { paths, texts };
}

/** A member's path as the build context (the root) sees it. */
export function fromRoot(member: Member | undefined, path: string): string {
  if (!member) return path;
  return path ? `${member.dir}/${path}` : member.dir;
}
