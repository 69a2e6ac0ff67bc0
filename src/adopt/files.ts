/** A project as the detection sees it: every path, and the text of the files it reads. */
export interface ProjectFiles {
  /** Every file's POSIX path relative to the root (not inside .git, .venv, node_modules or caches). */
  paths: ReadonlySet<string>;
  /** The text of the files detection reads (pyproject, Python sources, configs); absent when not read. */
  texts: ReadonlyMap<string, string>;
}

export function hasFile(files: ProjectFiles, path: string): boolean {
  return files.paths.has(path);
}

export function hasFolder(files: ProjectFiles, folder: string): boolean {
  const prefix = `${folder}/`;
  for (const path of files.paths) if (path.startsWith(prefix)) return true;
  return false;
}

export function textOf(files: ProjectFiles, path: string): string | undefined {
  return files.texts.get(path);
}
