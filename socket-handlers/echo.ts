import { Handler } from 'dropsocket';

/** Answers with what it was sent: `dropsocket call echo '{"a":1}'` prints `{"a":1}`. */
export default class Echo extends Handler {
  override server(data: unknown): unknown {
    return data ?? null;
  }
}
