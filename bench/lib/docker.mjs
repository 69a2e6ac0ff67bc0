// The Docker engine for section 7, set up by the end-to-end tier's own code:
// the stand-in base images the generated Dockerfile names, and a BuildKit client.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from './proc.mjs';

export const LABEL = 'org.create-fly-fastapi.bench';

/** `{ problem }`, or the client, its environment and build arguments, and the pinned uv binary. */
export function prepareEngine(repo, python) {
  const result = run(process.execPath, ['--import', 'tsx', join(repo, 'test/e2e/standins.ts'), python], { cwd: repo, allowFailure: true });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !line.startsWith('{')) return { problem: `the stand-in images could not be made: ${(result.stderr || result.stdout).trim().split('\n').at(-1)}` };
  const found = JSON.parse(line);
  if (found.problem) return found;
  const env = { ...process.env, ...(found.env.DOCKER_BUILDKIT ? { DOCKER_BUILDKIT: '1' } : {}) };
  const docker = (args, options = {}) => run(found.client, args, { env, ...options });
  return { ...found, env, docker };
}

/** BuildKit cannot fetch the `# syntax=` frontend offline; the built-in one reads the rest unchanged. */
export function buildImage(engine, dir, tag) {
  const dockerfile = join(dir, '..', `${tag.replace(/[^a-z0-9]/g, '-')}.Dockerfile`);
  writeFileSync(dockerfile, readFileSync(join(dir, 'Dockerfile'), 'utf8').replace(/^#\s*syntax=.*\n/m, ''));
  const started = performance.now();
  engine.docker([...engine.buildArgs, '--network', 'host', '--label', `${LABEL}=1`, '--file', dockerfile, '--tag', tag, dir]);
  return performance.now() - started;
}

export function imageSize(engine, tag) {
  return Number(engine.docker(['image', 'inspect', '--format', '{{.Size}}', tag]).stdout.trim());
}

/** `command`, when given, replaces the image's CMD. */
export function startContainer(engine, tag, env, command = []) {
  const flags = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  const id = engine.docker(['run', '--detach', '--label', `${LABEL}=1`, '--network', 'host', ...flags, tag, ...command]).stdout.trim();
  const pid = Number(engine.docker(['inspect', '--format', '{{.State.Pid}}', id]).stdout.trim());
  return { id, pid, exited: false };
}

export function removeContainer(engine, container) {
  engine.docker(['rm', '--force', container.id], { allowFailure: true });
}

export function removeLabelled(engine) {
  const ids = (what) => [...new Set(engine.docker([what, '--all', '--quiet', '--filter', `label=${LABEL}`], { allowFailure: true }).stdout.split('\n').filter(Boolean))];
  const containers = ids('ps');
  if (containers.length) engine.docker(['rm', '--force', ...containers], { allowFailure: true });
  const images = ids('images');
  if (images.length) engine.docker(['rmi', '--force', ...images], { allowFailure: true });
}

/** Resident memory of a process and all below it, in bytes: what the container's processes hold. */
export function treeRss(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  let bytes = 0;
  for (const member of tree) {
    try {
      bytes += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {}
  }
  return bytes;
}
