/**
 * Runs the built CLI in a real terminal: a detached tmux session of a fixed
 * size, driven with send-keys and read with capture-pane. Each terminal has its
 * own tmux server (its own socket, no config file, HOME in a temp folder), so
 * tests neither see the user's tmux nor each other.
 *
 * The CLI runs under a small bash wrapper that records its exit status in a
 * file, the way a user's shell sees it. The wrapper traps SIGINT so that Ctrl-C
 * stops only the CLI and the wrapper lives on to write the status; then it
 * keeps the pane open for a while to be read, and the server ends by itself
 * even if the test process dies before close().
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, tempDir } from './cli.ts';

export interface TerminalSettings {
  /** Where the CLI runs. */
  cwd: string;
  args: string[];
  /** Set for the CLI only; CI, NO_COLOR and FORCE_COLOR are unset unless given here. */
  env?: Record<string, string>;
  /** Prepended to PATH (fake tools). */
  pathPrefix?: string;
  width?: number;
  height?: number;
}

export interface WaitSettings {
  timeoutMs?: number;
  /** Wait until the text is there this many times (a second summary, say). */
  times?: number;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Why terminal tests cannot run here, if they cannot. */
export const tmuxMissing: string | undefined = spawnSync('tmux', ['-V']).error
  ? 'tmux is not installed (apt-get install tmux; .ci/run does)'
  : undefined;

export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly statusFile: string,
  ) {}

  static start({ cwd, args, env = {}, pathPrefix, width = 80, height = 40 }: TerminalSettings): Terminal {
    const home = tempDir('cff-tmux-');
    const socket = join(home, 'tmux.sock');
    const statusFile = join(home, 'status');
    const config = join(home, 'tmux.conf');
    // No status bar taking a row.
    writeFileSync(config, 'set -g status off\nset -g history-limit 10000\n');
    const exports = Object.entries(env).map(([key, value]) => `export ${key}=${quote(value)}`);
    const path = pathPrefix ? `${pathPrefix}:${process.env.PATH}` : process.env.PATH ?? '';
    const script = [
      '#!/bin/bash',
      'trap : INT',
      'unset CI NO_COLOR FORCE_COLOR NODE_DISABLE_COLORS',
      `export PATH=${quote(path)}`,
      ...exports,
      `cd ${quote(cwd)}`,
      `${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}`,
      `echo $? > ${quote(statusFile)}`,
      'exec sleep 120',
    ].join('\n');
    const wrapper = join(home, 'run.sh');
    writeFileSync(wrapper, `${script}\n`);

    const terminal = new Terminal(socket, statusFile);
    // Several arguments after the size: tmux runs them directly, with no shell in between.
    terminal.tmux(['-f', config, 'new-session', '-d', '-s', 'cli', '-x', String(width), '-y', String(height), 'bash', wrapper], {
      HOME: home,
      PATH: process.env.PATH ?? '',
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
    });
    return terminal;
  }

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', env: env ?? { PATH: process.env.PATH } });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Everything shown so far, scrollback included, without colours. */
  screen(): string {
    return this.capture([]);
  }

  /** The same with colours and other attributes as escape sequences. */
  styledScreen(): string {
    return this.capture(['-e']);
  }

  private capture(extra: string[]): string {
    const text = this.tmux(['capture-pane', '-p', '-S', '-', ...extra, '-t', 'cli']);
    return text.replace(/\n+$/, '\n');
  }

  async waitFor(expected: string | RegExp, { timeoutMs = DEFAULT_TIMEOUT_MS, times = 1 }: WaitSettings = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const count =
        typeof expected === 'string'
          ? screen.split(expected).length - 1
          : (screen.match(new RegExp(expected.source, expected.flags.includes('g') ? expected.flags : `${expected.flags}g`)) ?? []).length;
      if (count >= times) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)} (x${times}); the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Named keys (Enter, Down, Space, C-c) as tmux spells them. */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'cli', ...keys]);
  }

  /** Text typed as it is. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'cli', '-l', text]);
  }

  /** The CLI's exit status, once the wrapper has written it. */
  async exitCode(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.statusFile) || readFileSync(this.statusFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error(`the CLI did not exit within ${timeoutMs} ms; the screen:\n${this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Number(readFileSync(this.statusFile, 'utf8').trim());
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
  }
}
