/** The process around runCli: real streams, real signals, real exit code. */
import { runCli } from './main.js';

const stopSignal = (): Promise<string> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

process.exit(await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stopSignal }));
