/** The command that recreates these options without a single question. */
import { OPTIONS, type ProjectOptions } from './schema.ts';

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

export function rerunArgs(options: ProjectOptions): string[] {
  const args: string[] = [];
  for (const def of OPTIONS) {
    if (!def.flag) continue;
    const value = options[def.key];
    if (def.appliesTo && !def.appliesTo(options)) continue;
    if (value === undefined) continue;
    if (def.boolean) {
      // Questions are always spelled out; other switches only when turned off.
      if (def.question || value === false) args.push(value ? `--${def.flag}` : `--no-${def.flag}`);
      continue;
    }
    const text = Array.isArray(value) ? value.join(',') : String(value);
    const fallback = def.defaultValue(options, { hasGit: false, hasUv: false, insideGitRepo: false });
    const isDefault = text === (Array.isArray(fallback) ? fallback.join(',') : String(fallback));
    if (def.question || def.key === 'name' || def.key === 'python' || !isDefault) {
      args.push(`--${def.flag}`, text);
    }
  }
  return args;
}

/** With a kit, `--kit <source>` comes first: its locks and defaults apply again. */
export function rerunCommand(options: ProjectOptions, kit?: string): string {
  const args = [...(kit === undefined ? [] : ['--kit', kit]), ...rerunArgs(options)].map(shellQuote).join(' ');
  return `npm create fly-fastapi@latest ${shellQuote(options.directory)} -- ${args}`;
}
