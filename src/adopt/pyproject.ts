/**
 * What pyproject.toml says about the project: its name, the Python it allows,
 * its dependencies (names normalised as packaging does), uv's tables and
 * fastapi-cli's `[tool.fastapi]`.
 */
import { parse } from 'smol-toml';
import { AdoptRefusal } from '../errors.ts';
import { requirementName } from '../options/rules.ts';

export interface PyProject {
  name: string | undefined;
  requiresPython: string | undefined;
  /** Normalised distribution names of [project] dependencies. */
  dependencies: string[];
  usesUvTable: boolean;
  /** [tool.uv.workspace] members, as globs. */
  workspaceMembers: string[];
  /** [tool.fastapi] entrypoint, e.g. "my_app.main:app". */
  fastapiEntrypoint: string | undefined;
  /** uvicorn is installed with the project: listed, or through fastapi[standard] / fastapi[all]. */
  hasUvicorn: boolean;
  /** [tool.poetry] present: a Poetry project. */
  poetry: boolean;
  /** uv builds and installs the project itself: a [build-system], unless [tool.uv] package = false (or package = true). */
  builds: boolean;
  /** A [project] table: without one, pyproject.toml only configures tools. */
  hasProject: boolean;
  /** [project] readme, when a file: a build reads it, so the build context must hold it. */
  readme: string | undefined;
}


type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function readPyProject(text: string, where = 'pyproject.toml'): PyProject {
  let data: Table;
  try {
    data = parse(text) as Table;
  } catch (error) {
    throw new AdoptRefusal(`${where}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const project = table(data.project);
  const tool = table(data.tool);
  const uv = table(tool.uv);
  const entrypoint = table(tool.fastapi).entrypoint;
  return {
    name: typeof project.name === 'string' ? project.name : undefined,
    requiresPython: typeof project['requires-python'] === 'string' ? project['requires-python'] : undefined,
    dependencies: strings(project.dependencies).map(requirementName).filter((name): name is string => Boolean(name)),
    usesUvTable: 'uv' in tool,
    workspaceMembers: strings(table(uv.workspace).members),
    fastapiEntrypoint: typeof entrypoint === 'string' ? entrypoint : undefined,
    hasUvicorn: strings(project.dependencies).some(
      (requirement) => requirementName(requirement) === 'uvicorn' || /^\s*fastapi(?:-slim)?\s*\[[^\]]*\b(standard|all)\b/i.test(requirement),
    ),
    poetry: 'poetry' in tool,
    hasProject: 'project' in data,
    builds: typeof uv.package === 'boolean' ? uv.package : 'build-system' in data,
    readme: typeof project.readme === 'string' ? project.readme : typeof table(project.readme).file === 'string' ? (table(project.readme).file as string) : undefined,
  };
}
