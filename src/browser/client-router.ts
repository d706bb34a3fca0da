/**
 * Where each envelope from the server goes in the browser client: answers to pending
 * calls, heartbeat answers, errors for fire-and-forget messages, server calls (answered
 * with the handler's result) and pushes. Handlers are plain functions registered in code.
 */
import { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import { HEARTBEAT_REQUEST } from '../protocol/constants.js';
import { isAnswer, quoteName, type Envelope } from '../protocol/envelope.js';
import { isPromiseLike, toWireError } from '../rpc/invoke-handler.js';
import type { PendingRequests } from '../rpc/pending-requests.js';

/** A push or server-call handler: receives the push's `response` (or the call's `data`); its return value answers a call. */
export type ClientHandler = (payload: unknown) => unknown;

/** What routing one envelope needs. */
export interface RouteContext {
  session: { send(envelope: Envelope): boolean; heartbeatAnswered(): void };
  pending: PendingRequests;
  handlers: ReadonlyMap<string, ClientHandler>;
  logger: Logger;
  serverError(request: string, error: SocketError): void;
  /** A push arrived (called before its handler runs). */
  push(request: string, payload: unknown): void;
}

/** Routes one envelope from the server. Never throws: a handler's failure is logged or answered. */
export function routeEnvelope(envelope: Envelope, context: RouteContext): void {
  const { request } = envelope;
  if (isAnswer(envelope)) {
    context.pending.settle(envelope);
  } else if (request === HEARTBEAT_REQUEST) {
    context.session.heartbeatAnswered();
  } else if (envelope.error !== undefined) {
    context.logger.warn('server answered with an error', { request, code: envelope.error.code });
    context.serverError(request, new SocketError(envelope.error.code, envelope.error.message));
  } else if (envelope.id !== undefined) {
    void answerServerCall(envelope, context);
  } else {
    context.push(request, envelope.response);
    runPush(envelope, context);
  }
}

async function answerServerCall(envelope: Envelope, context: RouteContext): Promise<void> {
  const { request, id } = envelope;
  let answer: Envelope;
  try {
    const handler = context.handlers.get(request);
    // As the Node client: the server's caller must see that the page lacks the handler.
    if (handler === undefined) throw new SocketError('NO_CLIENT_HANDLER', `The client has no handler for ${quoteName(request)}`);
    answer = { request, id, response: (await handler(envelope.data)) ?? null };
  } catch (error) {
    answer = { request, id, error: toWireError(error, request, context.logger) };
  }
  try {
    context.session.send(answer);
  } catch (error) {
    // The result could not be encoded (a BigInt, a cycle): the server still gets an answer.
    context.session.send({ request, id, error: toWireError(error, request, context.logger) });
  }
}

function runPush(envelope: Envelope, context: RouteContext): void {
  const { request } = envelope;
  const handler = context.handlers.get(request);
  if (handler === undefined) {
    context.logger.debug('no handler for push', { request });
    return;
  }
  const failed = (error: unknown): void => context.logger.error('push handler threw', { request, err: error });
  try {
    const result = handler(envelope.response);
    if (isPromiseLike(result)) result.then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}
