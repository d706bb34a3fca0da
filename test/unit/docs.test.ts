import { readFileSync } from 'node:fs';
import QUnit from 'qunit';
import { renderSettingsTable } from '../../src/config/settings-table.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { CLOSE_CODES } from '../../src/protocol/constants.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** First-column backticked values of every table row in a Markdown file. */
function firstColumn(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `?([^`|]+?)`? \|/gm)].map((match) => match[1]!).filter((cell) => !/^(code|option key|-+)$/.test(cell));
}

QUnit.module('docs', () => {
  QUnit.test('docs/errors.md lists exactly the codes of the catalogue, with their close codes', (assert) => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([A-Z_]+)` \| ?(\d*) ?\|/gm)];
    assert.deepEqual(rows.map((row) => row[1]).sort(), Object.keys(ERROR_CATALOGUE).sort());
    for (const [, code, close] of rows) {
      const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE] as { closeCode?: number };
      assert.strictEqual(close === '' ? undefined : Number(close), entry.closeCode, `${code} close code`);
    }
  });

  QUnit.test('docs/close-codes.md lists exactly the close codes in constants', (assert) => {
    const codes = firstColumn(read('docs/close-codes.md')).map(Number);
    assert.deepEqual(codes.sort(), Object.values(CLOSE_CODES).sort());
  });

  QUnit.test('docs/configuration.md and the README carry the settings table rendered from config/environment.ts', (assert) => {
    const table = renderSettingsTable();
    assert.true(read('docs/configuration.md').includes(table), 'docs/configuration.md is current (node --import tsx scripts/settings-table.ts)');
    assert.true(read('README.md').includes(table), 'README.md is current');
  });

  QUnit.test('docs/testing.md shows the QUnit and node:test examples exactly as they run in the suite', (assert) => {
    const doc = read('docs/testing.md');
    for (const example of ['test/examples/qunit-handlers.test.ts', 'test/examples/node-test-handlers.ts']) {
      assert.true(doc.includes(`\`\`\`ts\n${read(example).trimEnd()}\n\`\`\``), `${example} is listed as it is`);
    }
  });
});
