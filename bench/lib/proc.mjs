import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

function tail(text, lines = 15) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion; throws with its last lines unless it exits 0. */
export function run(cmd, args, { cwd, env, allowFailure = false, input } = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env: env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No terminal on stdin, so every CLI measured takes its non-interactive path.
    input: input ?? '',
  });
  if (result.error) throw new Error(`${cmd} could not start: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}\n${tail(result.stderr || result.stdout)}`);
  }
  return result;
}

/** Wall-clock milliseconds of one run, from spawn to exit; a failed run is an error, never a figure. */
export function timeRun(cmd, args, options = {}) {
  const start = performance.now();
  run(cmd, args, options);
  return performance.now() - start;
}

const servers = new Set();

/**
 * Starts a long-running process in its own process group (so that stopping it also
 * stops anything it forked) with its output in logFile.
 */
export function startServer(cmd, args, { cwd, env, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const server = { child, logFile, exited: false };
  child.on('exit', () => {
    server.exited = true;
  });
  servers.add(server);
  return server;
}

export async function stopServer(server) {
  if (!servers.delete(server) || server.exited) return;
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  try {
    process.kill(-server.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {}
  }, 5000);
  await gone;
  clearTimeout(timer);
}

/** Last resort on exit or Ctrl-C: no server outlives the bench. */
export function killAllServers() {
  for (const server of servers) {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {}
  }
  servers.clear();
}

export function serverLog(server) {
  try {
    return tail(readFileSync(server.logFile, 'utf8'), 20);
  } catch {
    return '';
  }
}

export function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    // No keep-alive agent: every probe is a fresh connection, as a health check's is.
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, body: '' }));
  });
}

/** Polls url until it answers 200; returns the time at which it did. */
export async function waitFor200(url, server, { timeoutMs = 60_000, everyMs = 5 } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.exited) throw new Error(`server exited before answering ${url}\n${serverLog(server)}`);
    const { status } = await httpGet(url, 1000);
    if (status === 200) return performance.now();
    await sleep(everyMs);
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs / 1000} s\n${serverLog(server)}`);
}

/**
 * A port nothing listens on now. Fixed ports (8000, 8080) are what other programs on a
 * shared machine use too, and a stranger answering /healthz would be measured instead.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
