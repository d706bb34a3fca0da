/**
 * The AsyncAPI 3.0 document `dropsocket spec` prints. Pure: a description of each handler
 * in, a plain JSON object out. The document describes the server: it receives each request
 * (and replies) and sends each push. Every message is the whole envelope as it travels
 * (`{request, id?, data}` and so on; docs/protocol.md), so a reader sees the real wire shape.
 */

/** What the document needs to know about one handler. */
export interface SpecHandler {
  name: string;
  /** The file defines `server()`: a request. */
  hasServer: boolean;
  /** The file defines `client()`: a push (or server-to-client call). */
  hasClient: boolean;
  skipAuth: boolean;
  /** JSON Schema of the request data, when the handler's schema converts to one. */
  inputSchema?: Record<string, unknown> | undefined;
}

/** Title, version and where the server listens. */
export interface SpecInfo {
  title: string;
  version: string;
  /** `ws` or `wss`. */
  protocol: string;
  /** `host:port`. */
  host: string;
}

type Json = Record<string, unknown>;

/** The AsyncAPI version of the document. */
export const ASYNCAPI_VERSION = '3.0.0';

const ANY: Json = { description: 'Any JSON value (the handler declares no schema that converts to JSON Schema).' };

/** Builds the document, handlers in name order. */
export function buildAsyncApiDocument(handlers: readonly SpecHandler[], info: SpecInfo): Json {
  const channels: Json = {};
  const operations: Json = {};
  for (const handler of [...handlers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const id = channelId(handler.name);
    const messages: Json = {};
    if (handler.hasServer) Object.assign(messages, requestMessages(handler));
    if (handler.hasClient) Object.assign(messages, pushMessages(handler.name));
    if (Object.keys(messages).length === 0) continue;
    channels[id] = { address: null, title: handler.name, description: `Messages whose \`request\` is "${handler.name}".`, messages };
    if (handler.hasServer) operations[`${id}-request`] = requestOperation(id, handler);
    if (handler.hasClient) operations[`${id}-push`] = pushOperation(id, handler.name);
  }
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: info.title,
      version: info.version,
      description: 'dropsocket handlers: one channel per request name over a single WebSocket. With encryption on, every frame is sealed by the Noise channel (docs/protocol.md); the messages below are what travels inside it.',
    },
    defaultContentType: 'application/json',
    servers: { default: { host: info.host, protocol: info.protocol, description: 'The dropsocket server.' } },
    channels,
    operations,
    components: { schemas: { WireError: WIRE_ERROR } },
  };
}

/** Channel and operation keys allow `[A-Za-z0-9_-]`; handler names never contain `_`. */
function channelId(name: string): string {
  return name.replace(/\./g, '_').replace(/[^A-Za-z0-9_-]/g, '-');
}

function requestMessages({ name, inputSchema }: SpecHandler): Json {
  return {
    request: {
      name: `${name} request`,
      summary: `Calls the server handler "${name}"; with an \`id\` it expects a reply.`,
      payload: envelope(name, { id: ID, data: inputSchema ?? ANY }),
    },
    reply: {
      name: `${name} reply`,
      summary: `The answer to a "${name}" call: \`response\`, or \`error\`.`,
      payload: envelope(name, { id: ID, response: ANY, error: { $ref: '#/components/schemas/WireError' } }),
    },
  };
}

function pushMessages(name: string): Json {
  return {
    push: {
      name: `${name} push`,
      summary: `A push to the client hook "${name}" (with an \`id\`, a server call the client answers).`,
      payload: envelope(name, { id: ID, response: ANY, data: ANY }),
    },
  };
}

function requestOperation(id: string, { name, skipAuth }: SpecHandler): Json {
  const channel = { $ref: `#/channels/${id}` };
  return {
    action: 'receive',
    channel,
    summary: `Request "${name}"${skipAuth ? ' (allowed before auth)' : ''}.`,
    messages: [{ $ref: `#/channels/${id}/messages/request` }],
    reply: { channel, messages: [{ $ref: `#/channels/${id}/messages/reply` }] },
  };
}

function pushOperation(id: string, name: string): Json {
  return { action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Push "${name}" to the client.`, messages: [{ $ref: `#/channels/${id}/messages/push` }] };
}

const ID: Json = { type: 'integer', minimum: 1, description: 'Correlates a call with its reply.' };

const WIRE_ERROR: Json = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', description: 'Stable error code (docs/errors.md) or the handler\'s own.' }, message: { type: 'string' } },
};

function envelope(name: string, fields: Json): Json {
  return { type: 'object', required: ['request'], properties: { request: { const: name }, ...fields } };
}
