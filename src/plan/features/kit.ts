/**
 * A starter kit as the plan's last feature: its dependencies and [env], and
 * its files laid over ours (a later feature's file replaces an earlier one at
 * the same path). A kit template that fails to render names its own file.
 */
import { KitError } from '../../kit/errors.ts';
import type { Kit } from '../../kit/types.ts';
import type { Template, TemplateFiles } from '../../templates/render.ts';
import type { Feature } from './types.ts';

/** The id under which a kit's files and settings join the plan, after every feature of ours. */
export const KIT_FEATURE_ID = 'kit';

/** Where a kit file came from, for messages. */
export function kitFilePath(kit: Kit, key: string): string {
  return `${kit.file.slice(0, -'/kit.toml'.length)}/files/${key}`;
}

/** The kit as the last feature: its dependencies, and its [env] in fly.toml. */
export function kitFeature(kit: Kit): Feature {
  return {
    id: KIT_FEATURE_ID,
    applies: () => true,
    dependencies: kit.dependencies,
    devDependencies: kit.devDependencies,
    configureFly(config) {
      Object.assign(config.env, kit.env);
    },
  };
}

/** Handlebars' strict-mode message, said in the kit author's terms. */
function renderProblem(message: string): string {
  const unknown = /^"([^"]+)" not defined in .* - (\d+):\d+/.exec(message);
  if (unknown) return `line ${unknown[2]}: {{${unknown[1]}}} is not in the template data (README, Starter kits, lists the names)`;
  return message.split('\n')[0]!;
}

/** Our templates plus the kit's, keyed `kit/<path>`; a kit template that fails to render names its file. */
export function withKitFiles(templates: TemplateFiles, kit: Kit): TemplateFiles {
  const merged = new Map<string, Template>(templates);
  for (const [key, template] of kit.files) {
    const named: Template =
      typeof template !== 'function'
        ? template
        : (context) => {
            try {
              return template(context);
            } catch (error) {
              throw new KitError(`${kitFilePath(kit, key)}: ${renderProblem((error as Error).message)}`);
            }
          };
    merged.set(`${KIT_FEATURE_ID}/${key}`, named);
  }
  return merged;
}
