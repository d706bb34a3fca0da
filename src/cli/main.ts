/**
 * `dropsocket` as a function: `runCli(argv, io)` resolves with the exit code, so tests run
 * it in-process and the bin is a shim.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { SocketClient } from '../client/socket-client.js';
import { loadConfig } from '../config/load-config.js';
import { generateAuthKey } from '../crypto/psk.js';
import { SocketError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { ClusterWorkerMetrics } from '../metrics/cluster-worker-metrics.js';
import { ClusterBroker } from '../scale/cluster-broker.js';
import { WORKER_ENV, type WorkerMessage } from '../scale/cluster-protocol.js';
import { SocketServer } from '../server/socket-server.js';
import { COMMAND_USAGE, USAGE, UsageError, parseCommand, type Command } from './args.js';
import { describeInit, initProject } from './init.js';
import { renderSpec, writeApiTypes } from './tool-commands.js';
import { packageVersion } from './version.js';
import { runSupervisor } from './supervisor.js';

/** What the CLI reads and writes. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` then shuts down. */
  stopSignal(): Promise<string>;
}

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** Runs one command line. Never throws: failures become a message on stderr and an exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    io.stderr.write(`${(error as UsageError).message}\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  try {
    switch (command.name) {
      case 'help':
        io.stdout.write(`${command.command === undefined ? USAGE : COMMAND_USAGE[command.command]}\n`);
        return EXIT.OK;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return EXIT.OK;
      case 'init':
        io.stdout.write(describeInit(await initProject(command.dir), process.cwd()));
        return EXIT.OK;
      case 'keygen':
        io.stdout.write(`${generateAuthKey()}\n`);
        return EXIT.OK;
      case 'types':
        io.stdout.write(`${await writeApiTypes(command)}\n`);
        return EXIT.OK;
      case 'spec':
        io.stdout.write(`${await renderSpec(command)}\n`);
        return EXIT.OK;
      case 'serve':
        return await serve(command, io);
      case 'call':
        return await call(command, io);
    }
  } catch (error) {
    io.stderr.write(`${describe(error)}\n`);
    return EXIT.FAILED;
  }
}

async function serve(command: Extract<Command, { name: 'serve' }>, io: CliIo): Promise<number> {
  const { name: _name, workers: _workers, ...flags } = command;
  if (cluster.isWorker && process.env[WORKER_ENV] === '1') return serveAsWorker(flags, io);
  const config = loadConfig({ ...flags, workers: command.workers });
  const workers = config.workers === 'auto' ? availableParallelism() : config.workers;
  if (workers > 1) {
    const listeningLine = (port: number): string => `listening on ${listeningUrl(schemeOf(config), config.host, port)}`;
    const historyLength = config.recoveryWindow > 0 ? config.recoveryMaxBufferedTotal : 0;
    return runSupervisor({ workers, listeningLine, shutdownTimeout: config.shutdownTimeout, historyLength, logger: createLogger(config.logLevel, 'dropsocket-primary'), io });
  }
  const server = new SocketServer(flags);
  try {
    await server.init();
  } catch (error) {
    await server.reset();
    throw error;
  }
  // Listen for the stop signal before announcing readiness: a supervisor that signals as
  // soon as it reads the line must get a graceful shutdown, not the default signal death.
  const stopped = io.stopSignal();
  const release = guardProcess(createLogger(server.config.logLevel));
  try {
    io.stdout.write(`listening on ${listeningUrl(schemeOf(server.config), server.config.host, server.port)}\n`);
    const signal = await stopped;
    io.stderr.write(`${signal}: shutting down\n`);
    await server.reset();
  } finally {
    release();
  }
  return EXIT.OK;
}

type ServeFlags = Omit<Extract<Command, { name: 'serve' }>, 'name' | 'workers'>;

/**
 * One worker of `serve --workers N`: serves like one process, relays through the primary
 * (unless an adapter such as Redis carries cross-node traffic), tells the primary it
 * listens instead of printing the line, and drains on a signal or when the primary is gone.
 */
async function serveAsWorker(flags: ServeFlags, io: CliIo): Promise<number> {
  const probe = loadConfig(flags);
  // /metrics on any worker answers for the whole node, through the primary.
  const metrics = probe.metrics ? new ClusterWorkerMetrics() : undefined;
  const server = new SocketServer({
    ...flags,
    ...(probe.adapter === 'local' && { broker: new ClusterBroker() }),
    ...(metrics !== undefined && { serveMetrics: (own) => metrics.endpoint(own) }),
  });
  try {
    await server.init();
  } catch (error) {
    await server.reset();
    metrics?.close();
    throw error;
  }
  const stopped = Promise.race([io.stopSignal(), new Promise<string>((resolve) => process.once('disconnect', () => resolve('primary gone')))]);
  const release = guardProcess(createLogger(server.config.logLevel));
  try {
    process.send?.({ ds: 'listening', port: server.port } satisfies WorkerMessage);
    await stopped;
    await server.reset();
  } finally {
    release();
    metrics?.close();
  }
  return EXIT.OK;
}

/**
 * A server must outlive a handler's stray async failure (a throw in a timer, a promise
 * nobody awaited): those are logged and serving goes on. Requests themselves never get
 * here; dispatch catches every handler error and answers it.
 */
function guardProcess(logger: Logger): () => void {
  const onUncaught = (error: unknown): void => logger.error('uncaught exception outside any request; still serving', { err: error });
  const onUnhandled = (reason: unknown): void => logger.error('unhandled rejection outside any request; still serving', { err: reason });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  return () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
  };
}

async function call(command: Extract<Command, { name: 'call' }>, io: CliIo): Promise<number> {
  // A one-shot call needs no client() hooks and must not wait out reconnects.
  const client = new SocketClient({ loadHandlers: false, maxReconnectAttempts: 0, ...addressOf(command) });
  try {
    await client.init();
    const response = await client.request(command.request, command.data);
    io.stdout.write(`${JSON.stringify(response) ?? 'null'}\n`);
    return EXIT.OK;
  } finally {
    await client.reset();
  }
}

/**
 * Flags win over the environment: `--port` replaces the port of the address the settings
 * give (SOCKET_ADDRESS, or the default), which on its own would ignore the port.
 */
function addressOf(command: Extract<Command, { name: 'call' }>): { address?: string } {
  if (command.address !== undefined) return { address: command.address };
  if (command.port === undefined) return {};
  const url = new URL(loadConfig({ port: command.port }).address);
  url.port = String(command.port);
  return { address: url.href };
}

/** `wss` when the server has a TLS certificate, else `ws`. */
function schemeOf(config: { tlsCert: string | null }): 'ws' | 'wss' {
  return config.tlsCert === null ? 'ws' : 'wss';
}

/** `ws://HOST:PORT`, with an IPv6 host in brackets as URLs require. */
export function listeningUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function describe(error: unknown): string {
  if (error instanceof SocketError) return `error ${error.code}: ${error.message}`;
  return `error: ${(error as Error)?.message ?? String(error)}`;
}
