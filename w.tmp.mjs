import { walkSeeds } from './dist/scan/walk.js';
import { statWalkFloor } from './dist/bench/floor.js';
const dir = process.argv[2];
for (let i = 0; i < 3; i++) {
  let t = performance.now(); await walkSeeds(dir, { extensions: ['.md', '.txt'] }); const a = performance.now() - t;
  t = performance.now(); statWalkFloor(dir); const b = performance.now() - t;
  console.log('walkSeeds', a.toFixed(0), 'sync stat walk', b.toFixed(0));
}
