/**
 * The checks of one variant, in three groups: what the generator wrote
 * (generate, lock, hadolint, consistency, secrets), what a developer runs
 * (sync, ruff, format, pytest: on this machine when it has the variant's
 * Python, else in the variant's base image), and what Fly runs, from the
 * image alone (image, contents, migrate, serve, readyz, crud, replay, stop).
 * Each is a step of VariantSteps, so it lands in the table.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkConsistency } from './consistency.ts';
import { buildImage, checkContents, containerRunner, runInPythonImage, startContainer, type BuiltImage, type RunningContainer } from './container.ts';
import { DatabaseRelay } from './dbproxy.ts';
import { parseDockerfile, type Stage } from './dockerfile.ts';
import { failWithLogs } from './engine.ts';
import { faultsUnderLoad, memoryUnderLoad } from './faults.ts';
import { machineEnv, machineMemoryMb, readFly, seconds, serviceContract, type FlyToml } from './fly.ts';
import { lintDockerfile } from './hadolint.ts';
import { checkReleaseCommand } from './migrations.ts';
import { createDatabase, databaseName } from './postgres.ts';
import { CheckFailure, gist, mustRun, run, tail, type RunResult } from './run.ts';
import { findSecrets } from './secrets.ts';
import { assertPortFree, cleanStopProblem, expectStatus, httpRequest, itemsRoundTrip, portOwner, waitUntilLive } from './server.ts';
import { baseTag } from './standins.ts';
import { CHECKS, type Cell, type Check } from './report.ts';

/** The checks of the generator's group, which every variant runs. */
const GENERATOR_CHECKS: readonly Check[] = ['generate', 'lock', 'hadolint', 'consistency', 'secrets'];
import { missingTool, type Need, type VariantSteps } from './steps.ts';
import { REPO, type Toolbox } from './toolbox.ts';
import { appName, cliArgs, expected, type Expected, type Variant } from './variants.ts';

const CLI = join(REPO, 'index.js');
const PYTHON: Need[] = ['uv', 'python'];
const IMAGE: Need[] = ['docker', 'image'];

/** Every file in the project but tool caches and the venv: what the CLI and uv lock wrote. */
function generatedFiles(dir: string): string[] {
  const skip = /(^|\/)(\.venv|\.ruff_cache|\.pytest_cache|__pycache__|\.git)(\/|$)/;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !skip.test(path));
}

/**
 * Files that neither the developer checks nor the image's read: fly.toml (its
 * runtime contract is keyed separately), the README, the record and the
 * workflows. Projects made with different scaling modes differ only there.
 */
const OUTSIDE_THE_RUNTIME = /^(fly\.toml|README\.md|\.create-fly-fastapi\/|\.github\/)/;

/**
 * Variants already run through the developer and image checks in this
 * process, by runtimeKey: a later variant with the same key would run the
 * same tests on the same files and the same image under the same contract.
 */
export type RunsSeen = Map<string, string>;

/**
 * What those checks see of a project: every other file, with the project's
 * name made generic (it is the variant's id), and from fly.toml what the
 * containers are run with (port, checks, kill signal and timeout, [env], the
 * VM's memory, the release command); and what decides which checks apply.
 */
export function runtimeKey(dir: string, name: string, fly: FlyToml, contract: unknown, checks: unknown): string {
  const generic = (text: string) => text.split(name).join('<app>').split(name.replace(/-/g, '_')).join('<app>');
  const hash = createHash('sha256').update(JSON.stringify(checks));
  for (const path of generatedFiles(dir).filter((path) => !OUTSIDE_THE_RUNTIME.test(path)).sort()) {
    hash.update(`\0${path}\0`).update(generic(readFileSync(join(dir, path), 'utf8')));
  }
  const runtime = { contract, checks: fly.checks ?? null, env: machineEnv(fly, 'app'), memory: machineMemoryMb(fly), release: fly.deploy?.release_command ?? null };
  return hash.update(`\0fly.toml\0${generic(JSON.stringify(runtime))}`).digest('hex');
}

/**
 * What the secret scan reads for one file. The record keeps the text of each
 * managed file as a JSON string: each is scanned as the file it is (so a CI
 * service's password stays next to the loopback URL that uses it, and a
 * secret planted in the record is still found), then the rest of the record.
 */
function scannedTexts(path: string, text: string): [string, string][] {
  if (path !== '.create-fly-fastapi/manifest.json') return [[path, text]];
  const record = JSON.parse(text) as { files?: Record<string, { text?: string }> };
  const texts: [string, string][] = [];
  for (const [file, entry] of Object.entries(record.files ?? {})) {
    if (entry.text === undefined) continue;
    texts.push([`${path} (text of ${file})`, entry.text]);
    delete entry.text;
  }
  return [...texts, [path, JSON.stringify(record, null, 2)]];
}

/** Fly hands out postgres:// URLs; the service must take them as they come. */
function asFlyUrl(url: string): string {
  return url.replace(/^postgresql:/, 'postgres:');
}

export class VariantRun {
  private readonly work: string;
  private readonly dir: string;
  private readonly want: Expected;
  private readonly tag: string;
  private cliOutput = '';
  private cliExit: number | null = null;
  private fly?: FlyToml;
  private stages?: Stage[];
  private image?: BuiltImage;
  private appDb?: string;

  /**
   * `breakProject` edits the generated project before any other check sees it
   * (the breakage suite); `lastCheck` ends the run after that check.
   */
  constructor(
    private readonly v: Variant,
    private readonly box: Toolbox,
    private readonly steps: VariantSteps,
    private readonly breakProject?: (dir: string) => void,
    /** Shared by the variants of one tier run; a variant whose runtimeKey is there is not run again. */
    private readonly seen?: RunsSeen,
  ) {
    this.work = mkdtempSync(join(tmpdir(), `cff-e2e-${v.id}-`));
    // Containers running as this user mount the project.
    chmodSync(this.work, 0o755);
    this.dir = join(this.work, appName(v));
    this.want = expected(v);
    this.tag = `cff-e2e-${appName(v)}:${process.pid}`;
  }

  /** uv in the project: on this machine when it has the variant's Python, else in the variant's base image. */
  private async uv(label: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    const { box, v } = this;
    if (box.pythons.has(v.python)) return mustRun(label, box.uv!.path, args, { cwd: this.dir, env: { ...box.env, ...env }, timeoutMs: 600_000 });
    const result = await runInPythonImage(box.engine!, baseTag(v.python), this.dir, box.uvBinary!, box.env.UV_CACHE_DIR!, ['uv', ...args], env);
    if (result.code !== 0) throw new CheckFailure(`${label} (in ${baseTag(v.python)}): exit ${result.code}: ${gist(result.output)}\n${tail(result.output)}`);
    return result;
  }

  private where(): string {
    return this.box.pythons.has(this.v.python) ? '' : ` in ${baseTag(this.v.python)}`;
  }

  private async appDatabase(): Promise<string> {
    this.appDb ??= asFlyUrl(await createDatabase(this.box.postgres!, databaseName(`${this.v.id}_app`)));
    return this.appDb;
  }

  private get contract() {
    return serviceContract(this.fly!);
  }

  /**
   * Every check, or, for a breakage, those up to `lastCheck`: the developer
   * checks (sync to pytest) are left out when it is one of the image's, since
   * none of those comes after them.
   */
  async all(lastCheck?: Check): Promise<string> {
    const imageCheck = lastCheck !== undefined && CHECKS.indexOf(lastCheck) >= CHECKS.indexOf('image');
    await this.generatorChecks();
    const same = this.sameAsEarlier();
    if (same) {
      for (const check of CHECKS.filter((check) => !GENERATOR_CHECKS.includes(check))) {
        await this.steps.step(check, { applies: `the same files and runtime contract as ${same}, checked there` }, async () => '');
      }
    } else {
      const groups = [...(imageCheck ? [] : [() => this.developerChecks()]), () => this.flyChecks()];
      for (const group of groups) {
        if (lastCheck && this.steps.has(lastCheck)) break;
        await group();
      }
    }
    if (this.steps.failed()) return `kept for a look: ${this.work}`;
    this.remove();
    return 'done';
  }

  /** The earlier variant this one would repeat, once its own generator checks have passed; undefined the first time. */
  private sameAsEarlier(): string | undefined {
    if (!this.seen || !this.fly || CHECKS.some((check) => GENERATOR_CHECKS.includes(check) && this.steps.has(check) && !this.steps.passed(check))) return undefined;
    const { database, extraRegions } = this.want;
    const checks = { python: this.v.python, kit: Boolean(this.v.kit), database, replayFrom: database ? (extraRegions[0] ?? null) : null };
    const key = runtimeKey(this.dir, appName(this.v), this.fly, this.contract, checks);
    const earlier = this.seen.get(key);
    if (!earlier) this.seen.set(key, this.v.id);
    return earlier;
  }

  /** Deletes the generated project and everything made for it on disk and in Docker. */
  remove(): void {
    rmSync(this.work, { recursive: true, force: true });
    if (this.image && this.box.engine) void run(this.box.engine.client, ['rmi', '--force', this.tag], { cwd: '/', env: this.box.engine.env });
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
      if (v.defaults) this.checkDefaults();
      this.breakProject?.(dir);
      this.fly = readFly(dir);
      this.stages = parseDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
      return `node index.js ${args.slice(1).join(' ')} (exit ${result.code})`;
    });
    await steps.step('lock', { needs: ['uv'], after: ['generate'] }, () => this.lock());
    await steps.step('hadolint', { needs: ['hadolint'], after: ['generate'] }, () => lintDockerfile(dir, box.hadolint!, box.env));
    await steps.step('consistency', { after: ['generate'] }, async () => checkConsistency(dir, v, this.want, this.fly!, this.stages!));
    await steps.step('secrets', { after: ['generate'] }, async () => {
      const files = generatedFiles(dir);
      const findings = files.flatMap((path) => scannedTexts(path, readFileSync(join(dir, path), 'utf8')).flatMap(([shown, text]) => findSecrets(shown, text)));
      if (findings.length) throw new CheckFailure(findings.map((f) => `${f.path}:${f.line}: ${f.rule}: ${f.excerpt}`).join('\n'));
      return `${files.length} files, nothing secret-looking`;
    });
  }

  /** The `--yes` project must be the one the variant describes: the defaults are stated here, not read from src/. */
  private checkDefaults(): void {
    const { v, dir } = this;
    const fly = readFly(dir);
    const python = readFileSync(join(dir, '.python-version'), 'utf8').trim();
    const actual = `python ${python}, release_command ${fly.deploy?.release_command ?? 'none'}, auto_stop ${fly.http_service.auto_stop_machines}, region ${fly.primary_region}`;
    const wanted = `python ${v.python}, release_command alembic upgrade head, auto_stop ${v.scaling}, region ${v.regions[0]}`;
    if (actual !== wanted) throw new CheckFailure(`--yes gave ${actual}; expected ${wanted}`);
  }

  /**
   * Where this machine has the variant's Python, the CLI's own `uv lock` must
   * have worked, and the image's Python must agree with the lock. Elsewhere the
   * CLI must say which interpreter was missing, and uv locks in the image.
   */
  private async lock(): Promise<string | Cell> {
    const { v, box, dir } = this;
    const onHost = box.pythons.has(v.python);
    if (onHost && (this.cliExit !== 0 || !existsSync(join(dir, 'uv.lock')))) {
      // The CLI quotes uv's own words between its warning and the next steps.
      const uvSaid = this.cliOutput.split('uv lock failed')[1]?.split('Next steps')[0] ?? tail(this.cliOutput);
      throw new CheckFailure(`uv lock (run by the CLI) failed, exit ${this.cliExit}: ${gist(uvSaid)}\n${uvSaid.trim()}`);
    }
    if (!onHost) {
      const saidWhy = this.cliExit === 4 && /No interpreter found|python-build-standalone|uv python install/i.test(this.cliOutput);
      if (!saidWhy) throw new CheckFailure(`without a CPython ${v.python} here the CLI should exit 4 and name the missing interpreter:\n${tail(this.cliOutput)}`);
    }
    const image = missingTool(box, 'image', v.python);
    if (image) return onHost ? image : { ...image, note: `uv lock needs CPython ${v.python}: ${image.note}` };
    const args = onHost ? ['lock', '--check'] : ['lock'];
    const result = await runInPythonImage(box.engine!, baseTag(v.python), dir, box.uvBinary!, box.env.UV_CACHE_DIR!, ['uv', ...args]);
    if (result.code !== 0) throw new CheckFailure(`uv ${args.join(' ')} in ${baseTag(v.python)}: exit ${result.code}: ${gist(result.output)}\n${tail(result.output)}`);
    return onHost ? `uv.lock written by the CLI; uv lock --check agrees in ${baseTag(v.python)}` : `the CLI named the missing CPython ${v.python} (exit 4); uv lock in ${baseTag(v.python)}`;
  }

  private async developerChecks(): Promise<void> {
    const { steps, box, want } = this;
    await steps.step('sync', { needs: PYTHON, after: ['lock'] }, async () => (await this.uv('uv sync --locked', ['sync', '--locked']), `uv sync --locked${this.where()}`));
    await steps.step('ruff', { needs: PYTHON, after: ['sync'] }, async () => (await this.uv('uv run ruff check', ['run', 'ruff', 'check']), `uv run ruff check${this.where()}`));
    await steps.step('format', { needs: PYTHON, after: ['sync'] }, async () => (await this.uv('uv run ruff format --check', ['run', 'ruff', 'format', '--check']), `uv run ruff format --check${this.where()}`));
    await steps.step('pytest', { needs: PYTHON, after: ['sync'] }, async () => {
      const testDb = want.database && box.postgres ? await createDatabase(box.postgres, databaseName(`${this.v.id}_test`)) : undefined;
      const result = await this.uv('uv run pytest', ['run', 'pytest'], testDb ? { TEST_DATABASE_URL: testDb } : {});
      const summary = /^=+ (.+) in [\d.]+s\b.*=+$/m.exec(result.output)?.[1] ?? 'no summary line';
      if (want.database && !box.postgres) return { status: 'skip', note: `database tests not run (${summary}): ${box.missing.get('postgres')}` };
      if (/skipped/.test(summary)) throw new CheckFailure(`tests were skipped${testDb ? ' with TEST_DATABASE_URL set' : ''}: ${summary}\n${tail(result.output)}`);
      return `uv run pytest${this.where()}${testDb ? ' (TEST_DATABASE_URL: a fresh database)' : ''}: ${summary}`;
    });
  }

  /**
   * Starts the image's CMD with fly.toml's [env] and what Fly adds, waits for
   * the service check path and runs `probe`. Only the stop check judges how it
   * stops; the others remove the container when they are done.
   */
  private async withServer(env: Record<string, string>, probe: (server: RunningContainer, liveMs: number) => Promise<string>): Promise<string> {
    const { contract, box } = this;
    await assertPortFree(contract.port);
    const server = await startContainer(box.engine!, this.image!, contract.port, { ...machineEnv(this.fly!, 'app'), ...env });
    try {
      const liveMs = await waitUntilLive(server.baseUrl, contract.livenessPath, 60_000, server.exited, () => portOwner(contract.port, server.pid));
      return await probe(server, liveMs);
    } catch (error) {
      failWithLogs(error, await server.logs());
    } finally {
      await server.remove();
    }
  }

  /** kill_signal ends the service within kill_timeout, after the lifespan's shutdown. */
  private async stop(): Promise<string> {
    const { contract } = this;
    let stopped: { exitCode: number; seconds: number; inTime: boolean } | undefined;
    let logs = '';
    await this.withServer(await this.databaseEnv(), async (server) => {
      stopped = await server.stop(contract.killSignal, contract.killTimeoutSeconds);
      logs = await server.logs();
      return '';
    });
    if (!stopped!.inTime) throw new CheckFailure(`still running ${contract.killTimeoutSeconds} s (kill_timeout) after ${contract.killSignal}: Fly would kill it\n${tail(logs)}`);
    const { exitCode } = stopped!;
    const problem = cleanStopProblem(exitCode === 0 ? 0 : null, exitCode === 0 ? null : contract.killSignal, contract.killSignal, logs);
    if (problem || !/Application shutdown complete/.test(logs)) throw new CheckFailure(`${problem ?? `after ${contract.killSignal} the lifespan shutdown did not run`}:\n${tail(logs)}`);
    return `${contract.killSignal} stopped it in ${stopped!.seconds.toFixed(1)} s (kill_timeout ${contract.killTimeoutSeconds} s), lifespan shut down, exit ${exitCode}`;
  }

  private async databaseEnv(): Promise<Record<string, string>> {
    return this.want.database ? { DATABASE_URL: await this.appDatabase() } : {};
  }

  private async flyChecks(): Promise<void> {
    const { steps, box, want } = this;
    const database = want.database || 'no database in this variant';
    await steps.step('image', { needs: IMAGE, after: ['lock'] }, async () => {
      const built = await buildImage(box.engine!, this.dir, this.work, this.tag);
      this.image = built;
      const port = `${this.contract.port}/tcp`;
      if (built.exposed.join() !== port) throw new CheckFailure(`the image exposes ${built.exposed.join(', ') || 'nothing'}, fly.toml internal_port is ${this.contract.port}`);
      return `docker build (BuildKit) in ${built.seconds.toFixed(0)} s: ${(built.size / 1e6).toFixed(0)} MB, USER ${built.user}, CMD ${JSON.stringify(built.cmd)}`;
    });
    await steps.step('contents', { needs: IMAGE, after: ['image'] }, async () => `${await checkContents(box.engine!, this.image!)}${this.v.kit ? `; ${await this.kitContents()}` : ''}`);
    await steps.step('migrate', { needs: [...IMAGE, 'postgres'], after: ['image'], applies: database }, async () =>
      checkReleaseCommand(containerRunner(box.engine!, this.image!), this.image!.entrypoint, this.fly!, box.postgres!, await this.appDatabase()),
    );
    const migrated: ('migrate' | 'image')[] = want.database ? ['image', 'migrate'] : ['image'];
    await steps.step('serve', { needs: [...IMAGE, ...(want.database ? ['postgres' as const] : [])], after: migrated }, async () => {
      const { port, livenessPath, graceSeconds } = this.contract;
      return this.withServer(await this.databaseEnv(), async (server, liveMs) => {
        const owner = portOwner(port, server.pid);
        if (!owner?.ours) throw new CheckFailure(`nothing in the container listens on port ${port} (fly.toml internal_port)`);
        if (!owner.everywhere) throw new CheckFailure(`port ${port} is bound to a loopback address only: Fly's proxy could not reach it`);
        if (liveMs / 1000 > graceSeconds) throw new CheckFailure(`${livenessPath} answered 200 after ${(liveMs / 1000).toFixed(1)} s, beyond its grace_period of ${graceSeconds} s`);
        const topLevel = Object.entries(this.fly!.checks ?? {});
        for (const [, check] of topLevel) await expectStatus(server.baseUrl, check.path, 200);
        const checks = topLevel.length ? `; top-level checks ${topLevel.map(([name, check]) => `${name} ${check.path}`).join(', ')} 200` : '';
        return `${livenessPath} 200 after ${(liveMs / 1000).toFixed(1)} s (grace_period ${graceSeconds} s), bound to 0.0.0.0:${port}${checks}`;
      });
    });
    const readiness = !this.fly || this.contract.readinessPath ? true : 'fly.toml has no readiness check';
    await steps.step('readyz', { needs: [...IMAGE, 'postgres'], after: ['serve'], applies: readiness }, () => this.outage());
    await steps.step('crud', { needs: [...IMAGE, 'postgres'], after: ['migrate', 'serve'], applies: database }, async () =>
      this.withServer(await this.databaseEnv(), async (server) => (await itemsRoundTrip(server.baseUrl), 'POST, GET one, GET list, DELETE /items round-trip')),
    );
    await steps.step('bytecode', { needs: [...IMAGE, ...(want.database ? ['postgres' as const] : [])], after: [...migrated, 'serve'] }, async () =>
      this.withServer({ ...(await this.databaseEnv()), PYTHONVERBOSE: '1' }, async (server) => {
        const paths = [this.contract.livenessPath, ...(want.database ? ['/items'] : [])];
        for (const path of paths) await expectStatus(server.baseUrl, path, 200);
        return bytecodeProblems(await server.logs(), paths);
      }),
    );
    const replays = want.database && want.extraRegions.length > 0 ? true : 'writes are replayed only with a database and several regions';
    await steps.step('replay', { needs: [...IMAGE, 'postgres'], after: ['serve'], applies: replays }, () => this.replay());
    await steps.step('memory', { needs: [...IMAGE, ...(want.database ? ['postgres' as const] : [])], after: [...migrated, 'serve'] }, async () =>
      this.withServer(await this.databaseEnv(), (server) => memoryUnderLoad(server, [this.contract.livenessPath, ...(want.database ? ['/items'] : [])], machineMemoryMb(this.fly!))),
    );
    await steps.step('faults', { needs: [...IMAGE, 'postgres'], after: ['migrate', 'serve'], applies: database }, () => this.faults());
    await steps.step('stop', { needs: IMAGE, after: ['serve'] }, () => this.stop());
  }

  /** The kit's runtime dependency is in the image, its dev dependency is not, and its files are in the project. */
  private async kitContents(): Promise<string> {
    const probe = 'import importlib.util as u; print("structlog", bool(u.find_spec("structlog")), "mypy", bool(u.find_spec("mypy")))';
    const result = await containerRunner(this.box.engine!, this.image!)(['python', '-c', probe], {});
    if (!result.output.includes('structlog True mypy False')) throw new CheckFailure(`the kit adds structlog (runtime) and mypy (dev); in the image: ${result.output.trim()}`);
    const want = ['.github/CODEOWNERS', 'docs/platform.md', '.create-fly-fastapi/manifest.json'];
    const missing = want.filter((path) => !existsSync(join(this.dir, path)));
    if (missing.length || existsSync(join(this.dir, '.github/workflows/fly-deploy.yml'))) throw new CheckFailure(`kit files: missing ${missing.join(', ') || 'none'}; fly-deploy.yml ${existsSync(join(this.dir, '.github/workflows/fly-deploy.yml')) ? 'still there, though the kit removes it' : 'removed'}`);
    return 'kit: structlog in the image, mypy not; CODEOWNERS, docs/platform.md and the record written, fly-deploy.yml removed';
  }

  /** The database goes away under a running service and comes back. */
  private async outage(): Promise<string> {
    const { livenessPath, readinessPath = '' } = this.contract;
    const check = Object.values(this.fly!.checks ?? {}).find((entry) => entry.path === readinessPath);
    const timeoutSeconds = seconds((check as { timeout?: string } | undefined)?.timeout, 2);
    const direct = new URL(await this.appDatabase());
    const relay = new DatabaseRelay(direct.hostname, Number(direct.port || 5432));
    await relay.up();
    try {
      return await this.withServer({ DATABASE_URL: relay.urlThrough(direct.toString()) }, async (server) => {
        await expectStatus(server.baseUrl, readinessPath, 200);
        const answers: string[] = [];
        // Refused (the database restarts), then silent (the path to it goes dark): the slower failure.
        for (const mode of ['refuse', 'hang'] as const) {
          await relay.down(mode);
          const started = Date.now();
          // Fly's check gives up after its timeout; a little more here tells slow from stuck.
          await expectStatus(server.baseUrl, readinessPath, 503, (timeoutSeconds + 2) * 1000);
          const ms = Date.now() - started;
          if (ms / 1000 > timeoutSeconds) throw new CheckFailure(`with the database ${mode === 'hang' ? 'silent' : 'refusing connections'}, ${readinessPath} took ${(ms / 1000).toFixed(1)} s to answer 503, beyond the check's timeout of ${timeoutSeconds} s`);
          await expectStatus(server.baseUrl, livenessPath, 200);
          answers.push(`${mode === 'hang' ? 'silent' : 'refused'}: 503 in ${(ms / 1000).toFixed(1)} s`);
          await relay.up();
        }
        const back = Date.now();
        for (;;) {
          const { status } = await httpRequest(`${server.baseUrl}${readinessPath}`);
          if (status === 200) break;
          if (Date.now() - back > 30_000) throw new CheckFailure(`${readinessPath} still answers ${status} 30 s after the database came back`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        if (this.want.database) await expectStatus(server.baseUrl, '/items', 200);
        return `database up: ${readinessPath} 200; ${answers.join(', ')} (check timeout ${timeoutSeconds} s), ${livenessPath} 200 throughout; back: 200 again in ${((Date.now() - back) / 1000).toFixed(1)} s, /items 200`;
      });
    } finally {
      await relay.down('refuse');
    }
  }

  /** The database refuses, then goes silent, under 50 clients; 503s are bounded by the connect and pool timeouts. */
  private async faults(): Promise<string> {
    const direct = new URL(await this.appDatabase());
    const relay = new DatabaseRelay(direct.hostname, Number(direct.port || 5432));
    await relay.up();
    // The generated settings' defaults: DB_CONNECT_TIMEOUT_SECONDS 5 and DB_POOL_TIMEOUT_SECONDS 5, plus a margin.
    const boundSeconds = 5 + 5 + 2;
    try {
      return await this.withServer({ DATABASE_URL: relay.urlThrough(direct.toString()) }, (server) => faultsUnderLoad(server, relay, this.contract.livenessPath, boundSeconds));
    } finally {
      await relay.down('refuse');
    }
  }

  /** A write reaching a Machine outside the primary region is handed to the primary by Fly's proxy. */
  private async replay(): Promise<string> {
    const primary = this.fly!.primary_region;
    const elsewhere = this.want.extraRegions[0]!;
    return this.withServer({ ...(await this.databaseEnv()), FLY_REGION: elsewhere }, async (server) => {
      const json = { 'content-type': 'application/json' };
      const write = await fetch(`${server.baseUrl}/items`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'replayed' }) });
      const header = write.headers.get('fly-replay') ?? '';
      if (write.status !== 409 || header !== `region=${primary}`) throw new CheckFailure(`POST /items in ${elsewhere} answered ${write.status} with fly-replay '${header}', expected 409 and 'region=${primary}'`);
      await expectStatus(server.baseUrl, '/items', 200);
      const replayed = await fetch(`${server.baseUrl}/items`, { method: 'POST', headers: { ...json, 'fly-replay-src': `region=${elsewhere};t=1` }, body: JSON.stringify({ name: 'replayed' }) });
      if (replayed.status !== 201) throw new CheckFailure(`a POST carrying fly-replay-src answered ${replayed.status}, expected 201: a replayed request must be served, not replayed again`);
      return `FLY_REGION=${elsewhere}: POST 409 fly-replay: region=${primary}; GET served here; a replayed POST (fly-replay-src) served: 201`;
    });
  }
}

/**
 * With PYTHONVERBOSE=1, Python logs where each module's code came from:
 * `# code object from '<...>.pyc'` when it read the image's bytecode, and
 * `# code object from <...>.py` when it compiled the source, as it would at
 * every start (the server's user cannot write __pycache__). Nothing the server
 * imports from the virtual environment may be compiled at run time.
 */
export function bytecodeProblems(logs: string, paths: string[]): string {
  const loaded = [...logs.matchAll(/^# code object from (.+)$/gm)].map((match) => match[1]!.trim());
  if (loaded.length === 0) throw new CheckFailure('the server logged no module loads: PYTHONVERBOSE=1 did not reach it');
  const compiled = loaded.filter((path) => !path.startsWith("'") && path.includes('/.venv/') && path.endsWith('.py'));
  if (compiled.length) {
    const shown = compiled.slice(0, 5).map((path) => path.replace(/^.*\/site-packages\//, ''));
    throw new CheckFailure(`the server compiled ${compiled.length} module(s) of its virtual environment at start, for want of bytecode in the image: ${shown.join(', ')}${compiled.length > 5 ? ', ...' : ''}`);
  }
  const fromVenv = loaded.filter((path) => path.includes('/.venv/')).length;
  return `${fromVenv} modules from the virtual environment, each from its bytecode, through start-up and ${paths.join(', ')}`;
}
