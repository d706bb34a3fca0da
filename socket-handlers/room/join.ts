import { Handler, type Connection } from 'dropsocket';
import { roomName } from './_room-name.js';

/** `room.join {room}`: joins a room and tells its other members. */
export default class RoomJoin extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const room = roomName(data);
    connection.join(room);
    this.socketServer.broadcast('room.joined', { room, name: connection.meta.name }, { room, except: connection.id });
    return { room, members: this.socketServer.clientMap.size };
  }
}

