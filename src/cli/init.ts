/**
 * `dropsocket init [DIR]`: a project that serves and answers `echo` with no other step.
 * Never overwrites: a file that exists is kept and reported as kept.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { generateAuthKey } from '../crypto/psk.js';
import { packageVersion } from './version.js';
import { HANDLER_TEMPLATES, envFile, gitignoreWithEnv, packageJson } from './templates.js';

/** What `init` did to each file, in the order it touched them. */
export interface InitReport {
  /** The project folder, absolute. */
  dir: string;
  created: string[];
  kept: string[];
  /** Files that existed and were extended (`.gitignore`). */
  updated: string[];
  /** Whether `dropsocket` resolves from the folder (else `npm install` comes first). */
  installed: boolean;
}

/** Writes the scaffold into `dir` (created if missing). */
export async function initProject(dir: string): Promise<InitReport> {
  const root = resolve(dir);
  const report: InitReport = { dir: root, created: [], kept: [], updated: [], installed: false };
  await mkdir(root, { recursive: true });
  const files: Record<string, () => string> = {
    ...Object.fromEntries(Object.entries(HANDLER_TEMPLATES).map(([path, text]) => [path, () => text])),
    '.env': () => envFile(generateAuthKey()),
  };
  if (!existsSync(join(root, 'package.json'))) files['package.json'] = () => packageJson(basename(root), packageVersion());
  for (const [path, render] of Object.entries(files)) {
    const created = await writeIfAbsent(join(root, path), render);
    (created ? report.created : report.kept).push(path);
  }
  const gitignore = gitignoreWithEnv(await readOptional(join(root, '.gitignore')));
  if (gitignore !== undefined) {
    const existed = existsSync(join(root, '.gitignore'));
    await writeFile(join(root, '.gitignore'), gitignore);
    (existed ? report.updated : report.created).push('.gitignore');
  }
  report.installed = resolvesFrom(root);
  return report;
}

/** The lines `init` prints: what happened, then the next commands. */
export function describeInit(report: InitReport, cwd: string): string {
  const lines = [
    ...report.created.map((path) => `created ${path}`),
    ...report.updated.map((path) => `updated ${path}`),
    ...report.kept.map((path) => `kept    ${path} (exists; not overwritten)`),
    '',
    'Next:',
  ];
  const where = relative(cwd, report.dir);
  if (where !== '') lines.push(`  cd ${/\s/.test(where) ? JSON.stringify(where) : where}`);
  if (!report.installed) lines.push('  npm install');
  lines.push('  npx dropsocket serve', `  npx dropsocket call echo '{"hi":1}'     # in a second terminal`);
  return `${lines.join('\n')}\n`;
}

async function writeIfAbsent(path: string, render: () => string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  try {
    // 'wx' fails when the file exists: no check-then-write race with another writer.
    await writeFile(path, render(), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function resolvesFrom(dir: string): boolean {
  try {
    createRequire(join(dir, 'noop.js')).resolve('dropsocket');
    return true;
  } catch {
    return false;
  }
}
