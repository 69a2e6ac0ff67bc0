/** `--help`, written from the schema so it can never fall behind the flags. */
import { CONTROL_FLAGS } from './runFlags.ts';
import { OPTIONS } from './schema.ts';

const WIDTH = 80;
const COLUMN = 28;

function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function row(left: string, right: string): string {
  const [first = '', ...rest] = wrap(right, COLUMN);
  const head = left.length + 2 > COLUMN ? `${left}\n${' '.repeat(COLUMN)}` : left.padEnd(COLUMN);
  return [head + first, ...rest.map((line) => ' '.repeat(COLUMN) + line)].join('\n');
}

export function helpText(version: string): string {
  const lines = [
    `create-fly-fastapi ${version}`,
    'Create a FastAPI service for Fly.io, managed by uv, with optional Postgres.',
    '',
    'Usage: npm create fly-fastapi@latest [directory] -- [options]',
    '       create-fly-fastapi [directory] [options]',
    '',
    'Project options:',
  ];
  for (const def of OPTIONS) {
    if (!def.flag) continue;
    const left = def.boolean
      ? `  --${def.flag}, --no-${def.flag}`
      : `  --${def.flag} ${def.placeholder ?? '<value>'}`;
    const extra = def.negated !== undefined ? ` (--no-${def.flag}: ${String(def.negated)})` : '';
    lines.push(row(left, `${def.summary}${extra}; default: ${def.defaultText}`));
  }
  lines.push('', 'Run options:');
  for (const control of CONTROL_FLAGS) {
    const names = [control.alias && `-${control.alias}`, `--${control.flag}`, control.negatable && `--no-${control.flag}`]
      .filter(Boolean)
      .join(', ');
    lines.push(row(`  ${names}${control.placeholder ? ` ${control.placeholder}` : ''}`, control.summary));
  }
  lines.push(
    '',
    'In a terminal, each question without a flag is asked; Ctrl-C stops and',
    'leaves the directory as it was. Without a terminal (CI, scripts) nothing',
    'is asked: give every question a flag, or --yes to take the defaults.',
    '',
    'Examples:',
    '  npm create fly-fastapi@latest my-api -- --yes',
    '  npx create-fly-fastapi my-api --postgres managed --scaling warm \\',
    '      --min-machines 2 --regions iad,lhr --workflows --no-launch',
    '  npx create-fly-fastapi my-api --no-postgres --scaling suspend \\',
    '      --regions fra --no-workflows --no-launch --dry-run',
    '  npx create-fly-fastapi my-api --yes --postgres external \\',
    '      --regions iad,lhr,sin --no-lock --no-git',
    '  npx create-fly-fastapi my-api --kit @acme/fly-kit@^1 --yes',
    '  npx create-fly-fastapi . --adopt --dry-run',
    '',
    'Exit codes: 0 done, 1 failed, 2 bad or missing option, 3 directory not',
    'empty or a file would be overwritten (--update: no record there), 4',
    'project written but uv lock, uv add or fly launch failed, 5 --update left',
    'conflicts, 6 --update refused, 7 --check found changes, 8 --adopt refused',
    '(the line says why), 130 cancelled.',
  );
  return lines.join('\n');
}
