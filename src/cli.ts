/**
 * The bin's entry. --help, --version and bad flags are answered from the
 * option schema alone; the prompts, templates and tools (most of the bundle)
 * load only for a run that creates a project, so those answers come fast.
 */
import { parseArgs, type ParsedArgs } from './options/args.ts';
import { helpText } from './options/help.ts';
import { NOT_WITH_ADOPT } from './options/runFlags.ts';
import { applyColourPreference, isInteractive } from './ui/terminal.ts';
import { VERSION } from './version.ts';

applyColourPreference();

let parsed: ParsedArgs;
try {
  parsed = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`create-fly-fastapi: ${(error as Error).message}\n`);
  process.exit((error as { exitCode?: number }).exitCode ?? 1);
}

if (parsed.run.help) {
  process.stdout.write(`${helpText(VERSION)}\n`);
} else if (parsed.run.version) {
  process.stdout.write(`${VERSION}\n`);
} else if (parsed.run.update) {
  const { runUpdate } = await import('./cli/update.ts');
  runUpdate(parsed);
} else if (parsed.run.adopt) {
  const { runAdopt } = await import('./cli/adopt.ts');
  runAdopt(parsed);
} else {
  const { adoptable, offerAdoption, runAdopt } = await import('./cli/adopt.ts');
  const terminal = isInteractive(parsed.run.interactive);
  // A folder that is already a Python project, asked in a terminal: adopting is likelier what was meant.
  // Flags only a new project takes (a kit, --force, --postgres...) say create was meant: no offer then.
  const forCreate = parsed.run.kit !== undefined || parsed.run.force || NOT_WITH_ADOPT.some((key) => parsed.given[key] !== undefined);
  if (terminal && !parsed.run.yes && !forCreate && adoptable(parsed.given.directory ?? '.') && (await offerAdoption(parsed))) {
    runAdopt({ ...parsed, run: { ...parsed.run, adopt: true } });
  } else {
    const { runCreate } = await import('./cli/create.ts');
    runCreate(parsed);
  }
}
