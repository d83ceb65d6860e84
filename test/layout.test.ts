// The layout rule of DESIGN.md, checked: imports go one way (cli → core → base → files), nothing imports
// cli/, the base folders do not import each other, and core folders that use each other form no cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { projectRoot } from './harness/paths.js';

const LAYER: Record<string, number> = {
  cli: 0,
  setup: 1,
  setups: 1,
  credentials: 1,
  keys: 1,
  cache: 1,
  audit: 1,
  verify: 1,
  rotate: 1,
  demo: 1,
  completion: 1,
  emit: 1,
  console: 1,
  sources: 1,
  config: 2,
  policy: 2,
  aws: 2,
  prompt: 2,
  files: 3,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.c?ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Folder-to-folder imports under src/, from static and dynamic imports. */
function folderEdges(): Array<{ from: string; to: string; file: string }> {
  const src = join(projectRoot, 'src');
  const edges: Array<{ from: string; to: string; file: string }> = [];
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split(sep)[0]!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\(?)\s*['"](\.\.?\/[^'"]+)['"]/g)) {
      const target = relative(src, normalize(join(dirname(file), match[1]!)));
      const to = target.split(sep)[0]!;
      if (to !== from && to in LAYER) edges.push({ from, to, file: relative(projectRoot, file) });
    }
  }
  return edges;
}

test('imports go one way: cli → core → base → files; nothing imports cli/; base folders stand alone', () => {
  const edges = folderEdges();
  assert.ok(edges.length > 20, 'the scan found the imports');
  const wrong = edges.filter(({ from, to }) => from in LAYER && (LAYER[to]! < LAYER[from]! || (LAYER[to] === 2 && LAYER[from] === 2)));
  assert.deepEqual(wrong, []);
});

test('core folders that use each other form no cycle', () => {
  const core = new Map<string, Set<string>>();
  for (const { from, to } of folderEdges()) {
    if (LAYER[from] === 1 && LAYER[to] === 1) core.set(from, (core.get(from) ?? new Set()).add(to));
  }
  const reaches = (start: string, goal: string, seen = new Set<string>()): boolean =>
    [...(core.get(start) ?? [])].some((next) => next === goal || (!seen.has(next) && (seen.add(next), reaches(next, goal, seen))));
  const cycles = [...core.keys()].filter((folder) => reaches(folder, folder));
  assert.deepEqual(cycles, []);
});
