// Preloaded into a service (`node --require tools/bench/loop-gaps.cjs`) by filter-burst.ts: records
// every time its event loop did not turn for more than SEEDFEED_LOOP_GAPS_MS (default 20) ms, as
// [from, to] in microseconds of CLOCK_MONOTONIC (a .cpuprofile's clock), and writes them as JSON
// to SEEDFEED_LOOP_GAPS on exit. A 2 ms interval timer fires once per turn of the loop at most, so
// the time between two firings is how long the loop was held (what a /healthz probe waits behind).
const { isMainThread } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');

const out = process.env.SEEDFEED_LOOP_GAPS;
if (out && isMainThread) {
  const overNs = BigInt(Math.round(Number(process.env.SEEDFEED_LOOP_GAPS_MS || 20) * 1e6));
  const gaps = [];
  let last = process.hrtime.bigint();
  setInterval(() => {
    const now = process.hrtime.bigint();
    if (now - last > overNs) gaps.push([Number(last / 1000n), Number(now / 1000n)]);
    last = now;
  }, 2).unref();
  process.on('exit', () => writeFileSync(out, JSON.stringify(gaps)));
}
