/**
 * What the server does with each envelope: answers, heartbeats, the auth gate, handler
 * calls with their limits, and the reply. Each call runs as its own task, so a handler
 * that never settles holds up nothing but its own caller.
 */
import type { KeyName } from '../channel/frame-channel.js';
import type { Config } from '../config/resolve-config.js';
import { secretsEqual } from '../crypto/secrets-equal.js';
import { SocketError } from '../errors.js';
import type { HandlerEntry, HandlerRegistry } from '../handlers/registry.js';
import type { Logger } from '../logger.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { AUTH_REQUEST, CLOSE_CODES, HEARTBEAT_REQUEST, RESUME_FIELD } from '../protocol/constants.js';
import { encodeEnvelope, exceedsPayload, isAnswer, quoteName, type Envelope } from '../protocol/envelope.js';
import { parseResumeRequest } from '../recovery/resume-token.js';
import { invokeHandler, isPromiseLike, toWireError } from '../rpc/invoke-handler.js';
import type { Connection } from './connection.js';
import type { Admission, SessionRecovery } from './session-recovery.js';

/** What the dispatcher needs from the server. */
export interface DispatchContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: HandlerRegistry;
  readonly inFlight: InFlightCounter;
  isShuttingDown(): boolean;
  /** Undefined with metrics off. */
  readonly metrics?: ServerMetrics | undefined;
  /** Called once the auth handler accepted `connection`, before the answer is sent. */
  accept(connection: Connection): void;
  /** Called after the auth answer is sent. */
  accepted(connection: Connection): void;
  /** Recovery, when on: the session a connection gets at auth, and heartbeat positions. */
  readonly recovery?: SessionRecovery | undefined;
}

/** Routes envelopes from connections to handlers. */
export class Dispatcher {
  readonly #authenticating = new WeakSet<Connection>();
  readonly #auth: HandlerEntry;

  constructor(private readonly context: DispatchContext) {
    const auth = context.registry.get(AUTH_REQUEST);
    if (auth?.run === undefined) throw new SocketError('MISSING_AUTH_HANDLER');
    this.#auth = auth;
  }

  /** Handles one envelope from `connection`. Never throws; never returns a promise to await. */
  dispatch(connection: Connection, envelope: Envelope): void {
    const { request } = envelope;
    if (isAnswer(envelope)) return connection.settleAnswer(envelope);
    if (request === HEARTBEAT_REQUEST) {
      const seq = this.context.recovery?.acknowledge(connection, envelope.seq);
      connection.transmit({ request, ...idOf(envelope), response: true, ...(seq !== undefined && { seq }) });
      return;
    }
    if (request === AUTH_REQUEST) return void this.#authenticate(connection, envelope);
    const entry = this.context.registry.get(request);
    // Unknown names are refused like protected ones before auth: they reveal nothing.
    if (!connection.authenticated && entry?.skipAuth !== true) return connection.fail(new SocketError('AUTH_REQUIRED'));
    if (entry?.run === undefined) {
      if (envelope.id === undefined) this.context.logger.debug('unknown request', { connection: connection.id });
      else this.#answerError(connection, envelope, new SocketError('UNKNOWN_REQUEST', `No handler for request ${quoteName(request)}`));
      return;
    }
    if (this.context.isShuttingDown()) return this.#answerError(connection, envelope, new SocketError('SHUTTING_DOWN'));
    if (connection.running >= this.context.config.maxInFlight) {
      return this.#answerError(connection, envelope, new SocketError('TOO_MANY_REQUESTS'));
    }
    void this.#call(connection, envelope, entry);
  }

  /**
   * Runs one call. A handler that returns a plain value is answered in the same tick,
   * without a promise: most handlers are synchronous, and the promise machinery would
   * otherwise be a measurable share of a round trip.
   */
  #call(connection: Connection, envelope: Envelope, entry: HandlerEntry): void {
    connection.beginCall(envelope);
    this.context.inFlight.begin();
    const started = this.context.metrics === undefined ? 0 : performance.now();
    let result: unknown;
    try {
      result = entry.schema === undefined ? entry.run!(envelope.data, connection) : invokeHandler(entry, envelope.data, connection);
    } catch (error) {
      return this.#settle(connection, envelope, { failed: true, error }, started);
    }
    if (!isPromiseLike(result)) return this.#settle(connection, envelope, { failed: false, value: result }, started);
    result.then(
      (value) => this.#settle(connection, envelope, { failed: false, value }, started),
      (error: unknown) => this.#settle(connection, envelope, { failed: true, error }, started),
    );
  }

  /** Answers a finished call (once: a call shutdown already answered gets no second answer). */
  #settle(connection: Connection, envelope: Envelope, outcome: Outcome, started: number): void {
    const { request, id } = envelope;
    const owed = connection.endCall(envelope);
    this.context.inFlight.end();
    const { metrics } = this.context;
    if (metrics !== undefined) metrics.handlerFinished(request, (performance.now() - started) / 1000);
    if (id !== undefined && !owed) return;
    if (outcome.failed) {
      const error = toWireError(outcome.error, request, this.context.logger);
      metrics?.errorAnswered(error.code);
      this.#reply(connection, { request, ...idOf(envelope), error });
    } else if (id !== undefined) {
      this.#reply(connection, { request, id, response: outcome.value ?? null });
    } else if (outcome.value !== undefined && outcome.value !== null) {
      this.#reply(connection, { request, response: outcome.value });
    }
  }

  async #authenticate(connection: Connection, envelope: Envelope): Promise<void> {
    if (connection.authenticated) return this.#answerError(connection, envelope, new SocketError('ALREADY_AUTHENTICATED'));
    // Not ALREADY_AUTHENTICATED: the running auth may yet fail (and close with 4001).
    if (this.#authenticating.has(connection)) return this.#answerError(connection, envelope, new SocketError('AUTH_IN_PROGRESS'));
    this.#authenticating.add(connection);
    if (!this.context.config.encryption) connection.setPlaintextKeyName(this.#plaintextKeyName(envelope.data));
    const { data, resume } = splitResume(envelope.data);
    let result: unknown;
    let failure: unknown;
    let admission: Admission | undefined;
    try {
      result = await invokeHandler(this.#auth, data, connection);
      // The auth handler runs first, on every resume too, and may refuse it.
      if (result && connection.isOpen) admission = await this.context.recovery?.admit(connection, resume);
    } catch (error) {
      failure = error;
    } finally {
      this.#authenticating.delete(connection);
    }
    if (!connection.isOpen) return admission?.abandon();
    if (failure !== undefined || !result) return this.#refuse(connection, envelope, failure);
    // From here to the last replayed push, synchronously: no new push can come in between.
    const session = admission?.commit();
    connection.markAuthenticated();
    this.context.accept(connection);
    this.#reply(connection, { request: AUTH_REQUEST, ...idOf(envelope), response: result, ...(session && { recovery: session.info }) });
    for (const text of session?.replay ?? []) connection.pushText(text);
    this.context.accepted(connection);
  }

  /** Without a handshake, the key a client holds is the `authKey` it sends (compared in constant time). */
  #plaintextKeyName(data: unknown): KeyName {
    const { browserKey } = this.context.config;
    const authKey = (data as { authKey?: unknown } | null | undefined)?.authKey;
    return browserKey !== null && typeof authKey === 'string' && secretsEqual(authKey, browserKey) ? 'browser' : 'service';
  }

  #refuse(connection: Connection, envelope: Envelope, failure: unknown): void {
    const error = failure instanceof SocketError ? failure : new SocketError('AUTH_FAILED');
    this.context.metrics?.authFailed();
    if (failure !== undefined && !(failure instanceof SocketError)) {
      this.context.logger.error('auth handler threw', { connection: connection.id, err: failure });
    }
    this.#answerError(connection, envelope, error);
    this.context.logger.info('authentication refused', { connection: connection.id, ip: connection.ip, code: error.code });
    connection.close(CLOSE_CODES.AUTH_FAILED, error.code);
  }

  #answerError(connection: Connection, envelope: Envelope, error: SocketError): void {
    this.context.metrics?.errorAnswered(error.code);
    connection.transmit({ request: envelope.request, ...idOf(envelope), error: { code: error.code, message: error.message } });
  }

  /** Encodes and sends an answer; an answer that cannot be sent is replaced by an error. */
  #reply(connection: Connection, answer: Envelope): void {
    let text: string;
    try {
      text = encodeEnvelope(answer);
      if (exceedsPayload(text, this.context.config.maxPayload)) {
        throw new SocketError('PAYLOAD_TOO_LARGE', 'The response exceeds the maximum payload');
      }
    } catch (error) {
      this.context.logger.error('response not sendable', { connection: connection.id, request: answer.request, code: (error as SocketError).code });
      const { code, message } = error as SocketError;
      this.context.metrics?.errorAnswered(code);
      text = encodeEnvelope({ request: answer.request, ...idOf(answer), error: { code, message } });
    }
    connection.transmitText(text);
  }
}

/** How a handler call ended. */
type Outcome = { failed: false; value: unknown } | { failed: true; error: unknown };

/**
 * Takes `resume` out of the auth data: the token is the protocol's, not the auth
 * handler's (a handler that logs its input must not log it). `null`: present, not a token.
 */
function splitResume(data: unknown): { data: unknown; resume: ReturnType<typeof parseResumeRequest> | null } {
  if (data === null || typeof data !== 'object' || !Object.hasOwn(data, RESUME_FIELD)) return { data, resume: undefined };
  const { [RESUME_FIELD]: resume, ...rest } = data as Record<string, unknown>;
  return { data: rest, resume: parseResumeRequest(resume) ?? null };
}

function idOf(envelope: Envelope): { id?: number } {
  return envelope.id === undefined ? {} : { id: envelope.id };
}

/** Counts calls running across all connections, so shutdown can wait for them. */
export class InFlightCounter {
  #count = 0;
  #idle: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  begin(): void {
    this.#count += 1;
  }

  end(): void {
    this.#count -= 1;
    if (this.#count === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves when no call is running, or after `timeoutMs`; true when idle was reached. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      this.#idle.push(done);
    });
  }
}
