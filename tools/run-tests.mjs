// `npm test`: vitest runs while the type check and the lint steps (`npm run typecheck`,
// `npm run lint`) run beside it at a lower CPU priority, so that they take the CPU vitest leaves
// idle (its files wait on timers, servers and child processes) instead of running before it.
// Each check's output is printed when the run ends; the exit status is non-zero when vitest or any
// check failed. Arguments go to vitest: `npm test -- tests/parse`.
import { spawn } from 'node:child_process';
import os from 'node:os';

const CHECKS = ['typecheck', 'lint'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const CLOSING_LINE = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

function runCheck(script) {
  const started = performance.now();
  const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    os.setPriority(child.pid, 10);
  } catch {
    // not permitted here: the check runs at normal priority
  }
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ script, code: 1, output: String(error), started }));
    child.once('close', (code, signal) =>
      resolve({ script, code: code ?? signal, output: Buffer.concat(output).toString(), started }),
    );
  }).then((result) => ({ ...result, seconds: (performance.now() - started) / 1000 }));
}

/**
 * vitest with its output passed through. Where the output is not a terminal (CI), it is read for
 * the count reporter's closing line, so that a failed check can be added to it at the end.
 */
function runVitest(args) {
  const piped = !process.stdout.isTTY;
  const child = spawn(npx, ['vitest', 'run', ...args], {
    stdio: ['inherit', piped ? 'pipe' : 'inherit', 'inherit'],
  });
  let counts;
  if (piped) {
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = CLOSING_LINE.exec(line.replace(ANSI, '').trim());
        if (m) counts = m.slice(1).map(Number);
      }
    });
  }
  return new Promise((resolve) => {
    child.once('error', () => resolve({ code: 1, counts }));
    child.once('close', (code, signal) => resolve({ code: code ?? signal, counts }));
  });
}

const checks = Promise.all(CHECKS.map(runCheck));
const vitest = await runVitest(process.argv.slice(2));
const results = await checks;

const failed = results.filter((r) => r.code !== 0);
for (const { script, code, output, seconds } of results) {
  const verdict = code === 0 ? 'passed' : `FAILED (exit ${code})`;
  process.stdout.write(`\n── npm run ${script}: ${verdict} in ${seconds.toFixed(1)} s\n`);
  if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
}
if (failed.length) {
  process.stdout.write(`\n${failed.map((r) => `npm run ${r.script}`).join(', ')} failed\n`);
  // The closing line CI reads (.ci/run) counts each failed check as one failure more.
  if (vitest.counts) {
    const [passed, failures, skipped] = vitest.counts;
    process.stdout.write(
      `${passed} passed, ${failures + failed.length} failed, ${skipped} skipped\n`,
    );
  }
}
process.exitCode = vitest.code === 0 && failed.length === 0 ? 0 : 1;
