/**
 * Stand-ins for the base images the generated Dockerfile names, for machines
 * that reach Debian's and PyPI's servers but no image registry. Each is tagged
 * with exactly the name the Dockerfile uses, so the Dockerfile under test is
 * the generated one:
 *
 * - python:X.Y-slim-<release>: a minimal Debian root (debootstrap) with that
 *   CPython at /usr/local/bin/python3, as the official images have it. Debian
 *   ships 3.14 (sid), 3.13 (trixie) and 3.11 (bookworm); no suite ships 3.12,
 *   so that one is bookworm with this machine's pyenv build of 3.12 copied in.
 *   pip is installed as the official images have it: in /usr/local, with no
 *   EXTERNALLY-MANAGED marker (the bench's tutorial image installs with pip).
 *   The machine's CA bundle goes in too (SSL_CERT_FILE), because PyPI is
 *   reached here through a proxy that presents it. apt works as in the real
 *   images (the builder stage installs binutils), except that it accepts a
 *   suite whose Release file is past its Valid-Until date: the mirror here can
 *   be a snapshot older than sid's one-week validity.
 * - ghcr.io/astral-sh/uv:<version>: FROM scratch with the uv binary at /uv,
 *   that exact version, from its PyPI wheel.
 *
 * A stand-in is rebuilt only when what it is made of changes: its recipe, the
 * CA bundle, the pyenv build. The hash of those is its label. Stand-ins are a
 * cache kept between runs; E2E_BASE_IMAGES=pull uses the real images instead.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_RELEASE, UV_VERSION } from '../../src/plan/versions.ts';
import { pathToFileURL } from 'node:url';
import { docker, dockerQuiet, findEngine, type Engine } from './engine.ts';
import { CheckFailure, mustRun } from './run.ts';
import { WORK } from './toolbox.ts';

const STANDIN_LABEL = 'org.create-fly-fastapi.standin';
/** Raise when the way stand-ins are made changes, so every cached one is rebuilt. */
const RECIPE_VERSION = 4;
const MIRROR = process.env.E2E_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CA_BUNDLE = process.env.SSL_CERT_FILE ?? '/etc/ssl/certs/ca-certificates.crt';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Recipe {
  python: string;
  suite: string;
  packages: string[];
  /** Where the interpreter comes from: Debian's package, or a copy of a pyenv build. */
  interpreter: 'debian' | { pyenv: string };
}

/** What a pyenv build of CPython links against, from Debian bookworm. */
const PYENV_RUNTIME = ['libssl3', 'libffi8', 'libsqlite3-0', 'libbz2-1.0', 'liblzma5', 'libreadline8', 'libncursesw6', 'libexpat1', 'libuuid1', 'libnsl2', 'libtirpc3'];

export function baseTag(python: string): string {
  return `python:${python}-slim-${DEBIAN_RELEASE}`;
}

export const UV_TAG = `ghcr.io/astral-sh/uv:${UV_VERSION}`;

function pyenvBuild(version: string): string | undefined {
  const root = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/root', '.pyenv'), 'versions');
  if (!existsSync(root)) return undefined;
  const found = readdirSync(root).filter((name) => name.startsWith(`${version}.`) && /^\d+\.\d+\.\d+$/.test(name));
  found.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  return found[0] ? join(root, found[0]) : undefined;
}

export function recipe(python: string): Recipe | string {
  switch (python) {
    case '3.14':
      return { python, suite: 'sid', packages: ['python3.14', 'python3-pip-whl'], interpreter: 'debian' };
    case '3.13':
      return { python, suite: 'trixie', packages: ['python3.13', 'python3-pip-whl'], interpreter: 'debian' };
    case '3.11':
      return { python, suite: 'bookworm', packages: ['python3.11', 'python3-pip-whl'], interpreter: 'debian' };
    case '3.12': {
      const build = pyenvBuild('3.12');
      if (!build) return 'no Debian suite ships CPython 3.12 and this machine has no pyenv build of it to copy';
      return { python, suite: 'bookworm', packages: PYENV_RUNTIME, interpreter: { pyenv: build } };
    }
    default:
      return `no recipe for a CPython ${python} stand-in`;
  }
}

function hashOf(parts: unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part));
  return hash.digest('hex').slice(0, 16);
}

async function labelOf(engine: Engine, tag: string): Promise<string | undefined> {
  const inspected = await dockerQuiet(engine, ['image', 'inspect', '--format', `{{index .Config.Labels "${STANDIN_LABEL}"}}`, tag]);
  return inspected.code === 0 ? inspected.output.trim() : undefined;
}

/** `tar | docker import` with the image settings the official images have, plus ours. */
async function importRoot(engine: Engine, root: string, tag: string, hash: string, changes: string[]): Promise<void> {
  const flags = [...changes, `LABEL ${STANDIN_LABEL}=${hash}`].map((change) => `-c '${change}'`).join(' ');
  await mustRun(`docker import ${tag}`, 'bash', ['-o', 'pipefail', '-c', `tar -C "$ROOT" -c . | "$DOCKER" import ${flags} - "$TAG"`], {
    cwd: '/',
    env: { ...engine.env, ROOT: root, DOCKER: engine.client, TAG: tag },
    timeoutMs: 300_000,
  });
}

/** The uv binary of the pinned version, from its wheel on PyPI; also mounted into containers to lock and sync. */
export async function pinnedUv(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = join(WORK, `uv-${UV_VERSION}`);
  const binary = join(dir, 'uv');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const wheels = join(dir, 'wheel');
  await mustRun('pip download uv', 'python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', wheels, `uv==${UV_VERSION}`], { cwd: dir, env, timeoutMs: 300_000 });
  const wheel = readdirSync(wheels).find((name) => name.endsWith('.whl'));
  if (!wheel) throw new CheckFailure(`pip download uv==${UV_VERSION} left no wheel in ${wheels}`);
  const unpack = `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n    if n.endswith(('/scripts/uv', '/scripts/uvx')):\n        open(sys.argv[2] + '/' + n.rsplit('/', 1)[1], 'wb').write(z.read(n))`;
  await mustRun('unpack uv', 'python3', ['-c', unpack, join(wheels, wheel), dir], { cwd: dir, env, timeoutMs: 60_000 });
  for (const name of ['uv', 'uvx']) chmodSync(join(dir, name), 0o755);
  rmSync(wheels, { recursive: true, force: true });
  return binary;
}

async function buildUv(engine: Engine, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const hash = hashOf([RECIPE_VERSION, UV_TAG]);
  if ((await labelOf(engine, UV_TAG)) === hash) return;
  const uv = await pinnedUv(env);
  const root = mkdtempSync(join(WORK, 'standin-uv-'));
  try {
    cpSync(uv, join(root, 'uv'));
    cpSync(join(uv, '..', 'uvx'), join(root, 'uvx'));
    await importRoot(engine, root, UV_TAG, hash, []);
    log(`stand-in ${UV_TAG}: uv ${UV_VERSION} from its PyPI wheel, FROM scratch`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function buildPython(engine: Engine, plan: Recipe, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const tag = baseTag(plan.python);
  const hash = hashOf([RECIPE_VERSION, plan, readFileSync(CA_BUNDLE)]);
  if ((await labelOf(engine, tag)) === hash) return;
  const started = Date.now();
  const root = mkdtempSync(join(WORK, `standin-${plan.python}-`));
  try {
    const include = plan.packages.join(',');
    await mustRun(`debootstrap ${plan.suite}`, 'debootstrap', ['--variant=minbase', `--include=${include}`, plan.suite, root, MIRROR], { cwd: WORK, env, timeoutMs: 900_000 });
    let interpreter = `/usr/bin/python${plan.python}`;
    if (plan.interpreter !== 'debian') {
      // At the same path, because the build's RUNPATH points there; readable by the image's non-root user.
      const build = plan.interpreter.pyenv;
      // The standard library and pip: nothing else this machine's build may have collected.
      const skip = /\/(test|idlelib|tkinter|turtledemo|__pycache__)(\/|$)|\/site-packages\/(?!pip[-/]|pip$)[^/]+/;
      cpSync(build, join(root, build), { recursive: true, filter: (source) => !skip.test(source.slice(build.length)) });
      for (let dir = build; dir !== '/'; dir = join(dir, '..')) chmodSync(join(root, dir), 0o755);
      interpreter = join(build, 'bin', `python${plan.python}`);
    }
    if (plan.interpreter === 'debian') {
      rmSync(join(root, `usr/lib/python${plan.python}/EXTERNALLY-MANAGED`), { force: true });
      const pip = `W=$(ls /usr/share/python-wheels/pip-*.whl) && python${plan.python} "$W/pip" install --quiet --no-index --root-user-action=ignore "$W"`;
      await mustRun('pip into the stand-in', 'chroot', [root, 'sh', '-c', pip], { cwd: WORK, env, timeoutMs: 300_000 });
    }
    for (const name of ['python3', 'python', `python${plan.python}`]) {
      rmSync(join(root, 'usr/local/bin', name), { force: true });
      symlinkSync(interpreter, join(root, 'usr/local/bin', name));
    }
    mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
    cpSync(CA_BUNDLE, join(root, 'etc/ssl/certs/ca-certificates.crt'));
    writeFileSync(join(root, 'etc/apt/apt.conf.d/99stand-in-mirror'), 'Acquire::Check-Valid-Until "false";\n');
    for (const cache of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      for (const entry of readdirSync(join(root, cache))) if (entry !== 'partial' && entry !== 'lock') rmSync(join(root, cache, entry), { recursive: true, force: true });
    }
    await importRoot(engine, root, tag, hash, [
      `ENV PATH=${PATH}`,
      'ENV LANG=C.UTF-8',
      'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      'CMD ["python3"]',
    ]);
    log(`stand-in ${tag}: Debian ${plan.suite} minbase, ${plan.interpreter === 'debian' ? `python${plan.python} from Debian` : `pyenv's ${plan.interpreter.pyenv}`}, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Makes sure every base image the generated Dockerfiles name is here. Returns,
 * per Python, why its stand-in could not be made (so its checks say so).
 */
export async function ensureBaseImages(engine: Engine, pythons: readonly string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  if (process.env.E2E_BASE_IMAGES === 'pull') {
    for (const [key, tag] of [['uv', UV_TAG], ...pythons.map((python) => [python, baseTag(python)])] as const) {
      const pulled = await dockerQuiet(engine, ['pull', '--quiet', tag], 600_000);
      if (pulled.code !== 0) problems.set(key, `docker pull ${tag} failed: ${pulled.output.trim().split('\n').at(-1)}`);
    }
    return problems;
  }
  await buildUv(engine, env, log);
  for (const python of pythons) {
    const plan = recipe(python);
    if (typeof plan === 'string') problems.set(python, plan);
    else await buildPython(engine, plan, env, log);
  }
  await docker(engine, 'docker image ls', ['image', 'ls', '--filter', `label=${STANDIN_LABEL}`]);
  return problems;
}

/**
 * For `npm run bench`: `node --import tsx test/e2e/standins.ts 3.14` makes the
 * base images that Python's Dockerfile names and prints the engine and the
 * pinned uv as JSON.
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const engine = await findEngine(process.env);
  if ('problem' in engine) {
    console.log(JSON.stringify({ problem: engine.problem }));
  } else {
    mkdirSync(WORK, { recursive: true });
    const problems = await ensureBaseImages(engine, process.argv.slice(2), process.env, (line) => console.error(line));
    const problem = [...problems.values()][0];
    console.log(JSON.stringify(problem ? { problem } : { client: engine.client, env: { DOCKER_BUILDKIT: engine.env.DOCKER_BUILDKIT }, buildArgs: engine.buildArgs, uv: await pinnedUv(process.env) }));
  }
}
