import { Scanner } from './dist/ingest/scanner.js';
import { ParsePool } from './dist/ingest/worker-pool.js';
const pool = new ParsePool();
const s = new Scanner({ seedsDir: process.argv[2], extensions: ['.md', '.txt'], maxFileBytes: 5 << 20 }, undefined, pool);
const t = performance.now();
await s.scan();
console.log('scan', (performance.now() - t).toFixed(0));
await pool.close();
