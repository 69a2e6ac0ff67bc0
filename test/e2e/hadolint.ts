/**
 * hadolint on the generated Dockerfile, every level counted (style included).
 * An ignored rule passes only when the project says why: a comment beside it
 * in .hadolint.yaml, or a comment line above an inline `# hadolint ignore=`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckFailure, gist, run, tail } from './run.ts';

function unexplainedIgnores(dir: string): string[] {
  const problems: string[] = [];
  const config = join(dir, '.hadolint.yaml');
  if (existsSync(config)) {
    const lines = readFileSync(config, 'utf8').split('\n');
    lines.forEach((line, index) => {
      const rule = /^\s*-\s*(DL\d+|SC\d+)\b/.exec(line)?.[1];
      const previous = lines[index - 1]?.trim() ?? '';
      if (rule && !line.includes('#') && !previous.startsWith('#')) problems.push(`.hadolint.yaml ignores ${rule} without a comment saying why`);
    });
  }
  const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8').split('\n');
  dockerfile.forEach((line, index) => {
    const pragma = /^#\s*hadolint\s+(?:global\s+)?ignore=(\S+)/.exec(line.trim());
    const previous = dockerfile[index - 1]?.trim() ?? '';
    if (pragma && !(previous.startsWith('#') && !previous.includes('hadolint'))) {
      problems.push(`Dockerfile:${index + 1} ignores ${pragma[1]} without a comment line above saying why`);
    }
  });
  return problems;
}

export async function lintDockerfile(dir: string, hadolint: string, env: NodeJS.ProcessEnv): Promise<string> {
  // A personal hadolint config must not hide findings: only the project's own counts.
  const home = mkdtempSync(join(tmpdir(), 'cff-e2e-hadolint-'));
  try {
    const result = await run(hadolint, ['--no-color', '--failure-threshold', 'style', 'Dockerfile'], {
      cwd: dir,
      env: { ...env, HOME: home, XDG_CONFIG_HOME: home },
      timeoutMs: 60_000,
    });
    if (result.code !== 0) throw new CheckFailure(`hadolint: ${gist(result.output)}\n${tail(result.output)}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const problems = unexplainedIgnores(dir);
  if (problems.length) throw new CheckFailure(problems.join('\n'));
  return existsSync(join(dir, '.hadolint.yaml')) ? 'clean, with the ignores .hadolint.yaml explains' : 'clean, nothing ignored';
}
