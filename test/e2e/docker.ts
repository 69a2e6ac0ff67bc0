/**
 * The Docker job of .github/workflows/ci.yml, where a Docker engine exists:
 * a real `docker build` and `docker run` of a generated variant, held to the
 * same checks the local tier applies to its reproduced image (release command
 * twice, liveness on fly.toml's port, readiness up and down, the items
 * round-trip, a clean stop with kill_signal within kill_timeout).
 *
 *   node --import tsx test/e2e/docker.ts none-default|managed-multiregion
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { machineEnv, readFly, serviceContract } from './fly.ts';
import { checkReleaseCommand, type ImageRunner } from './migrations.ts';
import { createDatabase, databaseName, dropTierDatabases, findPostgres, type AdminDb } from './postgres.ts';
import { CheckFailure, mustRun, run, tail } from './run.ts';
import { cleanStopProblem, closedPort, expectStatus, itemsRoundTrip, waitUntilLive } from './server.ts';
import { REPO } from './toolbox.ts';

const VARIANTS: Record<string, string[]> = {
  // The CLI's defaults (Python 3.14, suspend, iad), without a database.
  'none-default': ['--postgres', 'none'],
  'managed-multiregion': ['--postgres', 'managed', '--regions', 'iad,lhr'],
};

const log = (line: string) => console.log(`[docker] ${line}`);
const docker = (label: string, args: string[], timeoutMs = 120_000) => mustRun(label, 'docker', args, { cwd: REPO, env: process.env, timeoutMs });
const envFlags = (env: Record<string, string>) => Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);

function signalName(code: number): NodeJS.Signals | null {
  const found = Object.entries(constants.signals).find(([, number]) => number === code - 128);
  return code > 128 && found ? (found[0] as NodeJS.Signals) : null;
}

async function main(variant: string): Promise<void> {
  const flags = VARIANTS[variant];
  if (!flags) throw new Error(`usage: docker.ts ${Object.keys(VARIANTS).join('|')}`);
  const work = mkdtempSync(join(tmpdir(), `cff-e2e-docker-${variant}-`));
  const dir = join(work, `e2e-${variant}`);
  const tag = `cff-e2e-${variant}`;
  let admin: AdminDb | undefined;
  try {
    await mustRun('generate', process.execPath, [join(REPO, 'index.js'), dir, '--name', `e2e-${variant}`, ...flags, '--yes', '--no-launch', '--no-git'], { cwd: work, env: process.env, timeoutMs: 600_000 });
    const fly = readFly(dir);
    const contract = serviceContract(fly);
    log(`generated ${dir}; fly.toml: port ${contract.port}, liveness ${contract.livenessPath}, readiness ${contract.readinessPath ?? '-'}`);

    await docker('docker build', ['build', '--tag', tag, dir], 1_200_000);
    const config = JSON.parse((await docker('docker image inspect', ['image', 'inspect', '--format', '{{json .Config}}', tag])).output) as {
      ExposedPorts?: Record<string, unknown>;
      Entrypoint?: string[] | null;
    };
    const exposed = Object.keys(config.ExposedPorts ?? {});
    if (exposed.join() !== `${contract.port}/tcp`) throw new CheckFailure(`the image exposes ${exposed.join(', ') || 'nothing'}, fly.toml internal_port is ${contract.port}`);
    log(`built ${tag}; exposes ${exposed.join()}`);

    let databaseUrl: string | undefined;
    if (fly.deploy?.release_command) {
      const found = await findPostgres((process.env.PATH ?? '').split(delimiter), process.env);
      if ('problem' in found) throw new CheckFailure(found.problem);
      admin = found;
      databaseUrl = await createDatabase(admin, databaseName(`docker_${variant}`));
      // argv[0] becomes the entrypoint, so the runner gets exactly the argv the tier built.
      const runner: ImageRunner = ([program = '', ...args], env) =>
        docker(`docker run ${program} ${args.join(' ')}`, ['run', '--rm', '--network', 'host', ...envFlags(env), '--entrypoint', program, tag, ...args], 300_000);
      log(await checkReleaseCommand(runner, config.Entrypoint ?? [], fly, admin, databaseUrl));
    }

    const withContainer = async (env: Record<string, string>, probe: (baseUrl: string) => Promise<void>) => {
      const id = (await docker('docker run -d', ['run', '--detach', '--network', 'host', ...envFlags({ ...machineEnv(fly, 'app'), ...env }), tag])).output.trim();
      const baseUrl = `http://127.0.0.1:${contract.port}`;
      try {
        await waitUntilLive(baseUrl, contract.livenessPath, 60_000, () => undefined);
        await probe(baseUrl);
      } catch (error) {
        const logs = await run('docker', ['logs', id], { cwd: REPO, env: process.env });
        await run('docker', ['rm', '--force', id], { cwd: REPO, env: process.env });
        throw error instanceof CheckFailure ? new CheckFailure(`${error.message}\ncontainer output:\n${tail(logs.output)}`) : error;
      }
      await docker('docker stop', ['stop', '--signal', contract.killSignal, '--timeout', String(contract.killTimeoutSeconds), id], (contract.killTimeoutSeconds + 30) * 1000);
      const state = JSON.parse((await docker('docker inspect', ['inspect', '--format', '{{json .State}}', id])).output) as { ExitCode: number };
      const logs = (await run('docker', ['logs', id], { cwd: REPO, env: process.env })).output;
      await docker('docker rm', ['rm', id]);
      const signal = signalName(state.ExitCode);
      const problem = cleanStopProblem(signal ? null : state.ExitCode, signal, contract.killSignal, logs);
      if (problem) throw new CheckFailure(`${problem}:\n${tail(logs)}`);
      log(`stopped with ${contract.killSignal}: exit code ${state.ExitCode}`);
    };

    await withContainer(databaseUrl ? { DATABASE_URL: databaseUrl } : {}, async (baseUrl) => {
      log(`${contract.livenessPath} answers 200 on port ${contract.port}`);
      if (contract.readinessPath) await expectStatus(baseUrl, contract.readinessPath, 200);
      if (databaseUrl) await itemsRoundTrip(baseUrl);
      if (databaseUrl) log(`${contract.readinessPath} 200; /items round-trip`);
    });
    if (contract.readinessPath) {
      const down = `postgresql://postgres@127.0.0.1:${await closedPort()}/unreachable`;
      await withContainer({ DATABASE_URL: down }, async (baseUrl) => {
        await expectStatus(baseUrl, contract.livenessPath, 200);
        await expectStatus(baseUrl, contract.readinessPath!, 503);
      });
      log(`${contract.readinessPath} 503 with the database unreachable, ${contract.livenessPath} still 200`);
    }
    log(`${variant}: every check passed`);
  } finally {
    if (admin) await dropTierDatabases(admin);
    rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  console.error(`[docker] FAIL: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
