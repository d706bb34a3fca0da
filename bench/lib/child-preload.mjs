// Preloaded (node --import) into every benchmark child, before tsx: plain JS on purpose.
// 1. Orphan guard: if the benchmark runner dies without killing us (SIGKILL), we get
//    re-parented; exit instead of holding a port and a CPU.
// 2. With --expose-gc (memory scenario only), SIGUSR2 runs a full GC so the runner can read
//    a settled RSS, then prints one `bench-memory {...}` line on stderr (V8 heap, external and
//    ArrayBuffer bytes) so RSS can be split into JS and native parts. Nothing else changes.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1000).unref();

if (typeof globalThis.gc === 'function') {
  const gc = globalThis.gc;
  process.on('SIGUSR2', () => {
    gc();
    gc();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    process.stderr.write(`bench-memory ${JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers })}\n`);
  });
}
