// One load run against a URL, with wrk or autocannon, as requests per second.
import { spawn } from 'node:child_process';
import { run } from './proc.mjs';

export const CONNECTIONS = 50;

function parseWrk(text) {
  const number = (re) => Number(text.match(re)?.[1] ?? 0);
  const socket = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    failed: number(/Non-2xx or 3xx responses:\s+(\d+)/) + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}

function parseAutocannon(text) {
  const report = JSON.parse(text);
  return {
    rps: report.requests.average,
    requests: report.requests.total,
    failed: (report.non2xx ?? 0) + (report.errors ?? 0) + (report.timeouts ?? 0),
  };
}

export function loadRun(tool, url, seconds) {
  if (tool.name === 'wrk') {
    // Two threads: this machine's server and load generator share its cores.
    const { stdout } = run(tool.bin, ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', url]);
    return parseWrk(stdout);
  }
  const { stdout } = run(process.execPath, [tool.bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', url]);
  return parseAutocannon(stdout);
}

/** The same load run without blocking, so the caller can sample the server while it runs. */
export function loadRunAsync(tool, url, seconds) {
  const [cmd, args] =
    tool.name === 'wrk'
      ? [tool.bin, ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', url]]
      : [process.execPath, [tool.bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', url]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(tool.name === 'wrk' ? parseWrk(stdout) : parseAutocannon(stdout)) : reject(new Error(`${tool.name} exited ${code}`))));
  });
}
