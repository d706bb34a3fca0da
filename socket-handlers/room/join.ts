import { Handler, type Connection } from 'dropsocket';
import { roomName } from './_room-name.js';

/** `room.join {room}`: joins a room, tells its other members, and answers how many are in it. */
export default class RoomJoin extends Handler {
  override async server(data: unknown, connection: Connection): Promise<unknown> {
    const room = roomName(data);
    connection.join(room);
    this.socketServer.broadcast('room.joined', { room, name: connection.meta.name }, { room, except: connection.id });
    return { room, members: await this.socketServer.connectionCount({ room }) };
  }
}

