/** The interactive questions, asked with @clack/prompts and driven by the option schema. */
import * as p from '@clack/prompts';
import { readdirSync, statSync } from 'node:fs';
import { styleText } from 'node:util';
import { CancelledError } from '../errors.ts';
import { kitLabel, type Kit } from '../kit/types.ts';
import { valueProblem, type AnswerOrigins, type Asker } from '../options/resolve.ts';
import { OPTIONS, type OptionDef, type PostgresKind, type ProjectOptions } from '../options/schema.ts';
import { REGIONS } from '../options/regions.ts';
import { wrapText } from './format.ts';
import { columns } from './terminal.ts';

function answered<T>(value: T | symbol): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new CancelledError();
  return value as Exclude<T, symbol>;
}

function problemWith(def: OptionDef, raw: string, resolved: Partial<ProjectOptions>): string | undefined {
  try {
    const value = def.parse ? def.parse(raw) : raw;
    return valueProblem(def, value as never, resolved)?.replace(/^(--[\w-]+|\[directory\]): /, '');
  } catch (error) {
    return (error as Error).message.replace(/^--[\w-]+: /, '');
  }
}

/** Caught while typing rather than after every other answer (the run would stop with exit 3). */
function directoryProblem(dir: string, force: boolean): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} exists and is not a directory`;
    const count = readdirSync(dir).length;
    if (count > 0 && !force) return `${dir} is not empty (${count} entries): choose another, or run again with --force`;
  } catch {
    // Not there yet: it will be created.
  }
  return undefined;
}

/** clack wraps every question under its bar except a text prompt's: that one is wrapped here. */
function textQuestion(question: string): string {
  return wrapText(question, columns() - 3).join(`\n${styleText('gray', p.S_BAR)}  `);
}

export function regionLabel(code: string, city: string): string {
  return `${code}  ${city}`;
}

function primaryQuestion(postgres: PostgresKind | undefined): string {
  if (postgres === 'managed') return 'Primary region (where Managed Postgres runs; only its regions are listed)';
  if (postgres === 'unmanaged') return 'Primary region (where Fly Postgres will run)';
  if (postgres === 'external') return 'Primary region (pick the one nearest your database)';
  return 'Primary region';
}

function extrasQuestion(resolved: Partial<ProjectOptions>, primary: string): string {
  const keys = p.unicode ? '' : ' (space picks, enter goes on)';
  if (resolved.postgres === 'none') return `Extra regions? Optional: Machines nearer more of your users${keys}`;
  // The generated fly.toml keeps a Machine running in the primary region to receive replayed writes.
  const stays = resolved.scaling === 'suspend' || resolved.scaling === 'stop' ? ', where one Machine then stays on' : '';
  return `Extra regions? Optional: reads are served there, writes are replayed to ${primary}, next to the database${stays}${keys}`;
}

async function askRegions(resolved: Partial<ProjectOptions>, suggested: string[], note: string): Promise<string[]> {
  const managed = resolved.postgres === 'managed';
  const primaryChoices = REGIONS.filter((region) => !managed || region.mpg);
  const initialPrimary = primaryChoices.some((region) => region.code === suggested[0]) ? suggested[0] : primaryChoices[0]!.code;
  const primary = answered(
    await p.select({
      message: primaryQuestion(resolved.postgres) + note,
      options: primaryChoices.map((region) => ({ value: region.code, label: regionLabel(region.code, region.city) })),
      initialValue: initialPrimary,
      maxItems: 8,
      showInstructions: p.unicode,
    }),
  );
  const extras = answered(
    await p.multiselect({
      message: extrasQuestion(resolved, primary) + note,
      options: REGIONS.filter((region) => region.code !== primary).map((region) => ({
        value: region.code,
        label: regionLabel(region.code, region.city),
      })),
      initialValues: suggested.slice(1).filter((code) => code !== primary),
      required: false,
      maxItems: 8,
      // The footer's arrows and bullets have no ASCII fallback; the question says it instead.
      showInstructions: p.unicode,
    }),
  );
  return [primary, ...extras];
}

export interface AskerSettings {
  /** --force: a non-empty directory is allowed. */
  force: boolean;
}

export function clackAsker({ force }: AskerSettings): Asker {
  return async (def, suggested, resolved, suggestedBy) => {
    const key = def.key as keyof ProjectOptions;
    // A kit's default is preselected; the question says whose it is.
    const note = suggestedBy ? ` (preselected by ${suggestedBy})` : '';
    if (key === 'regions') return (await askRegions(resolved, suggested as string[], note)) as never;
    if (def.boolean) {
      const billed = key === 'launch' && (resolved.postgres === 'managed' || resolved.postgres === 'unmanaged');
      const message = (billed ? `${def.question!} The database is created too, and billed from then on.` : def.question!) + note;
      return answered(await p.confirm({ message, initialValue: suggested as boolean })) as never;
    }
    if (def.choices) {
      return answered(
        await p.select({
          message: def.question! + note,
          options: def.choices.map((choice) => ({ value: choice.value, label: choice.label, hint: choice.hint })),
          initialValue: suggested as string,
          showInstructions: p.unicode,
        }),
      ) as never;
    }
    const raw = answered(
      await p.text({
        message: textQuestion(def.question! + note),
        placeholder: String(suggested),
        defaultValue: String(suggested),
        validate: (value) => {
          const text = value || String(suggested);
          return problemWith(def, text, resolved) ?? (key === 'directory' ? directoryProblem(text.trim(), force) : undefined);
        },
      }),
    );
    const text = raw || String(suggested);
    return (def.parse ? def.parse(text) : text) as never;
  };
}

const DATABASE: Record<PostgresKind, string> = {
  none: 'none',
  managed: 'Fly Managed Postgres',
  unmanaged: 'Fly Postgres (legacy)',
  external: 'your own (DATABASE_URL)',
};

function scalingText(options: ProjectOptions): string {
  if (options.scaling === 'warm') return `${options.minMachines} Machine(s) always on, more when busy`;
  if (options.scaling === 'always-on') return 'always on';
  return `${options.scaling} when idle`;
}

function afterwards(options: ProjectOptions): string {
  const steps = [options.lock && 'uv lock', options.git && 'git init', options.launch && 'fly launch'].filter(Boolean);
  return steps.length > 0 ? steps.join(', ') : 'nothing else';
}

/** What a summary line says about the kit's part in it. */
function fromKit(origins: AnswerOrigins, keys: (keyof ProjectOptions)[]): string {
  if (keys.some((key) => origins[key] === 'kit-lock')) return ' [kit: locked]';
  if (keys.some((key) => origins[key] === 'kit-default')) return ' [kit default]';
  return '';
}

export interface SummaryContext {
  origins?: AnswerOrigins;
  kit?: Kit;
}

export function summary(options: ProjectOptions, { origins = {}, kit }: SummaryContext = {}): string {
  const [primary, ...extras] = options.regions;
  const mark = (...keys: (keyof ProjectOptions)[]) => (kit ? fromKit(origins, keys) : '');
  return [
    ...(kit ? [`Kit         ${kit.name} ${kit.version} (${kit.source.spec})`] : []),
    `Directory   ${options.directory}`,
    `App name    ${options.name}`,
    `Postgres    ${DATABASE[options.postgres]}${mark('postgres')}`,
    `Scaling     ${scalingText(options)}${mark('scaling', 'minMachines')}`,
    `Regions     ${[`${primary} (primary)`, ...extras].join(', ')}${mark('regions')}`,
    `Machines    ${options.vmSize}, ${options.vmMemory}, Python ${options.python}${mark('vmSize', 'vmMemory', 'python')}`,
    `Workflows   ${options.workflows ? 'GitHub Actions: CI, deploy from main' : 'none'}${mark('workflows')}`,
    ...(options.launch && options.org ? [`Fly org     ${options.org}${mark('org')}`] : []),
    `Then        ${afterwards(options)}${mark('lock', 'git', 'launch')}`,
  ].join('\n');
}

/** Shown before the questions: what the kit fixes and what it only suggests. */
export function kitIntro(kit: Kit): string {
  const list = (values: Partial<ProjectOptions>) =>
    OPTIONS.filter((def) => values[def.key] !== undefined)
      .map((def) => `${def.flag} ${String(values[def.key])}`)
      .join(', ');
  const lines = [`Using ${kitLabel(kit)} (${kit.source.spec})`];
  if (Object.keys(kit.locked).length > 0) lines.push(`Locked, not asked: ${list(kit.locked)}`);
  if (Object.keys(kit.defaults).length > 0) lines.push(`Preselected: ${list(kit.defaults)}`);
  return lines.join('\n');
}

export type SummaryChoice = 'create' | 'change' | 'cancel';

export async function confirmSummary(options: ProjectOptions, context: SummaryContext = {}): Promise<SummaryChoice> {
  p.note(summary(options, context), 'Your project');
  return answered(
    await p.select<SummaryChoice>({
      message: 'Create it? Nothing is written before you say so.',
      options: [
        { value: 'create', label: 'Create the project' },
        { value: 'change', label: 'Change my answers' },
        { value: 'cancel', label: 'Cancel' },
      ],
      initialValue: 'create',
      showInstructions: p.unicode,
    }),
  );
}
