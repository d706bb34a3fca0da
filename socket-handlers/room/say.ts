import { Handler, SocketError, type Connection } from 'dropsocket';
import { roomName } from './_room-name.js';

/**
 * `room.say {room, text}` on the server: sends `text` to the room's other members.
 * `client()` runs on clients that receive it (a push named `room.say`).
 */
export default class RoomSay extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const room = roomName(data);
    if (!connection.rooms.has(room)) throw new SocketError('NOT_IN_ROOM', `Join "${room}" first`);
    const text = String((data as { text?: unknown }).text ?? '').slice(0, 2000);
    const delivered = this.socketServer.broadcast('room.say', { room, from: connection.meta.name, text }, { room, except: connection.id });
    return { delivered };
  }

  override client(message: unknown): void {
    const { room, from, text } = message as { room: string; from: string; text: string };
    console.log(`[${room}] ${from}: ${text}`);
  }
}
