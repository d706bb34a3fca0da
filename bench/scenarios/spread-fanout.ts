/**
 * Fan-out across nodes: N `serve` processes (one on the local adapter, or several on one
 * redis-server), a crowd of listening connections split evenly over them, and a broadcast
 * that one client on the first node triggers. The figure is the time until the last of the
 * crowd has it, whichever node it is on: the generator holds the peers of every node, so one
 * clock times them all.
 *
 * Placement on 2 cores: every node and redis-server share the server CPU, the generator has
 * the other, as in the one-node crowd. The servers' side then has one core in both rows, so
 * the rows compare the work a broadcast costs, not how many cores it got.
 */
import { GeneratorHandle } from '../load/generator-handle.js';
import { startRedis, type RunningRedis } from '../servers/redis.js';
import { startServer, type RunningServer } from '../servers/start-server.js';
import { fanOut, type FanoutFigures } from './crowd.js';
import { GENERATOR_CPU, SERVER_CPU } from './session.js';

/** One spread fan-out run. */
export interface SpreadShape {
  /** 1: one node, local adapter; more: that many nodes on one redis-server. */
  nodes: number;
  /** Listening connections in all, split evenly over the nodes. */
  connections: number;
  concurrency: number;
  /** Measured broadcasts, after one warm-up broadcast. */
  broadcasts: number;
}

/** Figures of one run: the fan-out's, and how the crowd was split. */
export type SpreadFigures = FanoutFigures & { nodes: number; connectionsPerNode: number };

/** Starts the nodes (and redis-server for more than one), runs the fan-out, stops everything. */
export async function runSpreadFanout(shape: SpreadShape, authKey: string, encryption: boolean): Promise<SpreadFigures> {
  const redis: RunningRedis | undefined = shape.nodes > 1 ? await startRedis(SERVER_CPU) : undefined;
  const servers: RunningServer[] = [];
  let generator: GeneratorHandle | undefined;
  try {
    const settings = redis === undefined ? undefined : { SOCKET_ADAPTER: redis.url };
    for (let node = 0; node < shape.nodes; node++) servers.push(await startServer(encryption ? 'dropsocket-enc' : 'dropsocket', { authKey, cpu: SERVER_CPU, settings }));
    generator = await GeneratorHandle.start(
      servers.map((server) => server.target),
      GENERATOR_CPU,
    );
    const serverPids = servers.map((server) => server.pid);
    const perNode = Math.floor(shape.connections / shape.nodes);
    for (let node = 0; node < shape.nodes; node++) {
      const result = await generator.send({ cmd: 'connect', count: perNode, concurrency: shape.concurrency, listen: true, serverPids, node });
      if (result.errors > 0) throw new Error(`node ${node}: ${result.errors} of ${perNode} connects failed`);
    }
    const figures = await fanOut(generator, { serverPids, ...(redis !== undefined && { brokerPid: redis.pid }) }, shape.broadcasts);
    return { ...figures, nodes: shape.nodes, connectionsPerNode: perNode };
  } finally {
    // The generator first: its sockets die with it, so the servers have nothing left to close.
    await generator?.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  }
}
