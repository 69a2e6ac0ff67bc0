/**
 * What the project's own deployment files already say: an existing fly.toml
 * (app, region, Machine size, port, scaling), a Dockerfile (port, CMD), a
 * Procfile (the web command). They are read for answers, never rewritten.
 */
import { parse } from 'smol-toml';
import { AdoptRefusal } from '../errors.ts';
import type { ScalingMode, VmSize } from '../options/schema.ts';
import { VM_SIZES } from '../options/schema.ts';
import { formatMemory } from '../options/rules.ts';
import { APP_PORT } from '../plan/versions.ts';
import { textOf, type ProjectFiles } from './files.ts';

export interface ExistingFly {
  app?: string;
  region?: string;
  vmSize?: VmSize;
  vmMemory?: string;
  port?: number;
  scaling?: ScalingMode;
  minMachines?: number;
}

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});

function scalingOf(service: Table): { scaling?: ScalingMode; minMachines?: number } {
  const stop = service.auto_stop_machines;
  const min = typeof service.min_machines_running === 'number' ? service.min_machines_running : 0;
  if (stop === 'off' || stop === false) return { scaling: 'always-on' };
  if (stop === 'suspend') return min > 0 ? { scaling: 'warm', minMachines: min } : { scaling: 'suspend' };
  if (stop === 'stop' || stop === true) return min > 0 ? { scaling: 'warm', minMachines: min } : { scaling: 'stop' };
  return {};
}

export function readFlyToml(text: string): ExistingFly {
  let data: Table;
  try {
    data = parse(text) as Table;
  } catch (error) {
    throw new AdoptRefusal(`fly.toml: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const service = table(data.http_service);
  const firstService = table(Array.isArray(data.services) ? data.services[0] : undefined);
  const vm = table(Array.isArray(data.vm) ? data.vm[0] : data.vm);
  const port = service.internal_port ?? firstService.internal_port;
  const memory = vm.memory ?? vm.memory_mb;
  const size = typeof vm.size === 'string' && (VM_SIZES as readonly string[]).includes(vm.size) ? (vm.size as VmSize) : undefined;
  return {
    app: typeof data.app === 'string' ? data.app : undefined,
    region: typeof data.primary_region === 'string' ? data.primary_region : undefined,
    vmSize: size,
    vmMemory: typeof memory === 'number' ? formatMemory(memory) : typeof memory === 'string' ? memory.toLowerCase().replace(/\s+/g, '') : undefined,
    port: typeof port === 'number' ? port : undefined,
    ...scalingOf(service),
  };
}

/** The words of a Dockerfile's last CMD (exec or shell form), continuation lines joined. */
export function dockerfileCommand(text: string): string[] | undefined {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim());
  const cmd = lines.filter((line) => /^(CMD|ENTRYPOINT)\s/i.test(line)).at(-1);
  if (!cmd) return undefined;
  const rest = cmd.replace(/^\w+\s+/, '');
  try {
    const words: unknown = JSON.parse(rest);
    if (Array.isArray(words)) return words.map(String);
  } catch {
    // Shell form.
  }
  return rest.split(/\s+/);
}

/** Ports frontends listen on by default (Next.js, Vite, Angular, Streamlit). */
const FRONTEND_PORTS = [3000, 3001, 4173, 4200, 5173, 8501, 8502];

/** The port the CMD serves on, else the first EXPOSE (the server's flag beats a list that may name a frontend's port). */
export function dockerfilePort(text: string): number | undefined {
  const fromCommand = commandPort(dockerfileCommand(text) ?? []);
  if (fromCommand !== undefined) return fromCommand;
  const exposed = [...text.matchAll(/^[ \t]*EXPOSE[ \t]+([^\n]+)/gim)].flatMap((match) => match[1]!.split(/\s+/)).map((word) => Number.parseInt(word, 10)).filter((port) => port > 0);
  // Several ports: the API's, not a frontend dev server's or Streamlit's beside it.
  return exposed.find((port) => !FRONTEND_PORTS.includes(port)) ?? exposed[0];
}

export function commandPort(words: readonly string[]): number | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = word === '--port' || word === '-p' ? words[i + 1] : word.startsWith('--port=') ? word.slice(7) : word === '--bind' || word === '-b' ? words[i + 1]?.split(':').at(-1) : undefined;
    // `${PORT:-8000}`: the default is the port when Fly sets no PORT.
    const port = value && (/^\d+$/.test(value) ? value : /^\$\{\w+:-(\d+)\}$/.exec(value)?.[1]);
    if (port) return Number(port);
  }
  return undefined;
}

/** The web process of a Procfile (`web: uvicorn main:app --port $PORT`), as words. */
export function procfileWeb(text: string): string[] | undefined {
  const line = /^web\s*:\s*(.+)$/m.exec(text)?.[1];
  return line?.trim().split(/\s+/);
}

export interface PortChoice {
  port: number;
  from: string;
}

/** The least port a server that is not root may bind. */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * The port the image serves on: the project's own (fly.toml, the Dockerfile's
 * CMD or EXPOSE, the Procfile), when a server that is not root may bind it;
 * else ours, saying why. A value that is no port at all is never written.
 */
export function choosePort(files: ProjectFiles, fly: ExistingFly | undefined): PortChoice {
  const dockerfile = textOf(files, 'Dockerfile');
  const procfile = textOf(files, 'Procfile');
  const found: [number | undefined, string][] = [
    [fly?.port, 'fly.toml internal_port'],
    [dockerfile ? dockerfilePort(dockerfile) : undefined, 'the existing Dockerfile'],
    [procfile ? commandPort(procfileWeb(procfile) ?? []) : undefined, 'the Procfile'],
  ];
  const [port, from] = found.find(([value]) => value !== undefined) ?? [undefined, ''];
  if (port === undefined) return { port: APP_PORT, from: 'our default' };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { port: APP_PORT, from: `our default (${from} says ${port}, which is not a port)` };
  if (port < FIRST_UNPRIVILEGED_PORT) return { port: APP_PORT, from: `our default (${from} says ${port}, a privileged port the server, not root, cannot bind)` };
  return { port, from };
}
