/**
 * The Chromium the browser tests drive: the machine's own (`chromium` on PATH, Debian's package)
 * when there is one, else the build that ships inside the npm package @sparticuz/chromium
 * (a devDependency), so the tests need nothing but `npm ci`.
 *
 * The package's own `executablePath()` is not used: it inflates into a fixed /tmp/chromium and
 * takes any file there as complete, so two test files starting at once (or a run killed halfway)
 * would launch a half-written binary; and it unpacks the NSS libraries the binary links to only on
 * AWS Lambda. Here the binary and those libraries are unpacked into a staging folder that is then
 * renamed into place, so a folder that exists is whole; the libraries come first on
 * LD_LIBRARY_PATH, so the bundled browser runs the same on a machine without libnss3.
 *
 * Both tests drive it with puppeteer-core: the bundled build does not answer `--dump-dom`.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import puppeteer, { type Browser } from 'puppeteer-core';
import { systemTool } from './system-tools.js';

export interface Chromium {
  /** 'system': the machine's chromium; 'bundled': the one from @sparticuz/chromium. */
  readonly source: 'system' | 'bundled';
  readonly executablePath: string;
  /** The environment to start it with (the bundled one needs its libraries on LD_LIBRARY_PATH). */
  readonly env: NodeJS.ProcessEnv;
}

/** Flags for a headless run as root in a container, with no network but 127.0.0.1 in the tests. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let found: Promise<Chromium> | undefined;

/** The Chromium to use; the bundled one is unpacked on first use (about 5 s, 200 MB in the temp folder). */
export function findChromium(): Promise<Chromium> {
  found ??= (async (): Promise<Chromium> => {
    const system = systemTool('chromium');
    if (system) return { source: 'system', executablePath: system, env: process.env };
    const dir = await unpackBundled();
    const lib = path.join(dir, 'lib');
    const ldPath = [lib, ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)].join(
      ':',
    );
    return {
      source: 'bundled',
      executablePath: path.join(dir, 'chromium'),
      env: { ...process.env, LD_LIBRARY_PATH: ldPath },
    };
  })();
  return found;
}

/** Starts headless Chromium under puppeteer-core with CHROMIUM_ARGS plus `args`. */
export async function launchChromium(options: {
  userDataDir: string;
  args?: readonly string[];
}): Promise<Browser> {
  const chromium = await findChromium();
  return puppeteer.launch({
    executablePath: chromium.executablePath,
    env: chromium.env,
    headless: true,
    userDataDir: options.userDataDir,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/** Unpacks @sparticuz/chromium's browser and libraries once per version; gives their folder. */
async function unpackBundled(): Promise<string> {
  const require = createRequire(import.meta.url);
  // build/cjs/index.cjs → the package root.
  const root = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const bin = path.join(root, 'bin');
  const target = path.join(os.tmpdir(), `seedfeed-test-chromium-${version}`);
  if (existsSync(target)) return target;

  const staging = `${target}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await mkdir(staging, { recursive: true });
    const binary = path.join(staging, 'chromium');
    await pipeline(
      createReadStream(path.join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(binary),
    );
    await chmod(binary, 0o755);
    // The NSS/NSPR/expat libraries the binary links to, built for Amazon Linux (glibc 2.34).
    await untar(brotliDecompressSync(await readFile(path.join(bin, 'al2023.tar.br'))), staging);
    try {
      await rename(staging, target);
    } catch (error) {
      // Another test process renamed its copy into place first: use that one.
      if (!existsSync(target)) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/** Extracts the regular files and folders of a (ustar/GNU) tar archive; anything else is refused. */
async function untar(archive: Buffer, into: string): Promise<void> {
  const field = (header: Buffer, start: number, length: number) => {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? length : end).toString('utf8');
  };
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const prefix = field(header, 257, 6).startsWith('ustar') ? field(header, 345, 155) : '';
    const name = path.posix.join(prefix, field(header, 0, 100));
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1) || '0';
    const mode = Number.parseInt(field(header, 100, 8).trim() || '644', 8);
    const data = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'g') continue; // pax headers: names here are short and plain
    const file = path.resolve(into, name);
    if (!file.startsWith(`${path.resolve(into)}${path.sep}`))
      throw new Error(`tar entry outside the folder: ${name}`);
    if (type === '5') await mkdir(file, { recursive: true });
    else if (type === '0') {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, data, { mode: mode & 0o777 });
    } else throw new Error(`tar entry of type ${type} not supported: ${name}`);
  }
}
