/**
 * Brings a kit onto this machine as a folder: a folder is used where it is, a
 * tarball is unpacked, and an npm spec is fetched with `npm pack
 * --ignore-scripts` (so the user's npm configuration, private registries
 * included, applies) and unpacked. No script of the kit ever runs.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kitSourceProblem } from '../options/rules.ts';
import type { Run } from '../run.ts';
import { KitError } from './errors.ts';
import type { KitSource } from './types.ts';

export interface FetchedKit {
  dir: string;
  source: KitSource;
  /** Removes what fetching left in the temp folder; nothing for a folder kit. */
  dispose(): Promise<void>;
}

const TARBALL = /\.(tgz|tar\.gz)$/;
/** What can only be a path, never an npm spec. */
const PATH_LIKE = /^(\.{1,2}([\\/]|$)|[\\/]|~|[A-Za-z]:[\\/])/;

/** The line of a tool's output that says why: npm's first error line that is not its code or log path, or the first line. */
function reason(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const npm = lines.filter((line) => /^npm (error|ERR!)/.test(line) && !/^npm (error|ERR!) (code |A complete log)/.test(line));
  // tar warns first ("Removing leading '/'") and sums up last ("Exiting with failure status"): the line between says why.
  const said = lines.filter((line) => !/^tar: (Removing leading|Exiting with failure status|Child returned status|Error is not recoverable)/.test(line));
  return npm[0] ?? said[0] ?? lines[0] ?? 'no output';
}

async function run(command: string, args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; output: string }> {
  const { execa } = await import('execa');
  const result = await execa(command, args, { cwd, reject: false, all: true, stdin: 'ignore' });
  return { ok: result.exitCode === 0, stdout: result.stdout ?? '', output: result.all ?? (result as { message?: string }).message ?? '' };
}

/** npm pack's tarballs hold one folder, package/; `tar` refuses members that would land outside. */
async function unpack(tarball: string, into: string, spec: string): Promise<string> {
  const result = await run('tar', ['-xzf', tarball, '-C', into, '--no-same-owner', '--no-same-permissions'], into);
  if (!result.ok) throw new KitError(`--kit: ${spec}: cannot unpack the kit: ${reason(result.output)}`);
  const dir = join(into, 'package');
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new KitError(`--kit: ${spec}: not a package tarball (no package/ folder inside)`);
  return dir;
}

export async function fetchKit(spec: string, cwd = process.cwd(), owner?: Run): Promise<FetchedKit> {
  // Checked again here, whoever calls: the spec reaches npm's command line.
  const problem = kitSourceProblem(spec);
  if (problem) throw new KitError(`--kit: ${problem}`);
  const path = resolve(cwd, spec);
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) return { dir: path, source: { spec, kind: 'directory' }, dispose: async () => {} };
  if (!found && (PATH_LIKE.test(spec) || TARBALL.test(spec))) throw new KitError(`--kit: ${spec} does not exist`);

  const temp = await mkdtemp(join(tmpdir(), 'create-fly-fastapi-kit-'));
  // A stop while npm packs: the run's undo removes the folder.
  const forget = owner?.onAbort(() => rmSync(temp, { recursive: true, force: true })) ?? (() => {});
  const dispose = async () => {
    forget();
    await rm(temp, { recursive: true, force: true });
  };
  try {
    if (found?.isFile()) {
      if (!TARBALL.test(spec)) throw new KitError(`--kit: ${spec} is a file, not a kit folder or a .tgz`);
      return { dir: await unpack(path, temp, spec), source: { spec, kind: 'tarball' }, dispose };
    }
    // Run where the user is, so a project's .npmrc (a scope's private registry) applies too.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp, '--', spec], cwd);
    if (!packed.ok) throw new KitError(`--kit: cannot fetch ${spec} with npm: ${reason(packed.output)}`);
    let filename: string | undefined;
    try {
      filename = (JSON.parse(packed.stdout) as { filename: string }[])[0]?.filename;
    } catch {
      filename = undefined;
    }
    if (!filename) throw new KitError(`--kit: npm pack ${spec} did not say which tarball it wrote`);
    // Scoped names come back as "@acme/x-1.0.0.tgz" but are written as "acme-x-1.0.0.tgz".
    const tarball = join(temp, filename.replace(/^@/, '').replace('/', '-'));
    return { dir: await unpack(tarball, temp, spec), source: { spec, kind: 'npm' }, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
