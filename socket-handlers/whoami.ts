import { Handler, type Connection } from 'dropsocket';

/** What the server knows of the caller: its connection id, name and rooms. */
export default class Whoami extends Handler {
  override server(_data: unknown, connection: Connection): unknown {
    return { id: connection.id, name: connection.meta.name, rooms: [...connection.rooms] };
  }
}
