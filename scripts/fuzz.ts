/**
 * The long run of the fuzz test: the same fuzzer (test/fuzz/) for a set time.
 *
 *   npm run fuzz -- --seconds 60 [--seed S] [--encryption on|off|both] [--cases N]
 *   npm run fuzz -- --seed S --case N [--encryption on|off]    reproduce one case, with its hex dump
 *
 * Prints a summary per mode and exits 1 when any check failed (2 on bad usage).
 */
import { parseArgs } from 'node:util';
import { describeCase } from '../test/fuzz/checks.js';
import { FUZZ_MAX_PAYLOAD, runFuzz, type FuzzSummary } from '../test/fuzz/fuzzer.js';
import { generateCase } from '../test/fuzz/generators.js';
import { TEST_KEY } from '../test/helpers/start-server.js';

const USAGE = 'usage: npm run fuzz -- [--seconds N] [--cases N] [--seed S] [--encryption on|off|both] [--case N]';

interface Plan {
  seconds: number | undefined;
  cases: number | undefined;
  seed: number;
  modes: boolean[];
  only: number | undefined;
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function readPlan(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' }, cases: { type: 'string' }, seed: { type: 'string' },
      encryption: { type: 'string', default: 'both' }, case: { type: 'string' },
    },
  });
  const modes = { on: [true], off: [false], both: [false, true] }[values.encryption as 'on' | 'off' | 'both'];
  if (modes === undefined) throw new Error(`--encryption must be on, off or both, got "${values.encryption}"`);
  const seed = wholeNumber(values.seed, 'seed') ?? Math.floor(Math.random() * 2 ** 32);
  const only = wholeNumber(values.case, 'case');
  const seconds = wholeNumber(values.seconds, 'seconds') ?? (only === undefined && values.cases === undefined ? 10 : undefined);
  return { seconds, cases: wholeNumber(values.cases, 'cases'), seed: seed >>> 0, modes, only };
}

const MB = 1024 * 1024;

function print(summary: FuzzSummary): void {
  const { memory } = summary;
  const sorted = (histogram: Record<string, number>): string =>
    Object.entries(histogram).sort(([, a], [, b]) => b - a).map(([key, n]) => `${key}=${n}`).join(' ');
  const lines = [
    `encryption ${summary.encryption ? 'on' : 'off'}, seed ${summary.seed}: ${summary.cases} cases in ${(summary.durationMs / 1000).toFixed(1)} s, ${summary.handlerCalls} handler calls`,
    `  server closed with: ${sorted(summary.closeCodes)}`,
    `  disconnect events:  ${sorted(summary.disconnectCodes)}`,
    `  answers:            ${sorted(summary.answers)}`,
    `  frames:             ${sorted(summary.frames)}`,
    `  heap after GC: start ${(memory.startBytes / MB).toFixed(1)} MB, end ${(memory.endBytes / MB).toFixed(1)} MB, max ${(memory.maxBytes / MB).toFixed(1)} MB (${memory.samples.length} samples)`,
    `  failures: ${summary.failureCount}${summary.failureCount > 0 ? ` (${sorted(summary.failuresByKind)})` : ''}`,
  ];
  for (const failure of summary.failures) lines.push(`  - ${failure.kind}: ${failure.detail}\n${failure.dump.replace(/^/gm, '      ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  let plan: Plan;
  try {
    plan = readPlan(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let failed = false;
  for (const encryption of plan.modes) {
    if (plan.only !== undefined) {
      process.stdout.write(`${describeCase(generateCase(plan.seed, plan.only, { encryption, maxPayload: FUZZ_MAX_PAYLOAD, authKey: TEST_KEY }))}\n`);
    }
    const summary = await runFuzz({ seed: plan.seed, encryption, seconds: plan.seconds, cases: plan.cases, only: plan.only });
    print(summary);
    failed ||= summary.failureCount > 0;
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
