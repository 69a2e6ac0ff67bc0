/**
 * What a kit adds to a run, all pure: its answers as sources for resolution,
 * its dependencies and [env] as a feature, its files as templates laid over
 * ours, and the check of its `requires` range.
 */
import type { Feature } from '../core/features/types.ts';
import type { TemplateFiles } from '../core/plan.ts';
import type { Template } from '../core/render.ts';
import type { AnswerSource } from '../options/resolve.ts';
import { KitError } from './errors.ts';
import { satisfies } from './semver.ts';
import { kitLabel, type Kit } from './types.ts';

/** The id under which a kit's files and settings join the plan, after every feature of ours. */
export const KIT_FEATURE_ID = 'kit';

/** The kit's answers: its locks right after the flags, its defaults after any saved record. */
export function kitSources(kit: Kit): { locked: AnswerSource; defaults: AnswerSource } {
  const key = (table: string) => (def: { flag?: string }) => `${kit.file} [${table}] ${def.flag}`;
  return {
    locked: { origin: 'kit-lock', fixed: true, locks: true, values: kit.locked, name: key('locked'), label: kitLabel(kit) },
    defaults: { origin: 'kit-default', fixed: false, values: kit.defaults, name: key('defaults'), label: kitLabel(kit) },
  };
}

export function checkRequires(kit: Kit, generatorVersion: string): void {
  if (kit.requires === undefined || satisfies(generatorVersion, kit.requires)) return;
  throw new KitError(`${kit.file} [kit] requires: ${kit.name} ${kit.version} needs create-fly-fastapi ${kit.requires}; this is ${generatorVersion}`);
}

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
      typeof template === 'string'
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
