// Prints the package's public surface: the values dist/api.js exports, then
// every name dist/api.d.ts exports (types included). Run after `npm run build`;
// test/package.test.ts compares it with test/fixtures/api-surface.txt, so a
// change to what users can import is always a deliberate one.
import ts from 'typescript';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export async function apiSurface(root = process.cwd()) {
  const declarations = resolve(root, 'dist/api.d.ts');
  const program = ts.createProgram([declarations], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const types = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(declarations))).map((symbol) => symbol.name);
  const values = Object.keys(await import(pathToFileURL(resolve(root, 'dist/api.js')).href));
  return `values:\n${values.sort().join('\n')}\nnames:\n${types.sort().join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(await apiSurface());
