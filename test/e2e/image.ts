/**
 * The generated Dockerfile's stages, reproduced on this machine without Docker.
 *
 * The container's `/` is one folder, ROOT. Each stage is built in ROOT and then
 * moved aside, so every stage sees its files at the same absolute paths it
 * would have in the image (venv scripts carry absolute shebangs). The base
 * image is stood in for by links to a local interpreter of the tag's version,
 * and the final stage holds only what its COPY lines bring: a file the
 * Dockerfile forgets is missing here too.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { buildContext } from './dockerignore.ts';
import { applyEnv, parseDockerfile, words, type Instruction, type Stage } from './dockerfile.ts';
import { CheckFailure, mustRun } from './run.ts';

export interface ImageSettings {
  projectDir: string;
  /** An empty folder for this image's stages. */
  workDir: string;
  pythons: ReadonlyMap<string, string>;
  uv: { path: string; version: string };
  /** Where `--mount=type=cache` points: the tier's shared uv cache. */
  cacheDir: string;
  /** Proxy and certificate settings, which a real build gets from the builder. */
  networkEnv: NodeJS.ProcessEnv;
  log(line: string): void;
}

export interface RuntimeImage {
  root: string;
  workdir: string;
  /** The image's environment, in container paths. */
  env: Record<string, string>;
  /** uid and gid of USER, when it could be told. */
  user?: { name: string; uid: number; gid: number };
  exposed: number[];
  entrypoint: string[];
  cmd: string[];
}

/** Debian's PATH with the python image's /usr/local/bin first, and its locale. */
const BASE_ENV = { PATH: '/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
const UV_IMAGE = /^ghcr\.io\/astral-sh\/uv:(\d+\.\d+\.\d+)$/;

function hostPath(root: string, containerPath: string): string {
  return join(root, containerPath);
}

/** The environment a process in the image sees, with PATH pointing into ROOT. */
export function processEnv(root: string, env: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const merged = { ...env, ...extra };
  return { ...merged, PATH: (merged.PATH ?? '').split(':').map((dir) => hostPath(root, dir)).join(':') };
}

/** Finds argv[0] on the image's PATH, inside ROOT only. */
export function resolveInImage(root: string, env: Record<string, string>, command: string): string {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(':').map((dir) => posix.join(dir, command));
  const found = candidates.map((path) => hostPath(root, path)).find((path) => existsSync(path) && statSync(path).isFile());
  if (!found) throw new CheckFailure(`'${command}' is not in the image (PATH=${env.PATH})`);
  return found;
}

/** Whether another user can reach `path`: every folder on the way is open to others. */
function openToOthers(path: string): boolean {
  for (let dir = dirname(realpathSync(path)); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * Who a process of the image runs as: its USER where this machine allows it
 * (the tier runs as root and USER can reach the interpreter), else the tier's own user.
 */
export function imageUser(image: RuntimeImage, executable: string): { uid?: number; gid?: number; description: string } {
  const me = `uid ${process.getuid?.() ?? '?'}`;
  if (!image.user) return { description: `${me} (the image sets no USER)` };
  const python = hostPath(image.root, '/usr/local/bin/python3');
  if (process.getuid?.() === 0 && openToOthers(python) && openToOthers(executable)) {
    return { uid: image.user.uid, gid: image.user.gid, description: `uid ${image.user.uid} (USER ${image.user.name})` };
  }
  return { description: `${me}, not USER ${image.user.name}: that needs root here and an interpreter other users can reach` };
}

interface StageState {
  env: Record<string, string>;
  workdir: string;
  user?: string;
  users: Map<string, { uid: number; gid: string }>;
  groups: Map<string, number>;
  exposed: number[];
  entrypoint: string[];
  cmd: string[];
}

function layBaseImage(stage: Stage, root: string, settings: ImageSettings): void {
  const tag = /^python:(\d+\.\d+)(?:\.\d+)?(?:-[\w.-]+)?$/.exec(stage.image);
  if (!tag) throw new CheckFailure(`Dockerfile:${stage.line}: base image ${stage.image} is not reproduced (only python:X.Y[-variant])`);
  const python = settings.pythons.get(tag[1]!);
  if (!python) throw new CheckFailure(`no local CPython ${tag[1]} to stand in for ${stage.image}`);
  const bin = hostPath(root, '/usr/local/bin');
  mkdirSync(bin, { recursive: true });
  for (const name of [`python${tag[1]}`, 'python3', 'python']) symlinkSync(python, join(bin, name));
}

function copy(state: StageState, instruction: Extract<Instruction, { kind: 'COPY' }>, root: string, built: Map<string, string>, context: string, settings: ImageSettings) {
  let sourceRoot = context;
  if (instruction.from !== undefined) {
    const stageRoot = built.get(instruction.from);
    const uvImage = UV_IMAGE.exec(instruction.from);
    if (stageRoot) sourceRoot = stageRoot;
    else if (uvImage && instruction.sources.every((source) => source === '/uv')) {
      if (uvImage[1] !== settings.uv.version) settings.log(`note: the image pins uv ${uvImage[1]}; uv ${settings.uv.version} from this machine stands in`);
      const dest = hostPath(root, instruction.dest);
      mkdirSync(dirname(dest), { recursive: true });
      symlinkSync(settings.uv.path, dest);
      return;
    } else throw new CheckFailure(`Dockerfile:${instruction.line}: COPY --from=${instruction.from} is not reproduced`);
  }
  const dest = posix.resolve(state.workdir, instruction.dest);
  const intoFolder = instruction.dest.endsWith('/') || instruction.sources.length > 1;
  for (const source of instruction.sources) {
    const from = join(sourceRoot, source);
    if (!existsSync(from)) {
      const where = instruction.from ? `stage ${instruction.from}` : 'the build context (is it in .dockerignore?)';
      throw new CheckFailure(`Dockerfile:${instruction.line}: COPY ${source}: not found in ${where}`);
    }
    const target = hostPath(root, intoFolder && !statSync(from).isDirectory() ? posix.join(dest, posix.basename(source)) : dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(from, target, { recursive: true, verbatimSymlinks: true });
  }
}

/** RUN lines: `uv ...` runs; groupadd/useradd are recorded (USER needs their ids); anything else is refused. */
async function runLine(state: StageState, instruction: Extract<Instruction, { kind: 'RUN' }>, root: string, context: string, settings: ImageSettings) {
  if (/[;|<>`]|\$\(/.test(instruction.command)) throw new CheckFailure(`Dockerfile:${instruction.line}: RUN with shell syntax is not reproduced: ${instruction.command}`);
  const undo: string[] = [];
  for (const mount of instruction.mounts) {
    const target = hostPath(root, posix.resolve(state.workdir, mount.target));
    mkdirSync(dirname(target), { recursive: true });
    if (mount.type === 'cache') symlinkSync(settings.cacheDir, target);
    else if (mount.type === 'bind' && mount.source) {
      const source = join(context, mount.source);
      if (!existsSync(source)) throw new CheckFailure(`Dockerfile:${instruction.line}: --mount source ${mount.source} is not in the build context (is it in .dockerignore?)`);
      cpSync(source, target, { recursive: true });
    } else throw new CheckFailure(`Dockerfile:${instruction.line}: --mount type=${mount.type} is not reproduced`);
    undo.push(target);
  }
  for (const part of instruction.command.split('&&')) {
    const argv = words(part.trim(), state.env, instruction.line);
    const [program = '', ...args] = argv;
    const option = (...names: string[]) => args[args.findIndex((arg) => names.includes(arg)) + 1];
    if (program === 'groupadd') state.groups.set(args.at(-1)!, Number(option('--gid', '-g')));
    else if (program === 'useradd') state.users.set(args.at(-1)!, { uid: Number(option('--uid', '-u')), gid: option('--gid', '-g') ?? args.at(-1)! });
    else if (program === 'uv') {
      // HOME is /root in a build, so uv's cache is the cache mount at /root/.cache/uv.
      const env = { ...settings.networkEnv, ...processEnv(root, state.env), HOME: hostPath(root, '/root') };
      settings.log(`RUN ${argv.join(' ')}  (Dockerfile:${instruction.line})`);
      await mustRun(`Dockerfile:${instruction.line}: ${argv.join(' ')}`, resolveInImage(root, state.env, 'uv'), args, { cwd: hostPath(root, state.workdir), env, timeoutMs: 600_000 });
    } else throw new CheckFailure(`Dockerfile:${instruction.line}: RUN ${program} is not reproduced`);
  }
  // Mounts are not part of the layer.
  for (const target of undo) rmSync(target, { recursive: true, force: true });
}

function resolveUser(state: StageState): RuntimeImage['user'] {
  if (!state.user) return undefined;
  const [name = '', group] = state.user.split(':');
  const groupId = (value: string | undefined) => (value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : state.groups.get(value));
  const known = state.users.get(name);
  const uid = /^\d+$/.test(name) ? Number(name) : known?.uid;
  const gid = groupId(group) ?? groupId(known?.gid) ?? uid;
  // Docker fails the same way: "unable to find user".
  if (uid === undefined || gid === undefined || Number.isNaN(uid) || Number.isNaN(gid)) {
    throw new CheckFailure(`USER ${state.user}: no user or group of that name is created in the stage`);
  }
  return { name, uid, gid };
}

export async function reproduceImage(settings: ImageSettings): Promise<RuntimeImage> {
  const stages = parseDockerfile(readFileSync(join(settings.projectDir, 'Dockerfile'), 'utf8'));
  const context = join(settings.workDir, 'context');
  buildContext(settings.projectDir, context);
  const root = join(settings.workDir, 'root');
  const built = new Map<string, string>();
  let state: StageState | undefined;
  for (const [index, stage] of stages.entries()) {
    rmSync(root, { recursive: true, force: true });
    layBaseImage(stage, root, settings);
    state = { env: { ...BASE_ENV }, workdir: '/', users: new Map(), groups: new Map(), exposed: [], entrypoint: [], cmd: [] };
    for (const instruction of stage.instructions) {
      if (instruction.kind === 'WORKDIR') {
        state.workdir = posix.resolve(state.workdir, words(instruction.path, state.env, instruction.line).join(' '));
        mkdirSync(hostPath(root, state.workdir), { recursive: true });
      } else if (instruction.kind === 'ENV') applyEnv(state.env, instruction);
      else if (instruction.kind === 'COPY') copy(state, instruction, root, built, context, settings);
      else if (instruction.kind === 'RUN') await runLine(state, instruction, root, context, settings);
      else if (instruction.kind === 'USER') state.user = instruction.user;
      else if (instruction.kind === 'EXPOSE') state.exposed.push(...instruction.ports);
      else if (!instruction.exec) throw new CheckFailure(`Dockerfile:${instruction.line}: ${instruction.kind} must be in exec form (JSON array): a shell form runs under /bin/sh and gets no signals`);
      else if (instruction.kind === 'CMD') state.cmd = instruction.exec;
      else state.entrypoint = instruction.exec;
    }
    if (index < stages.length - 1) {
      const aside = join(settings.workDir, `stage-${index}`);
      renameSync(root, aside);
      built.set(String(index), aside);
      if (stage.alias) built.set(stage.alias, aside);
    }
  }
  const last = state!;
  return { root, workdir: last.workdir, env: last.env, user: resolveUser(last), exposed: last.exposed, entrypoint: last.entrypoint, cmd: last.cmd };
}
