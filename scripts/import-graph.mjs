// The shape of src/'s import graph, from dependency-cruiser: each folder of
// src/ (and each file at its top) is one unit. Prints the units by layer (a
// unit's layer is one above the highest unit it imports), the file cycles, and
// the imports that point up: those between units that reach each other, where
// no layering can put both ends in order.
//
//   node scripts/import-graph.mjs           the summary
//   node scripts/import-graph.mjs --edges   also every unit-to-unit import
import { cruise } from 'dependency-cruiser';

const result = await cruise(['src'], { tsPreCompilationDeps: true, combinedDependencies: false }, undefined, {});
const modules = result.output.modules.filter((module) => module.source.startsWith('src/'));

const unitOf = (path) => {
  const parts = path.slice('src/'.length).split('/');
  return parts.length === 1 ? parts[0] : `${parts[0]}/`;
};

const fileEdges = [];
for (const module of modules) {
  for (const dependency of module.dependencies) {
    if (dependency.resolved.startsWith('src/')) fileEdges.push({ from: module.source, to: dependency.resolved, circular: dependency.circular, cycle: dependency.cycle });
  }
}
const units = [...new Set(modules.map((module) => unitOf(module.source)))].sort();
const unitEdges = new Map(units.map((unit) => [unit, new Set()]));
for (const edge of fileEdges) {
  const [from, to] = [unitOf(edge.from), unitOf(edge.to)];
  if (from !== to) unitEdges.get(from).add(to);
}

// Strongly connected components of the unit graph (Tarjan): units in one component reach each other.
const component = new Map();
{
  let index = 0;
  const indices = new Map(), low = new Map(), stack = [], onStack = new Set();
  const visit = (unit) => {
    indices.set(unit, index); low.set(unit, index); index += 1; stack.push(unit); onStack.add(unit);
    for (const next of unitEdges.get(unit)) {
      if (!indices.has(next)) { visit(next); low.set(unit, Math.min(low.get(unit), low.get(next))); }
      else if (onStack.has(next)) low.set(unit, Math.min(low.get(unit), indices.get(next)));
    }
    if (low.get(unit) === indices.get(unit)) {
      let member;
      do { member = stack.pop(); onStack.delete(member); component.set(member, unit); } while (member !== unit);
    }
  };
  for (const unit of units) if (!indices.has(unit)) visit(unit);
}

// Layers over the components, which import one another without a loop: a
// component sits one above the highest one it imports.
const layer = new Map();
const layerOf = (unit) => {
  const root = component.get(unit);
  if (layer.has(root)) return layer.get(root);
  let highest = 0;
  for (const member of units.filter((other) => component.get(other) === root)) {
    for (const next of unitEdges.get(member)) {
      if (component.get(next) !== root) highest = Math.max(highest, layerOf(next) + 1);
    }
  }
  layer.set(root, highest);
  return highest;
};
units.forEach((unit) => layerOf(unit));

const up = fileEdges.filter((edge) => {
  const [from, to] = [unitOf(edge.from), unitOf(edge.to)];
  return from !== to && component.get(from) === component.get(to);
});
const cycles = new Set(fileEdges.filter((edge) => edge.circular).map((edge) => [...new Set([edge.from, ...edge.cycle.map((step) => step.name ?? step)])].sort().join(' <-> ')));

const byLayer = new Map();
for (const unit of units) {
  const at = layer.get(component.get(unit));
  byLayer.set(at, [...(byLayer.get(at) ?? []), unit]);
}
const top = Math.max(...byLayer.keys());
console.log(`${units.length} units on ${byLayer.size} layers; ${up.length} imports pointing up; ${cycles.size} file cycles`);
for (let at = top; at >= 0; at -= 1) if (byLayer.has(at)) console.log(`  layer ${top - at + 1}: ${byLayer.get(at).join(' ')}`);
for (const cycle of cycles) console.log(`  cycle: ${cycle}`);
for (const edge of up) console.log(`  up: ${edge.from} -> ${edge.to}`);
if (process.argv.includes('--edges')) for (const [from, tos] of unitEdges) for (const to of tos) console.log(`  ${from} -> ${to}`);
