// Files starting with "_" are not handlers: shared helpers live beside handlers this way.
import { SocketError } from 'dropsocket';
/** The `room` field of a room request, checked. */
export function roomName(data: unknown): string {
  const room = (data as { room?: unknown } | null)?.room;
  if (typeof room !== 'string' || room.length === 0 || room.length > 64) {
    throw new SocketError('VALIDATION_ERROR', 'room must be a string of 1 to 64 characters');
  }
  return room;
}
