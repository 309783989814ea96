/**
 * Preloaded into the server only by `npm run loadtest` (`node --expose-gc --import …`): SIGUSR2
 * runs a full garbage collection, so the memory measured before and after the run is what stays
 * alive, not garbage that happens not to be collected yet. Never part of `seedfeed serve` itself.
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  process.stderr.write(`${JSON.stringify({ event: 'loadtest_gc', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })}\n`);
});
