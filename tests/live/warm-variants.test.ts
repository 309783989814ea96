import { afterEach, describe, expect, it } from 'vitest';
import { NEVER, Sandbox, get, writeSeed } from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const A = {
  title: 'Harbour reopens',
  day: 1,
  categories: ['Port'],
  body: 'Ships are back. '.repeat(80),
};
const B = {
  title: 'Bridge repaired',
  day: 2,
  categories: ['Port'],
  body: 'Traffic again. '.repeat(80),
};

describe('compressed variants of a changed output', () => {
  it('are started at the swap for the encodings readers asked for before, and only those', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(dirs, { cron: NEVER });
    await live.trigger('start');
    // A poller of /rss.xml takes gzip; nobody has asked for /atom.xml compressed.
    expect((await get(origin, '/rss.xml', { 'accept-encoding': 'gzip' })).status).toBe(200);
    expect((await get(origin, '/atom.xml')).status).toBe(200);
    const before = live.current()!;
    expect(before.get('/rss.xml')!.ready('gzip')).toBeDefined();

    await writeSeed(dirs.seeds, 'b.md', B);
    await live.trigger('test');
    const after = live.current()!;
    const rss = after.get('/rss.xml')!;
    expect(rss).not.toBe(before.get('/rss.xml'));
    // Made without a request since the swap (the scan ended after the export, long after it).
    expect(rss.ready('gzip')).toBeDefined();
    expect(rss.ready('br')).toBeUndefined();
    expect(after.get('/atom.xml')!.ready('gzip')).toBeUndefined();
  });
});
