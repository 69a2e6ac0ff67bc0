/** Finding programs on PATH without spawning them (start-up stays fast), and what they say of this machine. */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Environment } from '../options/schema.ts';

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export function isInsideGitRepo(dir: string): boolean {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return true;
    if (dirname(current) === current) return false;
  }
}

/** The machine's tools, for the defaults of --git and --lock; `directory` is the project to be. */
export function detectEnvironment(directory: string): Environment {
  return {
    hasGit: findOnPath('git') !== undefined,
    hasUv: findOnPath('uv') !== undefined,
    insideGitRepo: isInsideGitRepo(dirname(resolve(directory))),
  };
}
