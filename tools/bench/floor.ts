import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Baselines measured in the same run as seedfeed: the least any tool must do with these files. */

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Reading and sha256-hashing every file in one thread: the floor for a cold build. */
export function readAndHashFloor(dir: string): { ms: number; files: number; bytes: number } {
  const started = performance.now();
  let bytes = 0;
  const files = listFiles(dir);
  for (const file of files) {
    const data = readFileSync(file);
    bytes += data.length;
    createHash('sha256').update(data).digest();
  }
  return { ms: performance.now() - started, files: files.length, bytes };
}

/** A stat of every file in one thread: the floor for a rescan that finds nothing changed. */
export function statWalkFloor(dir: string): { ms: number; files: number } {
  const started = performance.now();
  const files = listFiles(dir);
  for (const file of files) statSync(file);
  return { ms: performance.now() - started, files: files.length };
}
