// CPU time a process has used, from /proc (Linux). Requests per CPU-second of the
// server process stays steady when other work on the machine makes requests/s swing.
import { readFileSync } from 'node:fs';
import { run } from './proc.mjs';

let ticksPerSecond;

function clockTicks() {
  ticksPerSecond ??= Number(run('getconf', ['CLK_TCK'], { allowFailure: true }).stdout?.trim()) || 100;
  return ticksPerSecond;
}

/** Seconds of user + system CPU used by pid so far, or undefined without /proc. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}
