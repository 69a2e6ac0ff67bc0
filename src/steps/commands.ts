/**
 * uv lock and git init. execa is imported when a tool runs, not before: a run
 * without post-steps never pays for loading it.
 */
import type { ResultPromise } from 'execa';
import type { Run } from '../run.ts';

export interface StepResult {
  ok: boolean;
  /** The last lines the tool printed, for a failure message. */
  output: string;
  /** Set when the tool was killed: Ctrl-C reaches it and us together, and it may die first. */
  signal?: string;
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export const UV_LOCK_COMMAND = 'uv lock';

type Child = ResultPromise<{ all: true; reject: false; detached: true }>;

/**
 * Tools run in a process group of their own (detached), tracked by the run
 * that started them, so that a stop ends the tool and everything it started,
 * and a SIGTERM sent to us alone reaches them too. Nothing else ends them:
 * a group of its own does not get the terminal's Ctrl-C, and an orphaned
 * `uv lock` went on writing after the run had said it stopped.
 */
async function start(file: string, args: string[], options: { cwd: string; env?: Record<string, string>; run: Run }): Promise<{ child: Child }> {
  const { execa } = await import('execa');
  const { run, ...rest } = options;
  // A stop that came while execa loaded has already stopped the tools: start no new one.
  run.throwIfCancelled();
  const child: Child = execa(file, args, { ...rest, all: true, reject: false, detached: true });
  run.track({ pid: child.pid, group: true, done: child });
  // Wrapped: the child is a promise itself, and returning it would wait for its end.
  return { child };
}

/** uv.lock pins every dependency; the Docker build's `uv sync --locked` requires it. */
export async function runUvLock(dir: string, run: Run, onLine?: (line: string) => void): Promise<StepResult> {
  const { child } = await start('uv', ['lock'], { cwd: dir, env: { NO_COLOR: '1' }, run });
  // Output comes in chunks that may end mid-line: hold the unfinished line until its end arrives.
  let partial = '';
  if (onLine) {
    child.all?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onLine);
    });
  }
  const result = await child;
  if (onLine && partial) onLine(partial);
  const output = tail(result.all ?? '');
  return { ok: result.exitCode === 0, output: result.exitCode === 0 ? output : withHint(output), signal: result.signal };
}

/** Two failures that say little to someone who has not met them before. */
function withHint(output: string): string {
  if (/^pyenv: version .* is not installed/m.test(output)) {
    return `${output}\nuv is a pyenv shim here, and pyenv follows the project's .python-version: install uv with pipx or its standalone installer.`;
  }
  if (/python-build-standalone/.test(output)) {
    return `${output}\nuv could not download the project's Python; install it with \`uv python install\`, or choose an installed one with --python.`;
  }
  return output;
}

export async function runGitInit(dir: string, version: string, run: Run): Promise<StepResult & { committed: boolean }> {
  const git = async (...args: string[]) => (await start('git', args, { cwd: dir, run })).child;
  for (const args of [['init', '--quiet', '--initial-branch=main'], ['add', '--all']]) {
    const result = await git(...args);
    if (result.exitCode !== 0) return { ok: false, committed: false, output: tail(result.all ?? ''), signal: result.signal };
  }
  const commit = await git('commit', '--quiet', '--no-verify', '--message', `Create project with create-fly-fastapi ${version}`);
  if (commit.signal) return { ok: false, committed: false, output: tail(commit.all ?? ''), signal: commit.signal };
  // No user.name/user.email configured: the repository is there, the commit is left to the user.
  return { ok: true, committed: commit.exitCode === 0, output: tail(commit.all ?? '') };
}

/** `uv add` / `uv remove` / `uv lock` in a project an update changed; `--no-sync`: no environment is built. */
export async function runUv(dir: string, args: readonly string[], run: Run): Promise<StepResult> {
  // --frozen (no uv.lock to follow) already builds nothing, and uv refuses it together with --no-sync.
  const withSync = args[0] === 'lock' || args.includes('--frozen') ? [...args] : [args[0]!, '--no-sync', ...args.slice(1)];
  const { child } = await start('uv', withSync, { cwd: dir, env: { NO_COLOR: '1' }, run });
  const result = await child;
  return { ok: result.exitCode === 0, output: tail(result.all ?? ''), signal: result.signal };
}
