import Crash from '../../fixtures/handlers/valid/crash.js';
import type { Connection } from 'dropsocket';
import { recordCall } from './_journal.js';

/** The fixture handler that throws (its text must never reach the peer), journaled. */
export default class FuzzCrash extends Crash {
  override server(data: unknown, connection?: Connection): Promise<unknown> {
    recordCall('crash', data, connection!);
    return super.server(data);
  }
}
