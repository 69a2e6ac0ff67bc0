/**
 * The Docker engine the tier builds and runs images with. It needs a client
 * that builds with BuildKit (the generated Dockerfile uses RUN --mount): a
 * client with the buildx plugin, or one older than 23.0, where
 * DOCKER_BUILDKIT=1 selects the builder built into the daemon. A client
 * without either falls back to the legacy builder, which fails on --mount.
 *
 * Every container and image the tier makes carries the label below, so the
 * end of a run (or the next run, after a crash) removes exactly those.
 */
import { delimiter } from 'node:path';
import { CheckFailure, executable, findExecutable, gist, mustRun, run, tail, type RunResult } from './run.ts';

export const TIER_LABEL = 'org.create-fly-fastapi.e2e';

export interface Engine {
  client: string;
  version: string;
  /** `buildx build --load` with the plugin, or `build` with DOCKER_BUILDKIT=1. */
  buildArgs: string[];
  env: NodeJS.ProcessEnv;
}

async function clientProbe(client: string, env: NodeJS.ProcessEnv): Promise<Engine | string> {
  const version = await run(client, ['version', '--format', '{{.Client.Version}} {{.Server.Version}}'], { cwd: '/', env, timeoutMs: 20_000 });
  const [clientVersion = '', serverVersion = ''] = version.output.trim().split(/\s+/);
  if (version.code !== 0 || !serverVersion) return `${client}: no Docker daemon answers (${gist(version.output) || `exit ${version.code}`})`;
  const buildx = await run(client, ['buildx', 'version'], { cwd: '/', env, timeoutMs: 20_000 });
  if (buildx.code === 0) return { client, version: `${clientVersion}/${serverVersion}`, buildArgs: ['buildx', 'build', '--load'], env };
  if (Number(clientVersion.split('.')[0]) < 23) {
    return { client, version: `${clientVersion}/${serverVersion}`, buildArgs: ['build'], env: { ...env, DOCKER_BUILDKIT: '1' } };
  }
  return `${client} ${clientVersion} has no buildx plugin, so it would build with the legacy builder, which cannot run RUN --mount`;
}

/** E2E_DOCKER names the client; otherwise the first on PATH that builds with BuildKit, then Debian's. */
export async function findEngine(env: NodeJS.ProcessEnv): Promise<Engine | { problem: string }> {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = process.env.E2E_DOCKER
    ? [process.env.E2E_DOCKER]
    : [...new Set([...dirs.map((dir) => findExecutable('docker', [dir])), '/usr/bin/docker'].filter((path): path is string => !!path && executable(path)))];
  if (candidates.length === 0) return { problem: 'no docker client on PATH (apt-get install docker.io; .ci/run does)' };
  const problems: string[] = [];
  for (const client of candidates) {
    const probe = await clientProbe(client, env);
    if (typeof probe !== 'string') return probe;
    problems.push(probe);
  }
  return { problem: problems.join('; ') };
}

export function docker(engine: Engine, label: string, args: string[], timeoutMs = 300_000): Promise<RunResult> {
  return mustRun(label, engine.client, args, { cwd: '/', env: engine.env, timeoutMs });
}

export function dockerQuiet(engine: Engine, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return run(engine.client, args, { cwd: '/', env: engine.env, timeoutMs });
}

/** Removes every container and image a tier run labelled: at the end of a run, and at the start after a crash. */
export async function removeTierObjects(engine: Engine): Promise<string> {
  const containers = (await dockerQuiet(engine, ['ps', '--all', '--quiet', '--filter', `label=${TIER_LABEL}`])).output.split('\n').filter(Boolean);
  if (containers.length) await dockerQuiet(engine, ['rm', '--force', ...containers]);
  const images = (await dockerQuiet(engine, ['images', '--quiet', '--filter', `label=${TIER_LABEL}`])).output.split('\n').filter(Boolean);
  if (images.length) await dockerQuiet(engine, ['rmi', '--force', ...new Set(images)]);
  return `${containers.length} containers, ${new Set(images).size} images removed`;
}

export function failWithLogs(error: unknown, logs: string): never {
  throw error instanceof CheckFailure ? new CheckFailure(`${error.message}\ncontainer output:\n${tail(logs)}`) : error;
}
