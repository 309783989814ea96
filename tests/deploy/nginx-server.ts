/**
 * A real nginx for the deployment tests: Debian's binary (PATH or /usr/sbin/nginx) with the
 * brotli_static module, run in the foreground under a temporary prefix over an export, with the
 * include files the export generated. Not hidden by SEEDFEED_TEST_NO_SYSTEM_TOOLS: CI installs
 * nginx to run exactly this test (.ci/run), and no npm package stands in for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/** The nginx binary and its brotli module, or why the test cannot run. */
export function findNginx(): { binary: string } | { missing: string } {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin'];
  const binary = dirs
    .filter(Boolean)
    .map((dir) => path.join(dir, 'nginx'))
    .find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!binary) return { missing: 'no nginx on PATH or in /usr/sbin (apt-get install nginx)' };
  if (!existsSync(BROTLI_MODULE))
    return { missing: `no ${BROTLI_MODULE} (apt-get install libnginx-mod-http-brotli-static)` };
  return { binary };
}

/** A port free right now, from a server on port 0 closed again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningNginx {
  readonly origin: string;
  stop(): Promise<void>;
}

export async function startNginx(
  binary: string,
  prefix: string,
  root: string,
  options: { port?: number } = {},
): Promise<RunningNginx> {
  await mkdir(path.join(prefix, 'logs'), { recursive: true });
  const port = options.port ?? (await freePort());
  const conf = path.join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    [
      `load_module ${BROTLI_MODULE};`,
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${path.join(prefix, 'logs', 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '    access_log off;',
      `    client_body_temp_path ${path.join(prefix, 'body')};`,
      `    proxy_temp_path ${path.join(prefix, 'proxy')};`,
      `    fastcgi_temp_path ${path.join(prefix, 'fastcgi')};`,
      `    uwsgi_temp_path ${path.join(prefix, 'uwsgi')};`,
      `    scgi_temp_path ${path.join(prefix, 'scgi')};`,
      `    include ${path.join(root, '.seedfeed-nginx', 'http.conf')};`,
      '    server {',
      `        listen 127.0.0.1:${port};`,
      `        root ${root};`,
      `        include ${path.join(root, '.seedfeed-nginx', 'server.conf')};`,
      '    }',
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-p', prefix, '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      const log = await readFile(path.join(prefix, 'logs', 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx exited ${child.exitCode}: ${stderr}${log}`);
    }
    try {
      await fetch(`${origin}/`, { method: 'HEAD' });
      break;
    } catch {
      if (attempt > 100) throw new Error(`nginx did not answer on ${origin}: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    origin,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
