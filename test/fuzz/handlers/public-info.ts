import PublicInfo from '../../fixtures/handlers/valid/public-info.js';
import type { Connection } from 'dropsocket';
import { recordCall } from './_journal.js';

/** The fixture skipAuth handler, journaled: the one name a fuzz socket may call before auth. */
export default class FuzzPublicInfo extends PublicInfo {
  // Parameters are optional only to fit the base signature; the server always passes both.
  override server(data?: unknown, connection?: Connection): unknown {
    recordCall('publicInfo', data, connection!);
    return super.server();
  }
}
