/**
 * The load generator, a child process of the runner (pinned to CPU 1). It holds the peers
 * and obeys one IPC command at a time (see protocol.ts). It reads the servers' CPU time
 * itself, at the exact moments a measured window opens and closes. It may hold peers of
 * several targets (the nodes of a scale-out run): receipts are counted across all of them.
 *
 *   BENCH_TARGETS='[{"protocol":"raw-ws","url":"ws://127.0.0.1:8080",...}]' node --import tsx bench/load/generator.ts
 */
import { cpuMicros, processTrees, sumOver, syscalls, treeCpuMicros } from '../lib/proc-stat.js';
import type { Target } from '../servers/start-server.js';
import { ClosedLoop } from './closed-loop.js';
import { connectMany } from './connector.js';
import { FanoutHub } from './fan-out.js';
import { connectPeer, type Peer } from './peers/index.js';
import type { Command, ConnectResult, FanoutResult, LoopResult, Reply, Request } from './protocol.js';

const targets = JSON.parse(process.env.BENCH_TARGETS ?? '[]') as Target[];
if (targets.length === 0) throw new Error('BENCH_TARGETS is not set');

const peers: Peer[] = [];
const hub = new FanoutHub();
let trigger: Peer | undefined;
let loop: ClosedLoop | undefined;
let loopCpuStart = 0;
let loopRootCpuStart = 0;
let loopOwnCpuStart = 0;
let loopSyscallsStart = { reads: 0, writes: 0 };
let loopServerPids: readonly number[] = [];

/** This process's CPU time so far (user + system), in microseconds. */
function ownCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function connect(command: Extract<Command, { cmd: 'connect' }>): Promise<ConnectResult> {
  const target = targets[command.node ?? 0];
  if (target === undefined) throw new Error(`no target ${command.node}; there are ${targets.length}`);
  const cpu0 = treeCpuMicros(command.serverPids);
  const own0 = ownCpuMicros();
  const batch = await connectMany(() => connectPeer(target, command.listen ? hub.onPush : undefined), command.count, command.concurrency);
  const serverCpuUs = treeCpuMicros(command.serverPids) - cpu0;
  const generatorCpuUs = ownCpuMicros() - own0;
  peers.push(...batch.peers);
  if (batch.firstError !== undefined) process.stderr.write(`connect errors: ${batch.errors}, first: ${batch.firstError}\n`);
  return {
    connected: batch.peers.length,
    errors: batch.errors,
    elapsedMs: batch.elapsedMs,
    latency: batch.latency.toData(),
    serverCpuUs,
    generatorCpuUs,
    held: peers.length,
    generatorRssKib: Math.round(process.memoryUsage().rss / 1024),
  };
}

/** System calls of the server's processes (a cluster primary with its workers), summed. */
function treeSyscalls(processes: readonly number[]): { reads: number; writes: number } {
  return { reads: sumOver(processes, (pid) => syscalls(pid).reads), writes: sumOver(processes, (pid) => syscalls(pid).writes) };
}

async function stopLoop(): Promise<LoopResult> {
  if (loop === undefined) throw new Error('no loop is running');
  const running = loop;
  loop = undefined;
  const elapsedMs = await running.stop();
  // Read right after the window closed (stop() ends the window before it waits to drain).
  const processes = processTrees(loopServerPids);
  const serverCpuUs = sumOver(processes, cpuMicros) - loopCpuStart;
  const rootCpuUs = sumOver(loopServerPids, cpuMicros) - loopRootCpuStart;
  const generatorCpuUs = ownCpuMicros() - loopOwnCpuStart;
  const { reads, writes } = treeSyscalls(processes);
  return {
    count: running.count,
    errors: running.errors,
    elapsedMs,
    latency: running.latency.toData(),
    serverCpuUs,
    rootCpuUs,
    serverProcesses: processes.length,
    generatorCpuUs,
    serverReads: reads - loopSyscallsStart.reads,
    serverWrites: writes - loopSyscallsStart.writes,
  };
}

async function fanout(command: Extract<Command, { cmd: 'fanout' }>): Promise<FanoutResult> {
  // The trigger is a client of the first target (node A in a scale-out run).
  trigger ??= await connectPeer(targets[0]!);
  const brokerCpu = (): number => (command.brokerPid === undefined ? 0 : cpuMicros(command.brokerPid));
  const cpu0 = treeCpuMicros(command.serverPids);
  const broker0 = brokerCpu();
  const own0 = ownCpuMicros();
  const receipts = await hub.run(trigger, command.seq, peers.length, command.timeoutMs);
  const serverCpuUs = treeCpuMicros(command.serverPids) - cpu0;
  const brokerCpuUs = brokerCpu() - broker0;
  const generatorCpuUs = ownCpuMicros() - own0;
  const sorted = receipts.sort((a, b) => a - b);
  return {
    expected: peers.length,
    received: sorted.length,
    lastMs: sorted.at(-1) ?? NaN,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    serverCpuUs,
    brokerCpuUs,
    generatorCpuUs,
  };
}

async function closeAll(): Promise<number> {
  const all = peers.splice(0);
  if (trigger !== undefined) all.push(trigger);
  trigger = undefined;
  await Promise.all(all.map((peer) => peer.close().catch(() => undefined)));
  return all.length;
}

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'connect':
      return connect(command);
    case 'loop-start':
      loop = new ClosedLoop(peers, command.inFlight);
      loop.start();
      return null;
    case 'measure': {
      if (loop === undefined) throw new Error('no loop is running');
      // Counters reset and server CPU read in the same tick: the window edges coincide.
      loop.measure();
      loopServerPids = command.serverPids;
      const processes = processTrees(command.serverPids);
      loopCpuStart = sumOver(processes, cpuMicros);
      loopRootCpuStart = sumOver(command.serverPids, cpuMicros);
      loopOwnCpuStart = ownCpuMicros();
      loopSyscallsStart = treeSyscalls(processes);
      return null;
    }
    case 'loop-stop':
      return stopLoop();
    case 'fanout':
      return fanout(command);
    case 'close-all':
      return closeAll();
  }
}

process.on('message', (message: Request) => {
  handle(message.command).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies Reply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: (error as Error)?.stack ?? String(error) } satisfies Reply),
  );
});
// The runner went away (crash, Ctrl-C): nothing left to measure for.
process.on('disconnect', () => process.exit(0));
process.stdout.write('generator ready\n');
