import { Handler, SocketError, type Connection } from 'dropsocket';

/** `chat.say {text}`: pushes `chat.message {from, text, at}` to everyone connected. */
export default class ChatSay extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const text = String((data as { text?: unknown } | null)?.text ?? '').trim().slice(0, 500);
    if (text === '') throw new SocketError('EMPTY_MESSAGE', 'Say something');
    const delivered = this.socketServer.broadcast('chat.message', { from: connection.meta.name, text, at: Date.now() });
    return { delivered };
  }
}
