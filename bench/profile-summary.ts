/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): top functions by self time, and self time
 * by module, as % of all samples and of non-idle samples.
 *
 *   npm run bench -- --only saturated --servers dropsocket-enc --repeats 1 --cpu-prof /tmp/prof
 *   node --import tsx bench/profile-summary.ts /tmp/prof/NAME/*.cpuprofile [--top 25] [--skip-ms 1500] [--tail-ms 1000]
 *
 * Only main-thread profiles count (file names CPU.<date>.<time>.<pid>.0.<n>.cpuprofile); the
 * tsx loader's worker thread writes its own, mostly idle. `--skip-ms` drops the first part of
 * each profile (process start-up and module loading), `--tail-ms` the last part (the
 * graceful shutdown that writes the profile closes every connection). `--under NAME` keeps
 * only samples with a frame of that function name on the stack (e.g. `broadcast`).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/child.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Node ids whose stack holds a frame named `name` (the node itself or an ancestor). */
function idsUnder(nodes: ProfileNode[], name: string): Set<number> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const under = new Set<number>();
  const mark = (id: number): void => {
    under.add(id);
    for (const child of byId.get(id)?.children ?? []) mark(child);
  };
  for (const node of nodes) if (node.callFrame.functionName === name && !under.has(node.id)) mark(node.id);
  return under;
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame lives, short: a repository path, `pkg:name` for node_modules, or node's own. */
function moduleOf(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage !== null) return `pkg:${inPackage[1]}`;
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'skip-ms': { type: 'string', default: '0' }, 'tail-ms': { type: 'string', default: '0' }, under: { type: 'string' } },
  });
  const top = Number.parseInt(values.top, 10);
  const skipMicros = Number.parseFloat(values['skip-ms']) * 1e3;
  const tailMicros = Number.parseFloat(values['tail-ms']) * 1e3;
  const files = positionals.filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const keep = values.under === undefined ? undefined : idsUnder(profile.nodes, values.under);
    const length = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
    let at = 0;
    profile.samples.forEach((id, index) => {
      const micros = profile.timeDeltas[index] ?? 0;
      at += micros;
      if (at < skipMicros || at > length - tailMicros) return;
      if (keep !== undefined && !keep.has(id)) return;
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
      total += micros;
      if (functionName === '(idle)') idle += micros;
      const where = moduleOf(url);
      add(byFunction, `${functionName || '(anonymous)'}  ${where}${url === '' ? '' : `:${lineNumber + 1}`}`, micros);
      add(byModule, where === '(native)' ? functionName : where, micros);
    });
  }
  const busy = total - idle;
  const rows = (map: Map<string, number>): string[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => `| ${(micros / 1e3).toFixed(0)} | ${((micros / total) * 100).toFixed(1)} | ${key.startsWith('(idle)') ? '' : ((micros / busy) * 100).toFixed(1)} | ${key} |`);
  const header = '| self ms | % all | % busy | %s |\n| ---: | ---: | ---: | --- |';
  const out = [
    `${files.length} main-thread profile(s), ${(total / 1e3).toFixed(0)} ms sampled, ${((idle / total) * 100).toFixed(1)}% idle`,
    '',
    header.replace('%s', 'function  location'),
    ...rows(byFunction),
    '',
    header.replace('%s', 'module'),
    ...rows(byModule),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
