/**
 * The checks of one variant, in three groups: what the generator wrote
 * (generate, lock, hadolint, consistency, secrets), what a developer runs
 * (sync, ruff, format, pytest), and what Fly runs (image, migrate, serve,
 * readyz, crud). Each is a step of VariantSteps, so it lands in the table.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkConsistency } from './consistency.ts';
import { parseDockerfile, type Stage } from './dockerfile.ts';
import { machineEnv, readFly, serviceContract, type FlyToml } from './fly.ts';
import { lintDockerfile } from './hadolint.ts';
import { reproduceImage, type RuntimeImage } from './image.ts';
import { checkReleaseCommand, localRunner } from './migrations.ts';
import { createDatabase, databaseName } from './postgres.ts';
import { CheckFailure, gist, mustRun, run, tail } from './run.ts';
import { findSecrets } from './secrets.ts';
import { assertPortFree, cleanStopProblem, closedPort, expectStatus, itemsRoundTrip, portOwner, startFromImage, waitUntilLive, type RunningServer } from './server.ts';
import { missingTool, type Need, type VariantSteps } from './steps.ts';
import { REPO, type Toolbox } from './toolbox.ts';
import { appName, cliArgs, expected, type Expected, type Variant } from './variants.ts';

const CLI = join(REPO, 'index.js');
/** What a real build gets from the builder's network settings; the reproduced builder gets these from the host. */
const NETWORK_VARS = /^(https?_proxy|all_proxy|no_proxy|SSL_CERT_FILE|SSL_CERT_DIR|UV_INDEX_URL|UV_DEFAULT_INDEX|UV_EXTRA_INDEX_URL|UV_INDEX|UV_NATIVE_TLS|UV_HTTP_TIMEOUT)$/i;
const PYTHON: Need[] = ['uv', 'python'];

/** Every file in the project but tool caches and the venv: what the CLI and uv lock wrote. */
function generatedFiles(dir: string): string[] {
  const skip = /(^|\/)(\.venv|\.ruff_cache|\.pytest_cache|__pycache__|\.git)(\/|$)/;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !skip.test(path));
}

export class VariantRun {
  private readonly work: string;
  private readonly dir: string;
  private readonly want: Expected;
  private cliOutput = '';
  private cliExit: number | null = null;
  private fly?: FlyToml;
  private stages?: Stage[];
  private image?: RuntimeImage;
  private appDb?: string;

  /** `breakProject` edits the generated project before any other check sees it (the breakage suite). */
  constructor(
    private readonly v: Variant,
    private readonly box: Toolbox,
    private readonly steps: VariantSteps,
    private readonly breakProject?: (dir: string) => void,
  ) {
    this.work = mkdtempSync(join(tmpdir(), `cff-e2e-${v.id}-`));
    // The image's USER must be able to walk into the reproduced image.
    chmodSync(this.work, 0o755);
    this.dir = join(this.work, appName(v));
    this.want = expected(v);
  }

  private uv(label: string, args: string[], env: NodeJS.ProcessEnv = this.box.env) {
    return mustRun(label, this.box.uv!.path, args, { cwd: this.dir, env, timeoutMs: 600_000 });
  }

  private async appDatabase(): Promise<string> {
    this.appDb ??= await createDatabase(this.box.postgres!, databaseName(`${this.v.id}_app`));
    return this.appDb;
  }

  private get contract() {
    return serviceContract(this.fly!);
  }

  async all(): Promise<string> {
    await this.generatorChecks();
    await this.developerChecks();
    await this.flyChecks();
    if (this.steps.failed()) return `kept for a look: ${this.work}`;
    this.remove();
    return 'done';
  }

  /** Deletes the generated project and everything made for it on disk. */
  remove(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  private async generatorChecks(): Promise<void> {
    const { v, box, steps, dir } = this;
    await steps.step('generate', {}, async () => {
      const args = cliArgs(v, dir);
      if (!box.uv) args.push('--no-lock');
      const result = await run(process.execPath, [CLI, ...args], { cwd: this.work, env: box.env, timeoutMs: 600_000 });
      this.cliOutput = result.output;
      this.cliExit = result.code;
      // 4: the project was written and a follow-up step (uv lock) failed; the lock check judges that.
      if (result.code !== 0 && result.code !== 4) throw new CheckFailure(`the CLI exited ${result.code}: ${gist(result.output)}\nnode index.js ${args.join(' ')}\n${tail(result.output)}`);
      this.breakProject?.(dir);
      this.fly = readFly(dir);
      this.stages = parseDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
      return `node index.js ${args.slice(1).join(' ')} (exit ${result.code})`;
    });
    await steps.step('lock', { needs: ['uv'], after: ['generate'] }, async () => {
      const noPython = missingTool(box, 'python', v.python);
      if (noPython) {
        // Without the project's Python, uv lock cannot run: the CLI must still write the project and say why.
        const saidWhy = this.cliExit === 4 && /No interpreter found|python-build-standalone|uv python install/i.test(this.cliOutput);
        if (!saidWhy) throw new CheckFailure(`without a CPython ${v.python} the CLI should exit 4 and name the missing interpreter:\n${tail(this.cliOutput)}`);
        if (noPython.status !== 'n/a') return noPython;
        return { status: 'n/a', note: `uv lock needs a CPython ${v.python} (requires-python >=${v.python}) and there is none here: the CLI wrote the project and exited 4 saying so` };
      }
      if (this.cliExit !== 0 || !existsSync(join(dir, 'uv.lock'))) {
        // The CLI quotes uv's own words between its warning and the next steps.
        const uvSaid = this.cliOutput.split('uv lock failed')[1]?.split('Next steps')[0] ?? tail(this.cliOutput);
        throw new CheckFailure(`uv lock (run by the CLI) failed, exit ${this.cliExit}: ${gist(uvSaid)}\n${uvSaid.trim()}`);
      }
      return 'uv.lock written by the CLI';
    });
    await steps.step('hadolint', { needs: ['hadolint'], after: ['generate'] }, () => lintDockerfile(dir, box.hadolint!, box.env));
    await steps.step('consistency', { after: ['generate'] }, async () => checkConsistency(dir, v, this.want, this.fly!, this.stages!));
    await steps.step('secrets', { after: ['generate'] }, async () => {
      const files = generatedFiles(dir);
      const findings = files.flatMap((path) => findSecrets(path, readFileSync(join(dir, path), 'utf8')));
      if (findings.length) throw new CheckFailure(findings.map((f) => `${f.path}:${f.line}: ${f.rule}: ${f.excerpt}`).join('\n'));
      return `${files.length} files, nothing secret-looking`;
    });
  }

  private async developerChecks(): Promise<void> {
    const { steps, box, want } = this;
    await steps.step('sync', { needs: PYTHON, after: ['lock'] }, async () => (await this.uv('uv sync --locked', ['sync', '--locked']), 'uv sync --locked'));
    await steps.step('ruff', { needs: PYTHON, after: ['sync'] }, async () => (await this.uv('uv run ruff check', ['run', 'ruff', 'check']), 'uv run ruff check'));
    await steps.step('format', { needs: PYTHON, after: ['sync'] }, async () => (await this.uv('uv run ruff format --check', ['run', 'ruff', 'format', '--check']), 'uv run ruff format --check'));
    await steps.step('pytest', { needs: PYTHON, after: ['sync'] }, async () => {
      const testDb = want.database && box.postgres ? await createDatabase(box.postgres, databaseName(`${this.v.id}_test`)) : undefined;
      const result = await this.uv('uv run pytest', ['run', 'pytest'], testDb ? { ...box.env, TEST_DATABASE_URL: testDb } : box.env);
      const summary = /^=+ (.+) in [\d.]+s\b.*=+$/m.exec(result.output)?.[1] ?? 'no summary line';
      if (want.database && !box.postgres) return { status: 'skip', note: `database tests not run (${summary}): ${box.missing.get('postgres')}` };
      if (/skipped/.test(summary)) throw new CheckFailure(`tests were skipped${testDb ? ' with TEST_DATABASE_URL set' : ''}: ${summary}\n${tail(result.output)}`);
      return `uv run pytest${testDb ? ' (TEST_DATABASE_URL: a fresh database)' : ''}: ${summary}`;
    });
  }

  /** Starts the image's CMD, runs `probe` once it is live, and requires a clean stop within kill_timeout. */
  private async withServer(env: Record<string, string>, probe: (server: RunningServer, liveMs: number) => Promise<string>): Promise<string> {
    const contract = this.contract;
    await assertPortFree(contract.port);
    const server = startFromImage(this.image!, contract, { ...machineEnv(this.fly!, 'app'), ...env });
    let detail: string;
    try {
      const liveMs = await waitUntilLive(server.baseUrl, contract.livenessPath, 30_000, server.exited, () => portOwner(contract.port, server.pid));
      detail = await probe(server, liveMs);
    } catch (error) {
      await server.stop().catch(() => undefined);
      throw error instanceof CheckFailure ? new CheckFailure(`${error.message}\nserver output:\n${tail(server.output())}`) : error;
    }
    const stopped = await server.stop();
    const problem = cleanStopProblem(stopped.code, stopped.signal, contract.killSignal, server.output());
    if (problem) throw new CheckFailure(`${problem}:\n${tail(server.output())}`);
    const status = stopped.code === 0 ? 'exit 0' : `graceful shutdown, then ${stopped.signal} re-raised`;
    return `${detail}; ${contract.killSignal} stopped it in ${stopped.seconds.toFixed(1)} s (kill_timeout ${contract.killTimeoutSeconds} s): ${status}`;
  }

  private async flyChecks(): Promise<void> {
    const { steps, box, want } = this;
    const database = want.database || 'no database in this variant';
    await steps.step('image', { needs: PYTHON, after: ['lock'] }, async () => {
      const networkEnv = Object.fromEntries(Object.entries(box.env).filter(([key]) => NETWORK_VARS.test(key)));
      const settings = { projectDir: this.dir, workDir: join(this.work, 'image'), pythons: box.pythons, uv: box.uv!, cacheDir: box.env.UV_CACHE_DIR!, networkEnv };
      this.image = await reproduceImage({ ...settings, log: (line) => steps.log(line) });
      return `final stage assembled: /app holds ${readdirSync(join(this.image.root, this.image.workdir)).sort().join(', ')}`;
    });
    await steps.step('migrate', { needs: [...PYTHON, 'postgres'], after: ['image'], applies: database }, async () =>
      checkReleaseCommand(localRunner(this.image!), this.image!.entrypoint, this.fly!, box.postgres!, await this.appDatabase()),
    );
    await steps.step('serve', { needs: PYTHON, after: ['image'] }, async () => {
      // A Postgres app needs DATABASE_URL to start, not a database: liveness does no I/O.
      const url = want.database ? (box.postgres ? await this.appDatabase() : `postgresql://nobody@127.0.0.1:${await closedPort()}/none`) : undefined;
      const { port, livenessPath, graceSeconds } = this.contract;
      return this.withServer(url ? { DATABASE_URL: url } : {}, async (server, liveMs) => {
        const owner = portOwner(port, server.pid);
        if (owner?.everywhere === false) throw new CheckFailure(`port ${port} is bound to a loopback address only: Fly's proxy could not reach it`);
        const bound = owner ? `bound to 0.0.0.0:${port}` : 'bind address not visible on this OS';
        const slow = liveMs / 1000 > graceSeconds ? ` (slower than the ${graceSeconds} s grace_period)` : '';
        return `${livenessPath} 200 after ${(liveMs / 1000).toFixed(1)} s${slow}, ${bound}, as ${server.runsAs}`;
      });
    });
    const readiness = !this.fly || this.contract.readinessPath ? true : 'fly.toml has no readiness check';
    await steps.step('readyz', { needs: [...PYTHON, 'postgres'], after: ['serve'], applies: readiness }, async () => {
      const { livenessPath, readinessPath = '' } = this.contract;
      await this.withServer({ DATABASE_URL: await this.appDatabase() }, async (server) => (await expectStatus(server.baseUrl, readinessPath, 200), ''));
      const down = `postgresql://postgres@127.0.0.1:${await closedPort()}/unreachable`;
      await this.withServer({ DATABASE_URL: down }, async (server) => {
        await expectStatus(server.baseUrl, livenessPath, 200);
        await expectStatus(server.baseUrl, readinessPath, 503);
        return '';
      });
      return `${readinessPath} 200 with the database up; 503 (and ${livenessPath} still 200) with DATABASE_URL on a closed port`;
    });
    await steps.step('crud', { needs: [...PYTHON, 'postgres'], after: ['migrate', 'serve'], applies: database }, async () =>
      this.withServer({ DATABASE_URL: await this.appDatabase() }, async (server) => (await itemsRoundTrip(server.baseUrl), 'POST, GET one, GET list, DELETE /items round-trip')),
    );
  }
}
