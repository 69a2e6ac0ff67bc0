/**
 * The service as Fly's proxy and checks see it: probed over HTTP on
 * fly.toml's port, its listening socket read from /proc, its stop judged.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { CheckFailure } from './run.ts';

export async function httpRequest(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new CheckFailure(`${init.method ?? 'GET'} ${new URL(url).pathname} did not answer within ${timeoutMs / 1000} s`);
    throw error;
  }
}

export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(new CheckFailure(`port ${port} (fly.toml internal_port) is already in use: stop whatever listens there and run the tier again`)),
    );
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve()));
  });
}

/** A port nothing listens on: the "database down" URL points there. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Listener {
  everywhere: boolean;
  inode: string;
}

/** Sockets listening on `port`, from /proc; undefined where /proc is absent (not Linux). */
function listeners(port: number): Listener[] | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: Listener[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, localPort] = (fields[1] ?? '').split(':');
      if (localPort === hexPort && fields[3] === '0A') found.push({ everywhere: /^0+$/.test(address ?? ''), inode: fields[9] ?? '' });
    }
  }
  return found;
}

/** `pid` and every process below it: a container's server may be a child of its PID 1. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the second field after the command name, which may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function socketsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

/**
 * Who listens on `port`: whether it is process `pid` (or one of its
 * children), and on every address. Another program can take the port between
 * our check and our server's bind; answers from it must not count as ours.
 */
export function portOwner(port: number, pid: number | undefined): { ours: boolean; everywhere: boolean } | undefined {
  const found = listeners(port);
  if (!found || pid === undefined) return undefined;
  const sockets = new Set(processTree(pid).flatMap(socketsOf));
  const mine = found.filter((listener) => sockets.has(`socket:[${listener.inode}]`));
  return { ours: mine.length > 0, everywhere: mine.some((listener) => listener.everywhere) };
}

export async function waitUntilLive(
  baseUrl: string,
  path: string,
  timeoutMs: number,
  exited: () => string | undefined | Promise<string | undefined>,
  owner: () => { ours: boolean } | undefined = () => undefined,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const reason = await exited();
    if (reason) throw new CheckFailure(`the server stopped before answering ${path}: ${reason}`);
    try {
      const { status } = await httpRequest(`${baseUrl}${path}`);
      if (status === 200) {
        if (owner()?.ours === false) throw new CheckFailure(`${baseUrl} answered, but not from the server the tier started: another program holds the port`);
        return Date.now() - started;
      }
      if (Date.now() - started > timeoutMs) throw new CheckFailure(`${path} answered ${status}, not 200`);
    } catch (error) {
      if (error instanceof CheckFailure) throw error;
      if (Date.now() - started > timeoutMs) throw new CheckFailure(`${path} did not answer within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function expectStatus(baseUrl: string, path: string, expected: number, timeoutMs?: number): Promise<void> {
  const { status, body } = await httpRequest(`${baseUrl}${path}`, {}, timeoutMs);
  if (status !== expected) throw new CheckFailure(`GET ${path} answered ${status}, expected ${expected}: ${body.slice(0, 200)}`);
}

/** The example resource: create, read, list, delete, and gone afterwards. */
export async function itemsRoundTrip(baseUrl: string): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const name = `e2e ${Date.now()}`;
  const created = await httpRequest(`${baseUrl}/items`, { method: 'POST', headers: json, body: JSON.stringify({ name }) });
  if (created.status !== 201) throw new CheckFailure(`POST /items answered ${created.status}: ${created.body.slice(0, 200)}`);
  const item = JSON.parse(created.body) as { id: number; name: string };
  if (item.name !== name || typeof item.id !== 'number') throw new CheckFailure(`POST /items returned ${created.body}`);
  const one = await httpRequest(`${baseUrl}/items/${item.id}`);
  if (one.status !== 200 || (JSON.parse(one.body) as { name: string }).name !== name) throw new CheckFailure(`GET /items/${item.id}: ${one.status} ${one.body}`);
  const list = await httpRequest(`${baseUrl}/items`);
  if (list.status !== 200 || !(JSON.parse(list.body) as { id: number }[]).some((entry) => entry.id === item.id)) {
    throw new CheckFailure(`GET /items does not list item ${item.id}: ${list.status} ${list.body.slice(0, 200)}`);
  }
  const removed = await httpRequest(`${baseUrl}/items/${item.id}`, { method: 'DELETE' });
  if (removed.status !== 204) throw new CheckFailure(`DELETE /items/${item.id} answered ${removed.status}`);
  await expectStatus(baseUrl, `/items/${item.id}`, 404);
}

/**
 * A clean stop: exit 0, or death by the kill signal itself after the server
 * said it finished shutting down (uvicorn re-raises the signal it handled, so
 * the status tells the parent which signal ended it; Docker shows 128 + n).
 */
export function cleanStopProblem(code: number | null, signal: NodeJS.Signals | null, killSignal: NodeJS.Signals, output: string): string | undefined {
  if (code === 0) return undefined;
  const shutDown = /Application shutdown complete|Finished server process/.test(output);
  if (signal === killSignal && shutDown) return undefined;
  const status = signal ? `killed by ${signal}` : `exit ${code}`;
  return shutDown ? `after ${killSignal} the server shut down, then ended with ${status}` : `after ${killSignal} the server ended with ${status} without finishing its shutdown`;
}
