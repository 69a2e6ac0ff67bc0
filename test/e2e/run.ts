/** Running programs for the tier: bounded in time, output kept for the failure message. */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, as a person would have seen them. */
  output: string;
  timedOut: boolean;
}

/** A check that did not hold; its message is what the table's footnote and the test report show. */
export class CheckFailure extends Error {}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 180_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, output: `${output}${error.message}\n`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findExecutable(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((dir) => join(dir, name)).find(executable);
}

export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function describeExit(result: RunResult): string {
  if (result.timedOut) return 'timed out';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit ${result.code}`;
}

/**
 * The line that says what went wrong, for the first line of a failure message
 * (the table's footnote shows it): the last error or cause, else the last line.
 */
export function gist(output: string): string {
  const lines = output.split('\n').map((line) => line.replace(/^[\s│■▲◆●◇|]+/u, '').trim()).filter((line) => line && !line.startsWith('hint:'));
  // uv's "cause:", tools' "error:", Python's exceptions, pytest's FAILED lines, lint rule codes (F401, DL3066).
  return lines.filter((line) => /\bcause:|error:|\w+Error\b|^FAILED\b|\b[A-Z]{1,5}\d{3,4}\b/.test(line)).at(-1) ?? lines.at(-1) ?? '';
}

/** Runs and throws a CheckFailure naming the command, its gist and its last lines unless it exits 0. */
export async function mustRun(label: string, command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CheckFailure(`${label}: ${describeExit(result)}: ${gist(result.output)}\n${tail(result.output)}`);
  return result;
}

/**
 * Splits a command line into words the way flyctl splits release_command
 * (google/shlex): blanks separate words, quotes group, a backslash escapes,
 * and `#` at the start of a word begins a comment. No variables, no globs.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error(`unfinished escape in: ${line}`);
      word += line[++i];
      inWord = true;
    } else if (c === "'" || c === '"') {
      let closed = false;
      for (i++; i < line.length; i++) {
        const q = line[i]!;
        if (q === c) {
          closed = true;
          break;
        }
        // Inside double quotes a backslash still escapes the next character.
        if (c === '"' && q === '\\' && i + 1 < line.length) word += line[++i];
        else word += q;
      }
      if (!closed) throw new Error(`unclosed ${c} in: ${line}`);
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
