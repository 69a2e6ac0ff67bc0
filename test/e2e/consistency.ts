/**
 * Values that live in more than one generated file and must agree: the port,
 * the Python version, the uv version, and the regions and scaling the options
 * asked for. Every disagreement is listed, not just the first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { Stage } from './dockerfile.ts';
import type { FlyToml } from './fly.ts';
import { CheckFailure } from './run.ts';
import { MPG_REGIONS, type Expected, type Variant } from './variants.ts';

/** `fastapi run` and uvicorn both listen on 8000 unless told otherwise. */
const DEFAULT_PORT = 8000;
const SERVERS = ['fastapi', 'uvicorn'];

function cmdPort(argv: readonly string[]): number | undefined {
  const flag = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  if (flag >= 0) return Number(argv[flag]!.includes('=') ? argv[flag]!.split('=')[1] : argv[flag + 1]);
  return SERVERS.includes(argv[0] ?? '') ? DEFAULT_PORT : undefined;
}

function read(dir: string, path: string): string | undefined {
  return existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined;
}

function checkPorts(fly: FlyToml, stages: Stage[], problems: string[]): void {
  const port = fly.http_service.internal_port;
  const runtime = stages.at(-1)!;
  const exposed = runtime.instructions.flatMap((instruction) => (instruction.kind === 'EXPOSE' ? instruction.ports : []));
  if (exposed.join() !== String(port)) problems.push(`Dockerfile EXPOSE ${exposed.join(' ') || '(none)'} but fly.toml internal_port = ${port}`);
  const cmd = runtime.instructions.filter((instruction) => instruction.kind === 'CMD').at(-1);
  const argv = cmd && cmd.kind === 'CMD' ? (cmd.exec ?? cmd.shell?.split(/\s+/) ?? []) : [];
  if (cmdPort(argv) !== port) problems.push(`Dockerfile CMD ${JSON.stringify(argv)} listens on ${cmdPort(argv) ?? 'no port it names'}, fly.toml internal_port = ${port}`);
  const host = argv[argv.indexOf('--host') + 1];
  if (argv.includes('--host') && host !== '0.0.0.0' && host !== '::') problems.push(`Dockerfile CMD binds ${host}: Fly's proxy reaches only 0.0.0.0`);
  // uvicorn's own default is 127.0.0.1 (fastapi run's is 0.0.0.0).
  if (argv[0] === 'uvicorn' && !argv.includes('--host')) problems.push("Dockerfile CMD runs uvicorn without --host: it binds 127.0.0.1, which Fly's proxy cannot reach");
  for (const [name, check] of Object.entries(fly.checks ?? {})) {
    if (check.port !== port) problems.push(`fly.toml [checks.${name}] port = ${check.port}, internal_port = ${port}`);
  }
}

function checkPython(dir: string, v: Variant, stages: Stage[], problems: string[]): void {
  const pinned = read(dir, '.python-version')?.trim();
  if (pinned !== v.python) problems.push(`.python-version is ${pinned}, --python was ${v.python}`);
  const pyproject = parse(read(dir, 'pyproject.toml') ?? '') as { project?: { 'requires-python'?: string } };
  const floor = /^>=\s*(\d+\.\d+)\s*$/.exec(pyproject.project?.['requires-python'] ?? '')?.[1];
  if (floor !== v.python) problems.push(`requires-python is ${pyproject.project?.['requires-python']}, expected >=${v.python}`);
  const tags = stages.map((stage) => /^python:(\d+\.\d+)/.exec(stage.image)?.[1]);
  if (tags.some((tag) => tag !== v.python)) problems.push(`Dockerfile FROM tags ${stages.map((stage) => stage.image).join(', ')} do not all say python:${v.python}`);
  // The venv's interpreter link is only valid in an image built from the same base.
  if (new Set(stages.map((stage) => stage.image)).size !== 1) problems.push('builder and runtime stages use different base images');
}

function checkUvVersion(dir: string, stages: Stage[], problems: string[]): void {
  const dockerUv = stages
    .flatMap((stage) => stage.instructions)
    .flatMap((instruction) => (instruction.kind === 'COPY' && instruction.from?.startsWith('ghcr.io/astral-sh/uv:') ? [instruction.from.split(':')[1]] : []));
  const ci = read(dir, '.github/workflows/ci.yml');
  const ciUv = ci && /setup-uv@[^\n]*\n\s+with:\n\s+version:\s*"?([\d.]+)"?/.exec(ci)?.[1];
  if (ci && (dockerUv.length !== 1 || ciUv !== dockerUv[0])) problems.push(`uv ${dockerUv.join()} in the Dockerfile, ${ciUv ?? 'unpinned'} in .github/workflows/ci.yml`);
}

function checkFlySettings(dir: string, fly: FlyToml, v: Variant, want: Expected, problems: string[]): void {
  const service = fly.http_service;
  const compare = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) problems.push(`fly.toml ${what} = ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)} for --scaling ${v.scaling} --regions ${v.regions.join(',')}`);
  };
  compare('primary_region', fly.primary_region, want.primaryRegion);
  compare('auto_stop_machines', service.auto_stop_machines, want.autoStop);
  compare('auto_start_machines', service.auto_start_machines, want.autoStart);
  compare('min_machines_running', service.min_machines_running ?? 0, want.minMachinesRunning);
  compare('[deploy] release_command present', Boolean(fly.deploy?.release_command), want.database);
  if (v.postgres === 'managed' && !MPG_REGIONS.includes(fly.primary_region)) problems.push(`Managed Postgres is not offered in primary region ${fly.primary_region}`);

  const settings = read(dir, 'app/platform/settings.py') ?? '';
  const defaultPrimary = /primary_region: str = "([a-z]+)"/.exec(settings)?.[1];
  if (defaultPrimary !== undefined && defaultPrimary !== fly.primary_region) problems.push(`app/platform/settings.py defaults PRIMARY_REGION to ${defaultPrimary}, fly.toml says ${fly.primary_region}`);

  // Extra regions are not in fly.toml: the README tells how to place a Machine in each.
  const readme = read(dir, 'README.md') ?? '';
  const scaled = [...readme.matchAll(/fly scale count \d+ --region ([a-z]+)/g)].map((match) => match[1]);
  if (scaled.join() !== want.extraRegions.join()) problems.push(`README.md places Machines in [${scaled.join(', ')}], --regions asked for [${want.extraRegions.join(', ')}] beyond the primary`);
  const launch = /fly launch [^\n]*/.exec(readme)?.[0] ?? '';
  if (!launch.includes(`--region ${want.primaryRegion}`)) problems.push(`README.md's fly launch does not use --region ${want.primaryRegion}: ${launch}`);
  if (!launch.includes(`--ha=${want.highAvailability}`)) problems.push(`README.md's fly launch should say --ha=${want.highAvailability} for --scaling ${v.scaling}: ${launch}`);
}

export function checkConsistency(dir: string, v: Variant, want: Expected, fly: FlyToml, stages: Stage[]): string {
  const problems: string[] = [];
  checkPorts(fly, stages, problems);
  checkPython(dir, v, stages, problems);
  checkUvVersion(dir, stages, problems);
  checkFlySettings(dir, fly, v, want, problems);
  if (problems.length) throw new CheckFailure(problems.join('\n'));
  return `port ${fly.http_service.internal_port}, Python ${v.python}, primary ${fly.primary_region}, auto_stop ${fly.http_service.auto_stop_machines}, min ${fly.http_service.min_machines_running ?? 0}`;
}
