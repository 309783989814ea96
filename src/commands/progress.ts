/** A one-line progress display for long builds on a terminal; silent when output is piped. */
export function progressReporter(isTty: boolean, write: (text: string) => void, verb: string) {
  if (!isTty) return { update: (_done: number, _total: number) => {}, done: () => {} };
  const started = performance.now();
  let lastDraw = 0;
  let shown = false;
  return {
    update(done: number, total: number) {
      const now = performance.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      shown = true;
      const rate = done / Math.max((now - started) / 1000, 0.001);
      write(
        `\r\x1b[2K${verb} ${done.toLocaleString('en')} / ${total.toLocaleString('en')} files (${Math.round(rate).toLocaleString('en')}/s)`,
      );
    },
    done() {
      if (shown) write('\r\x1b[2K');
    },
  };
}
