/**
 * The build context as `docker build` would send it: the project folder less
 * what .dockerignore excludes. Patterns follow Docker's rules: `*` and `?`
 * stay within a path segment, `**` spans segments, a pattern also excludes
 * everything under a matching folder, `!` re-includes, the last match wins.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Rule {
  negate: boolean;
  regex: RegExp;
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" also matches no folder at all.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`.dockerignore: unclosed [ in ${pattern}`);
      out += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function readDockerignore(text: string): Rule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      // Docker cleans each pattern: no leading or trailing slash, no "./".
      const pattern = (negate ? line.slice(1) : line).trim().replace(/^\/+|\/+$/g, '').replace(/^(\.\/)+/, '');
      return { negate, regex: globToRegex(pattern) };
    });
}

export function isExcluded(rules: readonly Rule[], path: string): boolean {
  const segments = path.split('/');
  const selfAndParents = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (selfAndParents.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negate;
  }
  return excluded;
}

/** Copies the project's files that survive .dockerignore into `dest`; returns their paths. */
export function buildContext(projectDir: string, dest: string): string[] {
  const ignoreFile = join(projectDir, '.dockerignore');
  const rules = existsSync(ignoreFile) ? readDockerignore(readFileSync(ignoreFile, 'utf8')) : [];
  const canReinclude = rules.some((rule) => rule.negate);
  const copied: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(projectDir, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!canReinclude && isExcluded(rules, path)) continue;
        walk(path);
      } else if (!isExcluded(rules, path)) {
        mkdirSync(dirname(join(dest, path)), { recursive: true });
        copyFileSync(join(projectDir, path), join(dest, path));
        copied.push(path);
      }
    }
  };
  mkdirSync(dest, { recursive: true });
  walk('');
  return copied;
}
