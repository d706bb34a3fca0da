/**
 * `dropsocket/testing`: run your handlers in-process against a real client, in any test
 * runner. See docs/testing.md.
 */
export { TEST_PAIR_DEFAULTS, TIMERS_TO_FAKE, createTestPair } from './test-pair.js';
export type { NextPushPayload, TestPair, TestPairOptions } from './test-pair.js';
export type { NextPushOptions } from './push-recorder.js';
