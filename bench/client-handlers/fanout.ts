import { Handler } from 'dropsocket';
import { deliverPush } from '../load/push-sink.js';

/** Client side of the fan-out scenario: each broadcast push is handed to the load generator. */
export default class Fanout extends Handler {
  override client(payload: unknown): void {
    deliverPush(this.socketClient, payload);
  }
}
