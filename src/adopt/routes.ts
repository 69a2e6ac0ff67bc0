/**
 * GET paths the app answers through its routers: `app.include_router(x,
 * prefix="/api")`, the router's own `APIRouter(prefix="/v1")`, one more
 * level of routers included in that one, and include_router calls made in
 * a `for` loop over a literal list. Only literal prefixes count: a prefix
 * read from settings cannot be known without running the app, so a route
 * behind one is not offered as the service check.
 */
import { textOf, hasFile, type ProjectFiles } from './files.ts';
import { getRoutes } from './pythonSource.ts';

const MAX_DEPTH = 3;

/** `from pkg.mod import router as name` and `from pkg import mod`: local name -> module and attribute. */
function importsOf(source: string, ownPackage: string): Map<string, { module: string; attribute?: string }> {
  const found = new Map<string, { module: string; attribute?: string }>();
  for (const match of source.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)/gm)) {
    const dots = match[1]!.length;
    const parts = ownPackage.split('.').filter(Boolean);
    const base = dots === 0 ? match[2]! : [...parts.slice(0, Math.max(0, parts.length - (dots - 1))), ...match[2]!.split('.').filter(Boolean)].join('.');
    for (const item of match[3]!.split(',')) {
      const [name, , alias] = item.trim().split(/\s+/);
      if (!name) continue;
      // `from pkg import mod` may name a module or an attribute: both are tried.
      found.set(alias ?? name, { module: base, attribute: name });
    }
  }
  return found;
}

function fileOf(files: ProjectFiles, module: string, appDir: string): string | undefined {
  const prefix = appDir ? `${appDir}/` : '';
  const relative = module.replaceAll('.', '/');
  return [`${prefix}${relative}.py`, `${prefix}${relative}/__init__.py`].find((file) => hasFile(files, file));
}

function routerPrefix(source: string, variable: string): string {
  const match = new RegExp(`^${variable}\\s*(?::[^=\\n]+)?=\\s*(?:fastapi\\.)?APIRouter\\(([^)]*)\\)`, 'm').exec(source);
  return /prefix\s*=\s*["']([^"']*)["']/.exec(match?.[1] ?? '')?.[1] ?? '';
}

/** `(router, prefix)` pairs `variable.include_router(...)` names in a source, loops over literal lists included. */
function inclusions(source: string, variable: string): { target: string; prefix: string | undefined }[] {
  const found: { target: string; prefix: string | undefined }[] = [];
  const prefixOf = (args: string) => {
    const keyword = /prefix\s*=\s*([^,)]+)/.exec(args)?.[1]?.trim();
    if (keyword === undefined) return '';
    return /^["']([^"']*)["']$/.exec(keyword)?.[1];
  };
  for (const match of source.matchAll(new RegExp(`${variable}\\.include_router\\(\\s*([\\w.]+)([^)]*)\\)`, 'g'))) {
    found.push({ target: match[1]!, prefix: prefixOf(match[2]!) });
  }
  for (const loop of source.matchAll(new RegExp(`^([ \\t]*)for[ \\t]+(\\w+)[ \\t]+in[ \\t]+[\\[(]([^\\])]*)[\\])][ \\t]*:[^\\n]*\\n((?:\\1[ \\t]+[^\\n]*(?:\\n|$))+)`, 'gm'))) {
    const [, , name, items, body] = loop as unknown as [string, string, string, string, string];
    const call = new RegExp(`${variable}\\.include_router\\(\\s*${name}\\b([^)]*)\\)`).exec(body);
    if (!call) continue;
    for (const item of items.split(',').map((text) => text.trim()).filter(Boolean)) found.push({ target: item, prefix: prefixOf(call[1]!) });
  }
  return found;
}

/**
 * Every GET path without parameters reachable from `variable` in `file`,
 * with the prefixes on the way. `prefix` is what the caller mounted it under.
 */
export function reachableRoutes(files: ProjectFiles, file: string, variable: string, appDir: string, prefix = '', depth = 0): string[] {
  const source = textOf(files, file) ?? '';
  const own = routerPrefix(source, variable);
  const paths = getRoutes(source, variable).map((path) => `${prefix}${own}${path}`);
  if (depth >= MAX_DEPTH) return paths;
  const ownPackage = file.slice(appDir ? appDir.length + 1 : 0).split('/').slice(0, -1).join('.');
  const imports = importsOf(source, ownPackage);
  for (const { target, prefix: given } of inclusions(source, variable)) {
    if (given === undefined) continue;
    const [head, attribute] = target.includes('.') ? [target.split('.')[0]!, target.split('.').slice(1).join('.')] : [target, undefined];
    const local = getRoutes(source, target).length > 0 || routerPrefix(source, target) ? { file, variable: target } : undefined;
    let where = local;
    const imported = imports.get(head);
    if (!where && imported) {
      // `from pkg import mod` then `mod.router`; or `from pkg.mod import router`.
      const asModule = fileOf(files, `${imported.module}.${imported.attribute}`, appDir);
      if (asModule && attribute) where = { file: asModule, variable: attribute };
      const asAttribute = fileOf(files, imported.module, appDir);
      if (!where && asAttribute && !attribute) where = { file: asAttribute, variable: imported.attribute ?? head };
    }
    if (where) paths.push(...reachableRoutes(files, where.file, where.variable, appDir, `${prefix}${own}${given}`, depth + 1));
  }
  return paths;
}
