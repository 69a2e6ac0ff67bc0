/**
 * The generated project as Fly runs it: its Dockerfile built with BuildKit,
 * the release command and the CMD run as containers of that image. Every
 * container uses the host's network, so all traffic stays on 127.0.0.1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, dockerQuiet, TIER_LABEL, type Engine } from './engine.ts';
import type { ImageRunner } from './migrations.ts';
import { CheckFailure, gist, tail } from './run.ts';

export interface BuiltImage {
  tag: string;
  user: string;
  entrypoint: string[];
  cmd: string[];
  exposed: string[];
  /** Bytes, as `docker image inspect` counts them. */
  size: number;
}

const envFlags = (env: Record<string, string>) => Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);

/**
 * BuildKit fetches the frontend a `# syntax=` line names from a registry, which
 * this machine cannot reach; the built-in frontend reads the same Dockerfile.
 * The copy under test is the generated file without that one line.
 */
export function dockerfileUnderTest(generated: string): string {
  const lines = generated.split('\n');
  const kept = lines.filter((line) => !/^#\s*syntax\s*=/.test(line));
  if (lines.length - kept.length > 1) throw new CheckFailure('the Dockerfile has more than one `# syntax=` line');
  return kept.join('\n');
}

export async function buildImage(engine: Engine, projectDir: string, workDir: string, tag: string, dockerfile = 'Dockerfile'): Promise<BuiltImage & { seconds: number }> {
  const copy = join(workDir, 'Dockerfile.under-test');
  writeFileSync(copy, dockerfileUnderTest(readFileSync(join(projectDir, dockerfile), 'utf8')));
  const started = Date.now();
  const built = await dockerQuiet(engine, [...engine.buildArgs, '--network', 'host', '--progress', 'plain', '--label', `${TIER_LABEL}=1`, '--file', copy, '--tag', tag, projectDir], 1_200_000);
  if (built.code !== 0) {
    // BuildKit's plain progress ends with the failing step and its error.
    const error = built.output.split('\n').filter((line) => /ERROR|error:|failed to|not found/i.test(line)).slice(-3).join('\n');
    throw new CheckFailure(`docker build failed: ${gist(error || built.output)}\n${tail(built.output, 25)}`);
  }
  const seconds = (Date.now() - started) / 1000;
  return { ...(await inspectImage(engine, tag)), seconds };
}

export async function inspectImage(engine: Engine, tag: string): Promise<BuiltImage> {
  const inspected = await docker(engine, 'docker image inspect', ['image', 'inspect', '--format', '{{json .Config}} {{.Size}}', tag]);
  const [json, size] = inspected.output.trim().split(/ (?=\d+$)/);
  const config = JSON.parse(json!) as { User?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; ExposedPorts?: Record<string, unknown> };
  return { tag, user: config.User ?? '', entrypoint: config.Entrypoint ?? [], cmd: config.Cmd ?? [], exposed: Object.keys(config.ExposedPorts ?? {}), size: Number(size) };
}

/** What the image holds that it should not: run inside it, as its own USER, with its own Python. */
const CONTENTS_PROBE = String.raw`
import os, shutil, sys
found = []
found += [f"uv on PATH: {shutil.which(n)}" for n in ("uv", "uvx") if shutil.which(n)]
found += [f"uv binary: {p}" for p in ("/uv", "/bin/uv", "/usr/bin/uv", "/usr/local/bin/uv") if os.path.exists(p)]
unwanted = {"tests", ".git", ".env", ".venv-dev", ".pytest_cache", ".ruff_cache", ".mypy_cache", "uv.lock.bak"}
for top in (os.getcwd(),):
    for root, dirs, files in os.walk(top):
        if root.startswith(os.path.join(top, ".venv")):
            continue
        for name in dirs + files:
            if name in unwanted or name.startswith(".env"):
                found.append(f"{os.path.join(root, name)} is in the image")
for cache in ("/root/.cache/uv", "/root/.cache/pip", os.path.expanduser("~/.cache/uv")):
    if os.path.isdir(cache) and os.listdir(cache):
        found.append(f"a package cache at {cache}")
def section_names(path):
    # A 64-bit little-endian ELF file's section names, from its section header table.
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x7fELF\x02\x01":
        return []
    shoff = int.from_bytes(data[0x28:0x30], "little")
    size, count, names = (int.from_bytes(data[o:o + 2], "little") for o in (0x3A, 0x3C, 0x3E))
    header = lambda i: data[shoff + i * size:shoff + (i + 1) * size]
    table = int.from_bytes(header(names)[0x18:0x20], "little")
    return [data[table + int.from_bytes(header(i)[:4], "little"):].split(b"\0", 1)[0].decode() for i in range(count)]
debug = []
for root, dirs, files in os.walk(sys.prefix):
    for name in files:
        if ".so" in name and ".debug_info" in section_names(os.path.join(root, name)):
            debug.append(os.path.relpath(os.path.join(root, name), sys.prefix))
if debug:
    found.append(f"debug sections in {len(debug)} compiled extensions: {', '.join(sorted(debug)[:3])}")
print(f"uid={os.getuid()} gid={os.getgid()} cwd={os.getcwd()} entries={sorted(os.listdir(os.getcwd()))}")
for line in found:
    print(f"FOUND {line}")
`;

/** Non-root; none of uv, tests, .env, .git or caches; no debug sections in the compiled extensions. */
export async function checkContents(engine: Engine, image: BuiltImage): Promise<string> {
  const probe = await docker(engine, 'the contents probe', ['run', '--rm', '--label', `${TIER_LABEL}=1`, '--network', 'none', '--entrypoint', 'python', image.tag, '-c', CONTENTS_PROBE]);
  const summary = probe.output.split('\n').find((line) => line.startsWith('uid=')) ?? '';
  const problems = probe.output.split('\n').filter((line) => line.startsWith('FOUND ')).map((line) => line.slice(6));
  const uid = /uid=(\d+)/.exec(summary)?.[1];
  if (uid === undefined) throw new CheckFailure(`the contents probe printed no uid:\n${tail(probe.output)}`);
  if (uid === '0') problems.unshift(`the image runs as root (USER ${image.user || 'unset'})`);
  if (!/^\d+(:\d+)?$/.test(image.user)) problems.push(`USER ${image.user || '(unset)'} is not numeric: a platform cannot tell it is not root without /etc/passwd`);
  if (problems.length) throw new CheckFailure(problems.join('\n'));
  return `${summary}; no uv, tests, .env, .git, caches or debug sections`;
}

/** The release command's way of running: its argv replaces CMD, in a fresh container of the image. */
export function containerRunner(engine: Engine, image: BuiltImage): ImageRunner {
  return async ([program = '', ...args], env) => {
    const result = await dockerQuiet(engine, ['run', '--rm', '--label', `${TIER_LABEL}=1`, '--network', 'host', ...envFlags(env), '--entrypoint', program, image.tag, ...args], 300_000);
    if (result.code !== 0) throw new CheckFailure(`${[program, ...args].join(' ')} in the image: exit ${result.code}: ${gist(result.output)}\n${tail(result.output)}`);
    return result;
  };
}

export interface RunningContainer {
  id: string;
  /** The container's main process as the host sees it, for /proc. */
  pid: number;
  baseUrl: string;
  logs(): Promise<string>;
  /** Why it is not running any more, or undefined while it runs. */
  exited(): Promise<string | undefined>;
  /** Sends `signal` and waits up to `timeoutSeconds`; then kills it and says so. */
  stop(signal: string, timeoutSeconds: number): Promise<{ exitCode: number; seconds: number; inTime: boolean }>;
  remove(): Promise<void>;
}

export async function startContainer(engine: Engine, image: BuiltImage, port: number, env: Record<string, string>, name?: string): Promise<RunningContainer> {
  const started = await docker(engine, 'docker run --detach', ['run', '--detach', '--label', `${TIER_LABEL}=1`, '--network', 'host', ...(name ? ['--name', name] : []), ...envFlags(env), image.tag]);
  const id = started.output.trim().split('\n').at(-1)!;
  const state = async () => {
    const inspected = await dockerQuiet(engine, ['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}} {{.State.Pid}}', id]);
    const [running, exitCode, pid] = inspected.output.trim().split(' ');
    return { running: running === 'true', exitCode: Number(exitCode), pid: Number(pid) };
  };
  const logs = async () => (await dockerQuiet(engine, ['logs', id])).output;
  return {
    id,
    pid: (await state()).pid,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    async exited() {
      const now = await state();
      return now.running ? undefined : `exit ${now.exitCode}: ${gist(await logs())}\n${tail(await logs())}`;
    },
    async stop(signal, timeoutSeconds) {
      const begun = Date.now();
      await dockerQuiet(engine, ['kill', '--signal', signal, id]);
      for (;;) {
        const now = await state();
        const seconds = (Date.now() - begun) / 1000;
        if (!now.running) return { exitCode: now.exitCode, seconds, inTime: true };
        if (seconds > timeoutSeconds) {
          await dockerQuiet(engine, ['kill', id]);
          return { exitCode: (await state()).exitCode, seconds, inTime: false };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async remove() {
      await dockerQuiet(engine, ['rm', '--force', id]);
    },
  };
}

/** Runs a command in the variant's Python image with the project mounted at /project, as this user. */
export async function runInPythonImage(
  engine: Engine,
  baseImage: string,
  projectDir: string,
  uvBinary: string,
  cacheDir: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 600_000,
) {
  const user = process.getuid && process.getgid ? ['--user', `${process.getuid()}:${process.getgid()}`] : [];
  return dockerQuiet(
    engine,
    [
      'run', '--rm', '--label', `${TIER_LABEL}=1`, '--network', 'host', ...user,
      '--volume', `${projectDir}:/project`, '--workdir', '/project',
      '--volume', `${uvBinary}:/usr/local/bin/uv:ro`,
      '--volume', `${cacheDir}:/uv-cache`,
      ...envFlags({ HOME: '/tmp', UV_CACHE_DIR: '/uv-cache', UV_PYTHON_DOWNLOADS: 'never', NO_COLOR: '1', ...env }),
      baseImage, ...args,
    ],
    timeoutMs,
  );
}
