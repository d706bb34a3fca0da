import { Handler } from 'dropsocket';
import { NAMES } from '../lib/payload.js';

/** Pushes the request's data as `fanout` to every authenticated connection; answers how many. */
export default class Broadcast extends Handler {
  override server(data: unknown): unknown {
    return { sent: this.socketServer.broadcast(NAMES.fanout, data) };
  }
}
