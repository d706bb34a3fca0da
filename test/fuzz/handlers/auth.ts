import Auth from '../../fixtures/handlers/valid/auth.js';
import type { Connection } from 'dropsocket';
import { recordCall } from './_journal.js';

/** The fixture auth handler, journaled. */
export default class FuzzAuth extends Auth {
  override server(data: unknown, connection: Connection): unknown {
    recordCall('auth', data, connection);
    return super.server(data, connection);
  }
}
