import { Handler, type Connection } from 'dropsocket';
import { roomName } from './_room-name.js';

/** `room.leave {room}`: leaves a room. */
export default class RoomLeave extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const room = roomName(data);
    connection.leave(room);
    return { room };
  }
}
