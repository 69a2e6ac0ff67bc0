/**
 * A Dockerfile parser for the instructions the generated Dockerfile uses. It
 * refuses anything else by line number, so a new instruction in the template
 * makes the reproduction fail instead of being silently left out.
 */

export interface Mount {
  type: string;
  source?: string;
  target: string;
}

export type Instruction = { line: number } & (
  | { kind: 'WORKDIR'; path: string }
  | { kind: 'ENV'; pairs: [string, string][] }
  | { kind: 'COPY'; from?: string; sources: string[]; dest: string }
  | { kind: 'RUN'; mounts: Mount[]; command: string }
  | { kind: 'USER'; user: string }
  | { kind: 'EXPOSE'; ports: number[] }
  | { kind: 'CMD' | 'ENTRYPOINT'; exec?: string[]; shell?: string }
);

export interface Stage {
  image: string;
  alias?: string;
  line: number;
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  constructor(line: number, message: string) {
    super(`Dockerfile:${line}: ${message}`);
  }
}

/** Joins continuation lines and drops comments, which Docker removes even inside a continued instruction. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ` ${part.trim()}`;
    else current = { line: index + 1, text: part.trim() };
    if (!continued) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) throw new DockerfileError(current.line, 'the file ends inside a continued line');
  return out;
}

/**
 * Dockerfile words: blanks separate, quotes group, a backslash escapes, and
 * $VAR / ${VAR} expand from `vars` outside single quotes.
 */
export function words(text: string, vars: Readonly<Record<string, string>>, line: number): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!quote && /\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === quote) quote = undefined;
    else if (!quote && (c === '"' || c === "'")) quote = c;
    else if (c === '\\' && quote !== "'" && i + 1 < text.length) word += text[++i];
    else if (c === '$' && quote !== "'") {
      const match = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(i));
      if (!match) throw new DockerfileError(line, `unsupported variable syntax in: ${text}`);
      word += vars[match[1] ?? match[2]!] ?? '';
      i += match[0].length - 1;
    } else word += c;
  }
  if (quote) throw new DockerfileError(line, `unclosed ${quote} in: ${text}`);
  if (inWord) out.push(word);
  return out;
}

/** Like Docker: anything that is not a JSON array of strings is shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Splits leading --name=value flags off an instruction's words. */
function takeFlags(list: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  while (list[0]?.startsWith('--')) {
    const [name, ...value] = list.shift()!.slice(2).split('=');
    flags.set(name!, value.join('='));
  }
  return flags;
}

function parseMount(spec: string, line: number): Mount {
  const fields = new Map(spec.split(',').map((pair) => pair.split('=') as [string, string]));
  const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
  if (!target) throw new DockerfileError(line, `--mount without a target: ${spec}`);
  return { type: fields.get('type') ?? 'bind', source: fields.get('source') ?? fields.get('src'), target };
}

function parseInstruction(keyword: string, args: string, line: number): Instruction | undefined {
  switch (keyword) {
    case 'WORKDIR':
      return { line, kind: 'WORKDIR', path: args };
    case 'USER':
      return { line, kind: 'USER', user: args };
    case 'EXPOSE':
      return { line, kind: 'EXPOSE', ports: args.split(/\s+/).map((port) => Number(port.replace(/\/tcp$/, ''))) };
    case 'CMD':
    case 'ENTRYPOINT': {
      const exec = execForm(args);
      return exec ? { line, kind: keyword, exec } : { line, kind: keyword, shell: args };
    }
    case 'ENV': {
      // Values are expanded later, against the stage's environment at that point.
      const pairs = args.match(/(?:[^\s"'\\]|\\.|"(?:[^"\\]|\\.)*"|'[^']*')+/g) ?? [];
      if (!pairs[0]?.includes('=')) throw new DockerfileError(line, 'use ENV KEY=VALUE (the legacy ENV KEY VALUE form is not read)');
      return { line, kind: 'ENV', pairs: pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]) };
    }
    case 'COPY': {
      const list = execForm(args) ?? words(args, {}, line);
      const flags = takeFlags(list);
      for (const flag of flags.keys()) {
        if (flag !== 'from' && flag !== 'link') throw new DockerfileError(line, `COPY --${flag} is not reproduced`);
      }
      if (list.length < 2) throw new DockerfileError(line, 'COPY needs a source and a destination');
      return { line, kind: 'COPY', from: flags.get('from'), sources: list.slice(0, -1), dest: list.at(-1)! };
    }
    case 'RUN': {
      const mounts: Mount[] = [];
      let rest = args;
      for (let match; (match = /^--mount=(\S+)\s+/.exec(rest)); rest = rest.slice(match[0].length)) {
        mounts.push(parseMount(match[1]!, line));
      }
      if (/^--/.test(rest)) throw new DockerfileError(line, `RUN flag not reproduced: ${rest.split(/\s/)[0]}`);
      return { line, kind: 'RUN', mounts, command: rest };
    }
    case 'LABEL':
      return undefined;
    default:
      throw new DockerfileError(line, `${keyword} is not reproduced by the tier`);
  }
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const { line, text: logical } of logicalLines(text)) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(logical) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const list = words(args, {}, line);
      takeFlags(list);
      const [image, as, alias] = list;
      if (!image || (as !== undefined && (as.toUpperCase() !== 'AS' || !alias))) throw new DockerfileError(line, `cannot read FROM ${args}`);
      stages.push({ image, alias, line, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(line, `${upper} before the first FROM`);
    const instruction = parseInstruction(upper, args, line);
    if (instruction) stage.instructions.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileError(1, 'no FROM');
  return stages;
}

/** Docker expands every pair of one ENV instruction against the environment before it. */
export function applyEnv(env: Record<string, string>, instruction: Extract<Instruction, { kind: 'ENV' }>): void {
  const before = { ...env };
  for (const [key, raw] of instruction.pairs) {
    env[key] = words(raw, before, instruction.line).join(' ');
  }
}
