import { readFileSync } from 'node:fs';
import QUnit from 'qunit';
import { renderSettingsTable } from '../../src/config/settings-table.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { ClusterMetricsHub } from '../../src/metrics/cluster-metrics-hub.js';
import type { MetricsPrimaryMessage } from '../../src/scale/cluster-protocol.js';
import { CLOSE_CODES } from '../../src/protocol/constants.js';
import { servedMetrics } from '../helpers/served-metrics.js';

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

  QUnit.test('docs/production.md names every dropsocket_ metric /metrics serves, with workers or not', async (assert) => {
    const inbox: MetricsPrimaryMessage[] = [];
    const worker = { id: 1, send: (message: MetricsPrimaryMessage) => inbox.push(message) > 0 };
    const hub = new ClusterMetricsHub();
    hub.add(worker);
    hub.receive(worker, { ds: 'metrics-scrape', scrape: 1 });
    hub.receive(worker, { ds: 'metrics-snapshot', collect: 1, metrics: await servedMetrics().snapshot() });
    const node = inbox.find((message) => message.ds === 'metrics-node');
    const names = node?.ds === 'metrics-node' ? node.metrics.map((metric) => metric.name).filter((name) => name.startsWith('dropsocket_')) : [];
    assert.true(names.includes('dropsocket_workers_reporting') && names.includes('dropsocket_connections'), names.join(', '));
    const doc = read('docs/production.md');
    // In backticks, alone or with its labels: `dropsocket_workers` is not documented by `dropsocket_workers_reporting`.
    assert.deepEqual(names.filter((name) => !doc.includes(`\`${name}\``) && !doc.includes(`\`${name}{`)), [], 'undocumented');
  });

  QUnit.test('docs/testing.md shows the QUnit and node:test examples exactly as they run in the suite', (assert) => {
    const doc = read('docs/testing.md');
    for (const example of ['test/examples/qunit-handlers.test.ts', 'test/examples/node-test-handlers.ts']) {
      assert.true(doc.includes(`\`\`\`ts\n${read(example).trimEnd()}\n\`\`\``), `${example} is listed as it is`);
    }
  });
});
