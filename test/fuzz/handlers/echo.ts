import Echo from '../../fixtures/handlers/valid/echo.js';
import type { Connection } from 'dropsocket';
import { recordCall } from './_journal.js';

/** The fixture echo handler, journaled. */
export default class FuzzEcho extends Echo {
  override server(data: unknown, connection?: Connection): unknown {
    recordCall('echo', data, connection!);
    return super.server(data);
  }
}
