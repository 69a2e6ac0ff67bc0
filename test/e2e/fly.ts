/** fly.toml as Fly reads it: the values the tier runs and probes with. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

export interface HttpCheck {
  path: string;
  method?: string;
  grace_period?: string;
  port?: number;
  type?: string;
}

export interface FlyToml {
  app: string;
  primary_region: string;
  kill_signal?: string;
  kill_timeout?: number | string;
  deploy?: { release_command?: string };
  env?: Record<string, string>;
  http_service: {
    internal_port: number;
    auto_stop_machines: string | boolean;
    auto_start_machines: boolean;
    min_machines_running?: number;
    checks?: HttpCheck[];
  };
  checks?: Record<string, HttpCheck>;
  vm?: { size?: string; memory?: string | number }[];
}

export function readFly(projectDir: string): FlyToml {
  return parse(readFileSync(join(projectDir, 'fly.toml'), 'utf8')) as unknown as FlyToml;
}

/** The Machine's memory in MB: [[vm]] memory ("512mb", "1gb" or a number of MB); Fly's 256 MB when unset. */
export function machineMemoryMb(fly: FlyToml): number {
  const memory = fly.vm?.[0]?.memory;
  if (memory === undefined) return 256;
  if (typeof memory === 'number') return memory;
  const match = /^(\d+)\s*(mb|gb)?$/i.exec(memory.trim());
  if (!match) throw new Error(`fly.toml [[vm]] memory ${JSON.stringify(memory)} is not a size`);
  return Number(match[1]) * (match[2]?.toLowerCase() === 'gb' ? 1024 : 1);
}

/** Seconds from a Fly duration ("10s", "1m", or a bare number of seconds). */
export function seconds(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new Error(`not a duration: ${value}`);
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount / 1000 : match[2] === 'm' ? amount * 60 : amount;
}

export interface ServiceContract {
  port: number;
  livenessPath: string;
  /** The top-level HTTP check on the service port, when there is one. */
  readinessPath?: string;
  /** Fly's default is SIGINT. */
  killSignal: NodeJS.Signals;
  /** Fly's default is 5 seconds. */
  killTimeoutSeconds: number;
  graceSeconds: number;
}

export function serviceContract(fly: FlyToml): ServiceContract {
  const liveness = fly.http_service.checks?.[0];
  if (!liveness) throw new Error('fly.toml: [http_service] has no checks');
  const readiness = Object.values(fly.checks ?? {}).find((check) => (check.type ?? 'http') === 'http');
  return {
    port: fly.http_service.internal_port,
    livenessPath: liveness.path,
    readinessPath: readiness?.path,
    killSignal: (fly.kill_signal ?? 'SIGINT') as NodeJS.Signals,
    killTimeoutSeconds: seconds(fly.kill_timeout, 5),
    graceSeconds: seconds(liveness.grace_period, 0),
  };
}

/** What Fly adds to [env] on every Machine of the app. */
export function machineEnv(fly: FlyToml, processGroup: string): Record<string, string> {
  return {
    ...fly.env,
    FLY_APP_NAME: fly.app,
    FLY_REGION: fly.primary_region,
    PRIMARY_REGION: fly.primary_region,
    FLY_PROCESS_GROUP: processGroup,
  };
}
