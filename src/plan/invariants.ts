/**
 * What must hold in a planned project whatever a kit laid over it: the port
 * the Dockerfile serves on is fly.toml's internal_port and its checks' port,
 * the runtime image holds what the CMD and the release command need, and the
 * files those commands read are there.
 */
import { parse } from 'smol-toml';
import type { FlyConfig } from './flyToml.ts';

/** Names the file (or the kit key) a broken invariant comes from: `.../files/Dockerfile`. */
export type Blame = (path: string) => string;

export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

function fail(message: string): never {
  throw new InvariantError(message);
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * The ports a Dockerfile serves on: EXPOSE, and --port / --bind in CMD or
 * ENTRYPOINT, where `$PORT` is read from the Dockerfile's own ENV (a port
 * taken from a variable it does not set is NaN: nobody can say what it is).
 */
function portsServed(lines: readonly string[]): number[] {
  const ports: number[] = [];
  const env = new Map<string, string>();
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ENV') {
      const pairs = rest.join(' ');
      const single = /^(\w+)\s+(?!\S*=)(.+)$/.exec(pairs);
      if (single) env.set(single[1]!, single[2]!.replace(/^["']|["']$/g, ''));
      else for (const match of pairs.matchAll(/\b(\w+)=("[^"]*"|'[^']*'|\S*)/g)) env.set(match[1]!, match[2]!.replace(/^["']|["']$/g, ''));
    }
    if (upper === 'EXPOSE') ports.push(...rest.map((port) => Number.parseInt(port, 10)));
    if (upper === 'CMD' || upper === 'ENTRYPOINT') {
      const text = rest.join(' ');
      for (const match of text.matchAll(/--port[\s=",]+(\d+)|(?:--bind|-b)[\s=",]+[^\s",]*:(\d+)/g)) ports.push(Number(match[1] ?? match[2]));
      for (const match of text.matchAll(/--port[\s=",]+\$\{?(\w+)\}?/g)) ports.push(Number(env.get(match[1]!) ?? Number.NaN));
    }
  }
  return ports;
}

/** Sources copied from the build context into the final stage. */
function runtimeCopies(lines: readonly string[]): string[] {
  const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return lines
    .slice(lastFrom + 1)
    .filter((line) => /^(COPY|ADD)\s/i.test(line) && !/\s--from=/i.test(line))
    .flatMap((line) => {
      const words = line.split(/\s+/).slice(1).filter((word) => !word.startsWith('--'));
      return words.slice(0, -1).map((word) => word.replace(/^\.\//, '').replace(/\/$/, '') || '.');
    });
}

function covered(path: string, sources: readonly string[]): boolean {
  return sources.some((source) => source === '.' || source === path || path.startsWith(`${source}/`));
}

export function checkInvariants(files: ReadonlyMap<string, string>, fly: FlyConfig, blame: Blame): void {
  const release = fly.deploy?.release_command;
  const needs: [string, string][] = [
    ['Dockerfile', 'fly.toml builds with it'],
    ['pyproject.toml', 'uv and the Docker build read it'],
    ['app/main.py', "the Dockerfile's CMD serves app.main:app"],
  ];
  if (release?.startsWith('alembic')) {
    needs.push(['alembic.ini', `fly.toml's release command (${release}) reads it`], ['migrations/env.py', `fly.toml's release command (${release}) runs it`]);
  }
  for (const [path, why] of needs) if (!files.has(path)) fail(`${blame(path)}: ${path} is needed: ${why}`);

  try {
    parse(files.get('pyproject.toml')!);
  } catch (error) {
    fail(`${blame('pyproject.toml')}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }

  const runtime = release?.startsWith('alembic') ? ['app', 'alembic.ini', 'migrations'] : ['app'];
  checkServing(files.get('Dockerfile')!, fly, runtime.map((path) => ({ path, who: path === 'app' ? 'the CMD' : `the release command (${release})` })), blame);
}

/**
 * The Dockerfile serves fly.toml's port, its checks use that port, and its final
 * stage copies each runtime need. Shared with --adopt, whose files are the user's.
 */
export function checkServing(dockerfile: string, fly: FlyConfig, needs: readonly { path: string; who: string }[], blame: Blame): void {
  const port = fly.http_service.internal_port;
  // The server is not root, so it cannot bind below 1024; above 65535 is no port.
  if (!Number.isInteger(port) || port < 1024 || port > 65535) fail(`fly.toml: internal_port ${port} is not a port a server that is not root can bind (1024-65535)`);
  for (const [name, check] of Object.entries(fly.checks ?? {})) {
    if (check.port !== port) fail(`fly.toml: check ${name} uses port ${check.port}, internal_port is ${port}`);
  }
  const lines = instructions(dockerfile);
  const served = portsServed(lines);
  if (served.length === 0) fail(`${blame('Dockerfile')}: names no port (EXPOSE, or --port in CMD); fly.toml's internal_port and checks use ${port}`);
  if (served.some((candidate) => Number.isNaN(candidate))) fail(`${blame('Dockerfile')}: CMD takes --port from a variable its ENV does not set; fly.toml's internal_port and checks use ${port}`);
  const other = served.find((candidate) => candidate !== port);
  if (other !== undefined) fail(`${blame('Dockerfile')}: serves port ${other}, but fly.toml's internal_port and checks use ${port}`);

  const copies = runtimeCopies(lines);
  const missing = needs.find(({ path }) => !covered(path, copies));
  if (missing !== undefined) fail(`${blame('Dockerfile')}: the final image does not COPY ${missing.path}, which ${missing.who} needs`);
}
