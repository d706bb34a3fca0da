/** Plain HTTP GETs on a server's port (`/healthz`, `/metrics`) and reading Prometheus text. */
import { get } from 'node:http';
import { within } from './wait-for.js';

/** What one GET answered. */
export interface HttpAnswer {
  status: number;
  type: string;
  body: string;
}

/** One GET on a fresh connection (no keep-alive pool outlives the test), within `timeoutMs`. */
export function httpGet(port: number, path: string, timeoutMs?: number): Promise<HttpAnswer> {
  return within(
    new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
      }).on('error', reject);
    }),
    timeoutMs,
    `GET ${path}`,
  );
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
