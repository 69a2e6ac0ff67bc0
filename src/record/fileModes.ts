/**
 * Which files an update keeps following. Managed files carry our wiring
 * (the image and its Python, the Fly configuration, CI, the option-dependent
 * platform package) and are merged three ways on every update; seed files (the example
 * code, the tests, the README, pyproject.toml) are written once and then
 * belong to the user: an update replaces one only while it is byte for byte
 * what we wrote.
 */
/** Who wrote a file: we did, or a starter kit (whose files we keep up to date too). */
export type FileOwner = 'create-fly-fastapi' | 'kit';

export type FileMode = 'managed' | 'seed';

// .python-version names the interpreter the Dockerfile's base image carries: the two move together.
const MANAGED_EXACT = new Set(['Dockerfile', 'fly.toml', '.dockerignore', '.python-version', '.github/create-fly-fastapi-update.sh']);
const MANAGED_FOLDERS = ['.github/workflows/', 'app/platform/'];

export function fileMode(path: string, owner: FileOwner): FileMode {
  // A kit that replaces one of our files keeps it up to date through us.
  if (owner === 'kit') return 'managed';
  if (MANAGED_EXACT.has(path)) return 'managed';
  return MANAGED_FOLDERS.some((folder) => path.startsWith(folder)) ? 'managed' : 'seed';
}
