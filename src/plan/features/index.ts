import type { ProjectOptions } from '../../options/schema.ts';
import type { FlyConfig } from '../flyToml.ts';
import { READINESS_PATH, READINESS_TIMEOUT_SECONDS } from '../flyToml.ts';
import { APP_PORT, BASE_DEPENDENCIES, BASE_DEV_DEPENDENCIES, POSTGRES_DEPENDENCIES } from '../versions.ts';
import type { Feature } from './types.ts';

export type { Feature } from './types.ts';

export function hasDatabase(options: ProjectOptions): boolean {
  return options.postgres !== 'none';
}

/** Several regions writing to one primary database. */
export function replaysWrites(options: ProjectOptions): boolean {
  return hasDatabase(options) && options.regions.length > 1;
}

export const base: Feature = {
  id: 'base',
  applies: () => true,
  dependencies: BASE_DEPENDENCIES,
  devDependencies: BASE_DEV_DEPENDENCIES,
  // The CMD names the app itself, so pyproject.toml stays in the builder stage.
  runtimeFiles: ['app'],
};

export const postgres: Feature = {
  id: 'postgres',
  applies: hasDatabase,
  dependencies: POSTGRES_DEPENDENCIES,
  runtimeFiles: ['alembic.ini', 'migrations'],
  configureFly(config: FlyConfig) {
    // Runs once per deploy, before any Machine gets the new image; a failure stops the deploy.
    config.deploy = { release_command: 'alembic upgrade head', ...config.deploy };
    // Not a service check: a database blip must not take every Machine out of rotation.
    // flyctl still waits for every check at deploy, so this one gates each deploy: a short
    // grace (the app is up within seconds) keeps deploys quick, and the timeout only has to
    // outlast the readiness path's own wait, which turns a dead database into a fast 503.
    config.checks = {
      database: {
        type: 'http',
        port: APP_PORT,
        path: READINESS_PATH,
        grace_period: '10s',
        interval: '15s',
        timeout: `${READINESS_TIMEOUT_SECONDS + 1}s`,
        method: 'GET',
      },
    };
  },
};

export const multiRegion: Feature = {
  id: 'multiregion',
  applies: replaysWrites,
  configureFly(config: FlyConfig) {
    // Writes are replayed to the primary region: keep a Machine there to receive them.
    config.http_service.min_machines_running = Math.max(config.http_service.min_machines_running, 1);
  },
};

export const workflows: Feature = {
  id: 'workflows',
  applies: (options) => options.workflows,
};

/** In order: later features may override files of earlier ones. */
export const FEATURES: readonly Feature[] = [base, postgres, multiRegion, workflows];
