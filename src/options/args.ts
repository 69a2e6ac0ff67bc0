/**
 * Turns argv into given option values and run flags, driven by the schema.
 * Every value is parsed here, so a bad flag fails before any question is asked.
 */
import { UsageError } from '../errors.ts';
import { controlCharacterProblem, kitSourceProblem } from './rules.ts';
import { ADOPT_ONLY_FLAGS, CONTROL_FLAGS, NOT_WITH_ADOPT, ON_CONFLICT, UPDATE_ONLY, type RunFlags } from './runFlags.ts';
import { OPTIONS, type OptionDef, type ProjectOptions } from './schema.ts';

export interface ParsedArgs {
  given: Partial<ProjectOptions>;
  run: RunFlags;
}

type Target =
  | { kind: 'option'; def: OptionDef; negated: boolean }
  | { kind: 'control'; key: keyof RunFlags; negated: boolean; placeholder?: string };

function lookup(name: string): Target | undefined {
  for (const def of OPTIONS) {
    if (!def.flag) continue;
    if (name === def.flag) return { kind: 'option', def, negated: false };
    if (name === `no-${def.flag}` && (def.boolean || def.negated !== undefined)) {
      return { kind: 'option', def, negated: true };
    }
  }
  for (const control of CONTROL_FLAGS) {
    if (name === control.flag) return { kind: 'control', key: control.key, negated: false, placeholder: control.placeholder };
    if (control.negatable && name === `no-${control.flag}`) return { kind: 'control', key: control.key, negated: true };
  }
  return undefined;
}

function lookupAlias(letter: string): Target | undefined {
  const control = CONTROL_FLAGS.find((candidate) => candidate.alias === letter);
  return control && { kind: 'control', key: control.key, negated: false };
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const given: Record<string, unknown> = {};
  const run: RunFlags = {
    yes: false,
    interactive: undefined,
    force: false,
    dryRun: false,
    help: false,
    version: false,
    kit: undefined,
    update: false,
    onConflict: undefined,
    check: false,
    allowDirty: false,
    json: false,
    restore: undefined,
    adopt: false,
    entrypoint: undefined,
    package: undefined,
    adoptNewFiles: false,
    addHealth: false,
    allowStaleLock: false,
  };
  const seen = new Map<string, string>();
  const positionals: string[] = [];

  const remember = (key: string, spelled: string) => {
    const earlier = seen.get(key);
    if (earlier) throw new UsageError(`${spelled}: given twice (also as ${earlier})`);
    seen.set(key, spelled);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }

    let target: Target | undefined;
    let inline: string | undefined;
    let spelled: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      spelled = `--${name}`;
      target = lookup(name);
    } else {
      spelled = arg;
      target = arg.length === 2 ? lookupAlias(arg[1]!) : undefined;
    }
    if (!target) {
      const shown = controlCharacterProblem(spelled) ? JSON.stringify(spelled) : spelled;
      throw new UsageError(`${shown}: unknown option (see --help)`);
    }

    if (target.kind === 'control' && target.placeholder) {
      remember(target.key, spelled);
      const raw = inline ?? (argv[i + 1]?.startsWith('--') ? undefined : argv[++i]);
      if (raw === undefined || raw.trim() === '') throw new UsageError(`${spelled}: needs a value ${target.placeholder}`);
      const control = target.key === 'kit' ? kitSourceProblem(raw) : controlCharacterProblem(raw) && `the value ${controlCharacterProblem(raw)}`;
      if (control) throw new UsageError(`${spelled}: ${control}`);
      (run as unknown as Record<string, unknown>)[target.key] = raw;
      continue;
    }
    if (target.kind === 'control') {
      if (inline !== undefined) throw new UsageError(`${spelled}: takes no value`);
      remember(target.key, spelled);
      (run as unknown as Record<string, unknown>)[target.key] = !target.negated;
      continue;
    }

    const { def } = target;
    remember(def.key, spelled);
    if (target.negated) {
      if (inline !== undefined) throw new UsageError(`${spelled}: takes no value`);
      given[def.key] = def.boolean ? false : def.negated;
      continue;
    }
    if (def.boolean) {
      if (inline !== undefined) throw new UsageError(`${spelled}: takes no value (use --no-${def.flag} to turn it off)`);
      given[def.key] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${spelled}: needs a value ${def.placeholder ?? ''}`.trimEnd());
      raw = next;
      i++;
    }
    // Before parsing: a parse error quotes the value, and a newline in it would split the line.
    const control = controlCharacterProblem(raw);
    if (control) throw new UsageError(`${spelled}: the value ${control}`);
    if (raw.trim() === '') throw new UsageError(`${spelled}: needs a value ${def.placeholder ?? ''}`.trimEnd());
    given[def.key] = def.parse ? def.parse(raw) : raw;
  }

  checkAdoptFlags(given as Partial<ProjectOptions>, run, seen);
  if (positionals.length > 1) {
    const shown = controlCharacterProblem(positionals[1]!) ? JSON.stringify(positionals[1]) : `'${positionals[1]}'`;
    throw new UsageError(`unexpected argument ${shown}: give one directory (flags need a leading --)`);
  }
  if (positionals[0] !== undefined) {
    const control = controlCharacterProblem(positionals[0]);
    if (control) throw new UsageError(`[directory]: the name ${control}`);
    given.directory = positionals[0];
  }
  checkUpdateFlags(given as Partial<ProjectOptions>, run, seen);
  return { given: given as Partial<ProjectOptions>, run };
}

/** Project options that steer only a new project's run (git init, uv lock, fly launch): an update does none of these. */
const NOT_WITH_UPDATE: readonly (keyof ProjectOptions)[] = ['launch', 'org', 'git', 'lock'];

/** --on-conflict's value, and the update's own flags given without --update. */
function checkUpdateFlags(given: Partial<ProjectOptions>, run: RunFlags, seen: ReadonlyMap<string, string>): void {
  if (run.onConflict !== undefined && !(ON_CONFLICT as readonly string[]).includes(run.onConflict)) {
    throw new UsageError(`--on-conflict: '${run.onConflict}' is not one of ${ON_CONFLICT.join(', ')}`);
  }
  if (run.update) {
    if (run.force) throw new UsageError('--force: not with --update (an update never overwrites; see --on-conflict)');
    // Asking for one of these is refused; saying no (--no-launch, --no-git, --no-lock) is what an update does anyway.
    const once = NOT_WITH_UPDATE.find((key) => (key === 'org' ? given.org !== undefined : given[key] === true));
    if (once) throw new UsageError(`${seen.get(once)}: not with --update (it steers what a new project's run does: git init, uv lock, fly launch)`);
    return;
  }
  const stray = UPDATE_ONLY.find((key) => seen.has(key));
  if (stray) throw new UsageError(`${seen.get(stray)}: applies only with --update`);
}

/** --adopt's own flags need it, and it takes no flag that only makes sense for a new project. */
function checkAdoptFlags(given: Partial<ProjectOptions>, run: RunFlags, seen: ReadonlyMap<string, string>): void {
  if (!run.adopt) {
    const lone = ADOPT_ONLY_FLAGS.find((key) => run[key]);
    if (lone) throw new UsageError(`${seen.get(lone)}: applies only with --adopt`);
    return;
  }
  if (run.update) throw new UsageError(`${seen.get('update')}: not with --adopt (adopt a project once, then update it)`);
  const clash = NOT_WITH_ADOPT.find((key) => given[key] !== undefined) ?? (run.kit !== undefined ? 'kit' : undefined) ?? (run.force ? 'force' : undefined);
  if (clash) throw new UsageError(`${seen.get(clash)}: does not apply with --adopt (it adds deployment files to a project that exists)`);
}
