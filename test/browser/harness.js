// Runs inside Chromium: the browser test drives dropsocket's built browser module through
// these functions (page.evaluate). Plain JS: it is served as is, next to the built module.
import { SocketClient } from '/dropsocket.js';

const state = { client: undefined, pushes: [], reconnected: 0, closeCodes: [], news: [], outcomes: [] };

/** The page's WebSocket, recording every close code it sees. */
class RecordingWebSocket extends WebSocket {
  constructor(url) {
    super(url);
    this.addEventListener('close', (event) => state.closeCodes.push(event.code));
  }
}

globalThis.harness = {
  state,

  /** Connects and authenticates; resolves with the auth handler's answer. */
  async connect({ address, key, encryption }) {
    state.client = new SocketClient({
      address, authKey: key, encryption, authData: { name: 'page' }, singleton: false,
      reconnectBaseDelay: 50, reconnectMaxDelay: 300, logLevel: 'warn', WebSocket: RecordingWebSocket,
      handlers: { 'chat.message': (message) => state.pushes.push(message) },
    });
    state.client.onReconnected = () => (state.reconnected += 1);
    await state.client.init();
    return state.client.authResponse;
  },

  /**
   * Connects a client that keeps every `news` push and what each reconnect says about its
   * session (recovery); resolves with the server's view of the session (the `session` handler).
   */
  async connectResumable({ address, key, encryption }) {
    state.client = new SocketClient({
      address, authKey: key, encryption, authData: { user: 'page' }, singleton: false,
      reconnectBaseDelay: 50, reconnectMaxDelay: 200, logLevel: 'warn', WebSocket: RecordingWebSocket,
      handlers: { news: (payload) => state.news.push(payload) },
    });
    state.client.onReconnected = (outcome) => state.outcomes.push(outcome);
    await state.client.init();
    return state.client.request('session', undefined, { timeout: 5000 });
  },

  /** Calls a handler; resolves with its answer or {code} of its error. */
  async request(name, data) {
    try {
      return await state.client.request(name, data, { timeout: 5000 });
    } catch (error) {
      return { code: error.code };
    }
  },

  /** A second client with a wrong key: resolves with the error code and the close codes seen. */
  async tryKey({ address, key, encryption }) {
    state.closeCodes.length = 0;
    const client = new SocketClient({ address, authKey: key, encryption, singleton: false, maxReconnectAttempts: 0, logLevel: 'silent', WebSocket: RecordingWebSocket });
    try {
      await client.init();
      return { code: 'connected', closeCodes: [...state.closeCodes] };
    } catch (error) {
      return { code: error.code, closeCodes: [...state.closeCodes] };
    }
  },

  async close() {
    await state.client?.close();
  },

  /** The published Noise vector through the built WebCrypto handshake. */
  async vector(vector) {
    const { compareWithVector } = await import('/vector.js');
    return compareWithVector(vector);
  },
};
