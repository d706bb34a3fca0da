/**
 * The plain-HTTP routes on the server's port: `GET /healthz` for load balancers and, with
 * metrics on, `GET /metrics` for Prometheus. Anything else is the endpoint's 426.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsEndpoint } from '../metrics/server-metrics.js';

/** What the routes need from the server. */
export interface HttpRoutesOptions {
  /** True once close() has begun: health answers 503 so a load balancer stops sending traffic. */
  isDraining(): boolean;
  metrics: MetricsEndpoint | undefined;
}

/** Answers `request` when it is one of the routes; false when it is not. */
export function answerHttpRoute(request: IncomingMessage, response: ServerResponse, options: HttpRoutesOptions): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = (request.url ?? '/').split('?', 1)[0];
  if (path === '/healthz') {
    const draining = options.isDraining();
    response.writeHead(draining ? 503 : 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(draining ? 'draining\n' : 'ok\n');
    return true;
  }
  if (path === '/metrics' && options.metrics !== undefined) {
    const { metrics } = options;
    metrics.render().then(
      (body) => response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body),
      // 503, not a partial answer: a scrape that fails is `up == 0` in Prometheus, while
      // one worker's numbers served as the node's would read as a counter reset.
      () => response.writeHead(503, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('metrics unavailable\n'),
    );
    return true;
  }
  return false;
}
