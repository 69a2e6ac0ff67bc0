/**
 * The bin's entry. --help, --version and bad flags are answered from the
 * option schema alone; the prompts, templates and tools (most of the bundle)
 * load only for a run that creates a project, so those answers come fast.
 */
import { parseArgs, type ParsedArgs } from './options/args.ts';
import { helpText } from './options/help.ts';
import { applyColourPreference } from './ui/terminal.ts';
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
  const { runUpdate } = await import('./updateCommand.ts');
  runUpdate(parsed);
} else {
  const { runCreate } = await import('./createCommand.ts');
  runCreate(parsed);
}
