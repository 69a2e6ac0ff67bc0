/** fly.toml as data. Written with smol-toml, so it is valid TOML by construction. */
import { stringify } from 'smol-toml';
import type { ProjectOptions, ScalingMode } from '../options/schema.ts';
import { wantsHighAvailability } from './flyCommands.ts';
import { APP_PORT } from './versions.ts';

export interface HttpCheck {
  grace_period: string;
  interval: string;
  timeout: string;
  method: string;
  path: string;
}

/** A connect-only check, for an adopted app with no liveness path. */
export interface TcpCheck {
  type: 'tcp';
  port: number;
  grace_period: string;
  interval: string;
  timeout: string;
}

export interface FlyConfig {
  app: string;
  primary_region: string;
  kill_signal: string;
  kill_timeout: number;
  build: { dockerfile: string };
  deploy: { release_command?: string; strategy: 'bluegreen' | 'rolling' };
  env: Record<string, string>;
  http_service: {
    internal_port: number;
    force_https: boolean;
    auto_stop_machines: 'off' | 'stop' | 'suspend';
    auto_start_machines: boolean;
    min_machines_running: number;
    concurrency: { type: 'requests' | 'connections'; soft_limit: number; hard_limit: number };
    checks: HttpCheck[];
  };
  checks?: Record<string, (HttpCheck & { type: 'http'; port: number }) | TcpCheck>;
  vm: { size: string; memory: string }[];
}

export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';
/** Fly sends kill_signal, then kills the Machine this many seconds later. */
export const KILL_TIMEOUT_SECONDS = 10;
/**
 * uvicorn waits this long for in-flight requests (without it, forever), then cancels
 * them and runs the lifespan shutdown, which closes the database pool. Below
 * kill_timeout, with time left for that shutdown, or Fly kills the process first.
 */
export const GRACEFUL_SHUTDOWN_SECONDS = KILL_TIMEOUT_SECONDS - 4;

/** How long the readiness path waits for the database before it answers 503. */
export const READINESS_TIMEOUT_SECONDS = 2;

function autoStop(scaling: ScalingMode): FlyConfig['http_service']['auto_stop_machines'] {
  if (scaling === 'suspend') return 'suspend';
  if (scaling === 'always-on') return 'off';
  return 'stop';
}

export function baseFlyConfig(options: ProjectOptions): FlyConfig {
  const stops = options.scaling !== 'always-on';
  return {
    app: options.name,
    primary_region: options.regions[0]!,
    // uvicorn finishes in-flight requests on SIGTERM before it exits.
    kill_signal: 'SIGTERM',
    kill_timeout: KILL_TIMEOUT_SECONDS,
    build: { dockerfile: 'Dockerfile' },
    // A rolling deploy replaces Machines one at a time, so with one Machine there is a
    // moment with none. Blue-green starts the new Machines beside the old, waits for
    // their health check (the liveness check below), then switches traffic: no gap.
    // With two or more Machines, rolling already keeps one serving, without doubling them.
    deploy: { strategy: wantsHighAvailability(options) ? 'rolling' : 'bluegreen' },
    env: {
      // Fly's proxy terminates TLS; without this, redirects and URLs say http://.
      FORWARDED_ALLOW_IPS: '*',
    },
    http_service: {
      internal_port: APP_PORT,
      force_https: true,
      auto_stop_machines: autoStop(options.scaling),
      auto_start_machines: stops,
      min_machines_running: options.scaling === 'warm' ? options.minMachines : 0,
      concurrency: { type: 'requests', soft_limit: 50, hard_limit: 100 },
      checks: [{ grace_period: '10s', interval: '15s', timeout: '2s', method: 'GET', path: LIVENESS_PATH }],
    },
    vm: [{ size: options.vmSize, memory: options.vmMemory }],
  };
}

/** The order a reader expects: identity, build and deploy, then runtime settings. */
const KEY_ORDER: readonly (keyof FlyConfig)[] = [
  'app',
  'primary_region',
  'kill_signal',
  'kill_timeout',
  'build',
  'deploy',
  'env',
  'http_service',
  'checks',
  'vm',
];

export function renderFlyToml(config: FlyConfig, header: string[]): string {
  const ordered = Object.fromEntries(
    KEY_ORDER.filter((key) => config[key] !== undefined).map((key) => [key, config[key]]),
  );
  const comments = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  return `${comments}\n\n${stringify(ordered)}\n`;
}
