import Add from '../../fixtures/handlers/valid/add.js';
import type { Connection } from 'dropsocket';
import { recordCall } from './_journal.js';

/** The fixture add handler (a schema, and a side effect: it counts calls), journaled. */
export default class FuzzAdd extends Add {
  override server(data: unknown, connection?: Connection): unknown {
    recordCall('add', data, connection!);
    return super.server(data);
  }
}
