/**
 * Just enough reading of Python source for detection, without running it:
 * top-level assignments and functions, imports, and route decorators.
 * Only unindented lines count, so code inside functions and classes is not
 * mistaken for the module's own names.
 */

/** Top-level names bound to `FastAPI(...)`, in source order. */
export function fastapiAssignments(source: string): string[] {
  return [...source.matchAll(/^([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?=\s*(?:fastapi\.)?FastAPI\s*\(/gm)].map((match) => match[1]!);
}

/** Every top-level assignment target: `app = create_app()` makes `app` a module attribute. */
export function topLevelAssignments(source: string): Set<string> {
  return new Set([...source.matchAll(/^([A-Za-z_]\w*)\s*(?::\s*[^=\n]+)?=(?!=)/gm)].map((match) => match[1]!));
}

/** Top-level functions that build an app: annotated `-> FastAPI`, or calling FastAPI( in their body. */
export function factories(source: string): string[] {
  const found: string[] = [];
  const defs = [...source.matchAll(/^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]{0,4000})\)\s*(?:->\s*([\w.]+))?\s*:/gm)];
  defs.forEach((match, index) => {
    const end = defs[index + 1]?.index ?? source.length;
    const body = source.slice(match.index! + match[0].length, end).split(/\n(?=\S)/)[0]!;
    const returnsApp = match[3] === 'FastAPI' || match[3] === 'fastapi.FastAPI';
    // A factory uvicorn can call takes no required argument.
    const required = match[2]!.split(',').map((part) => part.trim()).filter((part) => part && !part.includes('=') && !part.startsWith('*'));
    if ((returnsApp || /\bFastAPI\s*\(/.test(body)) && required.length === 0) found.push(match[1]!);
  });
  return found;
}

export function topLevelFunctions(source: string): Set<string> {
  return new Set([...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)/gm)].map((match) => match[1]!));
}

/**
 * Modules a file imports, absolute and as written (`pkg.models`), with
 * relative ones resolved against the file's own package (`from .db import x`
 * in pkg/main.py -> `pkg.db`). Imports inside functions count too: they
 * run at start-up often enough, and an extra COPY costs little.
 */
export function importedModules(source: string, ownPackage: string): string[] {
  const modules: string[] = [];
  const text = source.replace(/\\\r?\n/g, ' ');
  for (const match of text.matchAll(/^[ \t]*import[ \t]+([^\n#]+)/gm)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name) modules.push(name);
    }
  }
  for (const match of text.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)/gm)) {
    const dots = match[1]!.length;
    const base = match[2]!;
    if (dots === 0) {
      modules.push(base);
      for (const name of match[3]!.split(',')) if (name.trim()) modules.push(`${base}.${name.trim().split(/\s+/)[0]}`);
      continue;
    }
    const parent = ownPackage.split('.').filter(Boolean).slice(0, Math.max(0, ownPackage.split('.').filter(Boolean).length - (dots - 1)));
    const resolved = [...parent, ...base.split('.').filter(Boolean)].join('.');
    if (resolved) modules.push(resolved);
    for (const name of match[3]!.split(',')) {
      const first = name.trim().split(/\s+/)[0];
      if (first) modules.push([...(resolved ? [resolved] : []), first].join('.'));
    }
  }
  return modules;
}

/** Paths of GET routes declared on `variable` itself (`@app.get("/health")`), without path parameters. */
export function getRoutes(source: string, variable: string): string[] {
  const pattern = new RegExp(`^@${variable}\\.(?:get|api_route)\\(\\s*["']([^"'{}]*)["']`, 'gm');
  return [...source.matchAll(pattern)].map((match) => match[1]!);
}

/** Folders the app serves files from: StaticFiles(directory="static"), Jinja2Templates(directory="templates"). */
export function servedFolders(source: string): string[] {
  return [...source.matchAll(/(?:StaticFiles|Jinja2Templates)\s*\([^)]{0,4000}?directory\s*=\s*["']([^"'\n]+)["']/g)].map((match) => match[1]!.replace(/^\.\//, '').replace(/\/$/, ''));
}
