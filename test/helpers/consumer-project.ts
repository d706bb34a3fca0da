/**
 * A throwaway TypeScript project that uses dropsocket the way a user's does: the package
 * through `node_modules/dropsocket` (its shipped dist/ types, so run `npm run build`
 * first), strict settings, and tsc run on it through the compiler API.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The strictest settings a consumer is likely to have, `skipLibCheck: false` included. */
export const STRICT_CONSUMER_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  noEmit: true,
  types: ['node'],
} as const;

/** One diagnostic, reduced to what a test asserts on. */
export interface Problem {
  file: string;
  /** 1-based. */
  line: number;
  code: number;
  message: string;
}

/** A consumer project in a temporary folder. */
export class ConsumerProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'dropsocket-consumer-'));

  /** Links the packages the project may import (dropsocket itself among them) from this repository. */
  constructor(packages: readonly string[] = []) {
    mkdirSync(join(this.dir, 'node_modules'));
    symlinkSync(ROOT, join(this.dir, 'node_modules', 'dropsocket'), 'dir');
    for (const name of ['@types', ...packages]) symlinkSync(join(ROOT, 'node_modules', name), join(this.dir, 'node_modules', name), 'dir');
    this.write('package.json', JSON.stringify({ name: 'consumer', version: '1.2.3', type: 'module', private: true }));
  }

  /** Copies a folder of this repository into the project. */
  copy(from: string, to: string): void {
    cpSync(from, join(this.dir, to), { recursive: true });
  }

  write(path: string, text: string): void {
    writeFileSync(join(this.dir, path), text);
  }

  /** Type-checks `files` (paths in the project) with {@link STRICT_CONSUMER_OPTIONS}; every problem found. */
  typeCheck(files: readonly string[]): Problem[] {
    const { options, errors } = ts.convertCompilerOptionsFromJson(STRICT_CONSUMER_OPTIONS, this.dir);
    if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'));
    const program = ts.createProgram(files.map((file) => join(this.dir, file)), options);
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const position = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return {
        file: diagnostic.file?.fileName ?? '',
        line: (position?.line ?? -1) + 1,
        code: diagnostic.code,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      };
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
