/**
 * Well-formedness checks by libxml2's xmllint, an XML parser independent of the code under test:
 * the machine's `xmllint` (Debian's libxml2-utils) when there is one, else the same program built
 * to WebAssembly in the npm package xmllint-wasm (a devDependency), so the checks need nothing but
 * `npm ci`. Both run `xmllint --noout` over the documents: exit code 0 and nothing on stderr when
 * every one is well-formed; otherwise a non-zero code and libxml2's messages, each naming its file.
 * (No test validates against a schema; xmllint-wasm could, with its `schema`/`extension` options.)
 */
import { expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { systemTool } from './system-tools.js';

export interface XmlDocument {
  /** Shown in xmllint's messages (made safe as a file name). */
  readonly name: string;
  readonly contents: string | Uint8Array;
}

export interface XmllintResult {
  readonly code: number | null;
  readonly stderr: string;
}

/** 'system' (the machine's xmllint on PATH) or 'wasm' (xmllint-wasm). */
export function xmllintSource(): 'system' | 'wasm' {
  return systemTool('xmllint') ? 'system' : 'wasm';
}

/**
 * `xmllint --noout` over one document or several at once (one run, one parser start). `using`
 * forces one of the two (the helper's own test runs both); by default the machine's when found.
 */
export async function xmllint(
  documents: string | Uint8Array | ReadonlyArray<XmlDocument>,
  using: 'system' | 'wasm' = xmllintSource(),
): Promise<XmllintResult> {
  const docs =
    typeof documents === 'string' || documents instanceof Uint8Array
      ? [{ name: 'document', contents: documents }]
      : documents;
  const files = docs.map((doc, i) => ({ fileName: fileName(i, doc.name), contents: doc.contents }));
  if (files.length === 0) return { code: 0, stderr: '' };
  if (using === 'wasm') return wasmXmllint(files);
  const binary = systemTool('xmllint');
  if (!binary) throw new Error('no xmllint on PATH (or SEEDFEED_TEST_NO_SYSTEM_TOOLS is set)');
  return systemXmllint(binary, files);
}

export async function expectWellFormed(
  label: string,
  document: string | Uint8Array,
): Promise<void> {
  const { code, stderr } = await xmllint(document);
  expect(stderr, `${label}: xmllint complaints`).toBe('');
  expect(code, `${label}: xmllint exit code`).toBe(0);
}

/** Every document well-formed, checked in one xmllint run; the complaints name the documents. */
export async function expectAllWellFormed(documents: ReadonlyArray<XmlDocument>): Promise<void> {
  const { code, stderr } = await xmllint(documents);
  expect(stderr, 'xmllint complaints').toBe('');
  expect(code, 'xmllint exit code').toBe(0);
}

interface XmlFile {
  readonly fileName: string;
  readonly contents: string | Uint8Array;
}

/** `0003_categories_news_rss.xml`: numbered (so unique), never starting with `-`. */
function fileName(index: number, name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 80);
  return `${String(index).padStart(4, '0')}_${safe || 'document'}.xml`;
}

async function systemXmllint(
  binary: string,
  files: ReadonlyArray<XmlFile>,
): Promise<XmllintResult> {
  if (files.length === 1) return runXmllint(binary, ['--noout', '-'], files[0]!.contents);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-xmllint-'));
  try {
    const paths = await Promise.all(
      files.map(async (file) => {
        const p = path.join(dir, file.fileName);
        await writeFile(p, file.contents);
        return p;
      }),
    );
    const result = await runXmllint(binary, ['--noout', ...paths]);
    // Name the documents as the wasm build does: without the temporary folder.
    return { code: result.code, stderr: result.stderr.split(`${dir}${path.sep}`).join('') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runXmllint(
  binary: string,
  args: string[],
  stdin?: string | Uint8Array,
): Promise<XmllintResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.on('error', () => {}); // xmllint may stop reading early on a bad document
    child.stdin.end(stdin);
  });
}

async function wasmXmllint(files: ReadonlyArray<XmlFile>): Promise<XmllintResult> {
  try {
    // No schema: plain `xmllint --noout <files>`. Memory grows on demand up to 1 GiB (default 32 MiB).
    const result = await validateXML({ xml: files, schema: [], maxMemoryPages: 16384 });
    return { code: result.valid ? 0 : 1, stderr: result.rawOutput };
  } catch (error) {
    // xmllint-wasm rejects on exit codes it does not expect (1: a document is not well-formed),
    // with xmllint's stderr as the message.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number' && code !== 0) return { code, stderr: (error as Error).message };
    throw error;
  }
}
