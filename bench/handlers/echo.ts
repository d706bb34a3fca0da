import { Handler } from 'dropsocket';

/** Answers with the request's data, the round trip every server in the benchmark does. */
export default class Echo extends Handler {
  override server(data: unknown): unknown {
    return data ?? null;
  }
}
