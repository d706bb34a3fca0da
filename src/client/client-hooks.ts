/** What the client does with server pushes and server calls: run the `client()` hooks. */
import { SocketError } from '../errors.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { Logger } from '../logger.js';
import { quoteName, type Envelope } from '../protocol/envelope.js';
import { invokeHandler, isPromiseLike, toWireError } from '../rpc/invoke-handler.js';

/** Where an answer to a server call goes. */
export interface AnswerSink {
  send(envelope: Envelope): boolean;
}

/** A server-to-client call: runs the `client()` hook and answers with its result or error. */
export async function answerServerCall(registry: HandlerRegistry | undefined, session: AnswerSink, envelope: Envelope, logger: Logger): Promise<void> {
  const { request, id } = envelope;
  const entry = registry?.get(request);
  let answer: Envelope;
  try {
    // Not UNKNOWN_REQUEST: the server's caller must see that the client lacks the hook,
    // not mistake it for a missing server handler.
    if (entry?.run === undefined) throw new SocketError('NO_CLIENT_HANDLER', `The client has no client() handler for ${quoteName(request)}`);
    answer = { request, id, response: (await invokeHandler(entry, envelope.data)) ?? null };
  } catch (error) {
    answer = { request, id, error: toWireError(error, request, logger) };
  }
  try {
    session.send(answer);
  } catch (error) {
    // The hook's result could not be encoded (a BigInt, a cycle): the server still gets an answer.
    session.send({ request, id, error: toWireError(error, request, logger) });
  }
}

/** A push: runs the `client()` hook with the response; failures are logged, never thrown. */
export function runPushHook(registry: HandlerRegistry | undefined, envelope: Envelope, logger: Logger): void {
  const { request } = envelope;
  const entry = registry?.get(request);
  if (entry?.run === undefined) {
    logger.debug('no client handler for push', { request });
    return;
  }
  const failed = (error: unknown): void => logger.error('client handler threw', { request, err: error });
  try {
    // Called directly, not awaited: a push fans out to many clients, and most hooks are
    // synchronous; an async hook's rejection is still caught and logged.
    const result = entry.run(envelope.response);
    if (isPromiseLike(result)) result.then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}
