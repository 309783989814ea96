/**
 * Preloaded into the server only by the load test (`node --expose-gc --import …`): SIGUSR2 runs a
 * full garbage collection, so the memory measured before and after the run is what stays alive,
 * not garbage that happens not to be collected yet. Never part of `seedfeed serve` itself.
 *
 * Plain JavaScript, unlike the other tools: the server it goes into is the built product, run as
 * shipped, without tsx's loader (which would add its own thread and memory to what is measured).
 */
const gc = globalThis.gc;
process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  process.stderr.write(
    `${JSON.stringify({ event: 'loadtest_gc', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })}\n`,
  );
});
