import { validate as validateCron } from 'node-cron';
import path from 'node:path';
import { DEFAULT_NEAR_DUP_THRESHOLD } from './dedupe/defaults.js';
import type { LogLevel } from './log.js';
import { DEFAULT_METRICS_NETWORKS, parseNetworks } from './metrics/allow-list.js';
import { cleanLine } from './parse/text.js';
import { parseAllowList } from './websub/allow.js';

/** Everything seedfeed can be told, resolved once at start: defaults ← environment ← flags. */
export interface Config {
  readonly seedsDir: string;
  readonly outDir: string;
  readonly host: string;
  readonly port: number;
  /** Public base URL without a trailing slash, e.g. `https://news.example.org`. */
  readonly baseUrl: string;
  readonly limit: number;
  readonly maxFileBytes: number;
  /** Bytes the rendered feeds and list pages may hold at once (render/document-budget.ts). */
  readonly documentBytes: number;
  readonly extensions: readonly string[];
  readonly cron: string;
  readonly watch: boolean;
  /** One log line per HTTP request. */
  readonly accessLog: boolean;
  /** Precompressed .gz and .br siblings of feeds, lists and archive pages in the export. */
  readonly precompress: boolean;
  readonly siteTitle: string;
  /** Feed language; `undefined` means derived from the articles' script. */
  readonly language?: string;
  readonly icon?: string;
  readonly logLevel: LogLevel;
  readonly logFormat: 'json' | 'pretty' | 'auto';
  /** Estimated similarity from which two articles are merged as near-duplicates; 0 = off. */
  readonly nearDupThreshold: number;
  /** The WebSub hub every feed advertises: `--hub`, else the built-in one at `<base-url>/websub`; undefined with `--hub none`. */
  readonly hubUrl?: string;
  /** Whether seedfeed is its own hub (serves POST /websub). */
  readonly builtInHub: boolean;
  /** Hosts and address ranges the built-in hub may call back (`--hub-allow`, websub/allow.ts); undefined: any host with global addresses. */
  readonly hubAllow?: readonly string[];
  /** Private state that must never be published with the export: WebSub subscriptions and their secrets. */
  readonly dataDir: string;
  /** Networks (`address/prefix`) whose peers may read /metrics (`--metrics-allow`, metrics/allow-list.ts); [] for nobody. */
  readonly metricsAllow: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Raw = string | boolean | undefined;

interface Option {
  readonly key: keyof Config;
  readonly flag: string;
  readonly env: string;
  readonly type: 'string' | 'boolean';
  readonly help: string;
  readonly default?: string;
}

/** The one table of options: `--help`, the README and the parser all read from it. */
export const OPTIONS: readonly Option[] = [
  {
    key: 'seedsDir',
    flag: 'seeds',
    env: 'SEEDFEED_SEEDS',
    type: 'string',
    default: './seeds',
    help: 'directory of article files',
  },
  {
    key: 'outDir',
    flag: 'out',
    env: 'SEEDFEED_OUT',
    type: 'string',
    default: './feeds',
    help: 'directory the site is exported to',
  },
  {
    key: 'host',
    flag: 'host',
    env: 'HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address to listen on (serve)',
  },
  {
    key: 'port',
    flag: 'port',
    env: 'PORT',
    type: 'string',
    default: '3000',
    help: 'port to listen on, 0 for any (serve)',
  },
  {
    key: 'baseUrl',
    flag: 'base-url',
    env: 'SEEDFEED_BASE_URL',
    type: 'string',
    help: 'public URL of the site (default http://HOST:PORT)',
  },
  {
    key: 'limit',
    flag: 'limit',
    env: 'SEEDFEED_LIMIT',
    type: 'string',
    default: '50',
    help: 'most items in one feed',
  },
  {
    key: 'maxFileBytes',
    flag: 'max-file-size',
    env: 'SEEDFEED_MAX_FILE_SIZE',
    type: 'string',
    default: '5MB',
    help: 'larger seed files are rejected unread (e.g. 500KB, 5MB)',
  },
  {
    key: 'documentBytes',
    flag: 'document-cache',
    env: 'SEEDFEED_DOCUMENT_CACHE',
    type: 'string',
    default: '16MB',
    help: 'rendered feeds and list pages kept in memory; others are rendered again when asked for',
  },
  {
    key: 'extensions',
    flag: 'extensions',
    env: 'SEEDFEED_EXTENSIONS',
    type: 'string',
    default: '.md,.markdown,.txt,.html,.htm',
    help: 'file extensions read as seeds',
  },
  {
    key: 'cron',
    flag: 'cron',
    env: 'SEEDFEED_CRON',
    type: 'string',
    default: '* * * * *',
    help: 'rescan schedule, a cron expression (serve)',
  },
  {
    key: 'watch',
    flag: 'watch',
    env: 'SEEDFEED_WATCH',
    type: 'boolean',
    default: 'true',
    help: 'rescan when seeds change; --no-watch to turn off (serve)',
  },
  {
    key: 'siteTitle',
    flag: 'title',
    env: 'SEEDFEED_TITLE',
    type: 'string',
    default: 'seedfeed',
    help: 'site title, first part of every feed title',
  },
  {
    key: 'language',
    flag: 'language',
    env: 'SEEDFEED_LANGUAGE',
    type: 'string',
    help: 'feed language, e.g. zh-CN (default: from the articles)',
  },
  {
    key: 'icon',
    flag: 'icon',
    env: 'SEEDFEED_ICON',
    type: 'string',
    help: "absolute URL of the feeds' icon",
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'SEEDFEED_LOG_LEVEL',
    type: 'string',
    default: 'info',
    help: 'debug, info, warn or error',
  },
  {
    key: 'logFormat',
    flag: 'log-format',
    env: 'SEEDFEED_LOG_FORMAT',
    type: 'string',
    default: 'auto',
    help: 'json, pretty, or auto (pretty on a terminal)',
  },
  {
    key: 'accessLog',
    flag: 'access-log',
    env: 'SEEDFEED_ACCESS_LOG',
    type: 'boolean',
    // Off by default: it costs ~35% more CPU per 304 (docs/http.md, "Access log").
    default: 'false',
    help: 'log one line per request (serve)',
  },
  {
    key: 'precompress',
    flag: 'precompress',
    env: 'SEEDFEED_PRECOMPRESS',
    type: 'boolean',
    // Off by default: static hosts and CDNs compress themselves (docs/deployment.md).
    default: 'false',
    help: "write .gz and .br siblings of feeds, lists and archives into the export, for nginx's gzip_static",
  },
  {
    key: 'nearDupThreshold',
    flag: 'near-dup-threshold',
    env: 'SEEDFEED_NEAR_DUP_THRESHOLD',
    type: 'string',
    default: String(DEFAULT_NEAR_DUP_THRESHOLD),
    help: 'merge near-duplicate articles from this text similarity (0 to 1); 0 turns it off',
  },
  {
    key: 'hubUrl',
    flag: 'hub',
    env: 'SEEDFEED_HUB',
    type: 'string',
    help: 'WebSub hub advertised in feeds: a URL, or none (default: the built-in hub at <base-url>/websub)',
  },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: 'SEEDFEED_DATA_DIR',
    type: 'string',
    default: './.seedfeed',
    help: 'private state kept outside the export (WebSub subscriptions and their secrets)',
  },
  {
    key: 'metricsAllow',
    flag: 'metrics-allow',
    env: 'SEEDFEED_METRICS_ALLOW',
    type: 'string',
    default: DEFAULT_METRICS_NETWORKS,
    help: "networks whose clients may read /metrics, comma-separated CIDRs (10.0.0.0/8, fd00::/8), matched on the connection's address, never X-Forwarded-For; none for nobody (serve)",
  },
  {
    key: 'hubAllow',
    flag: 'hub-allow',
    env: 'SEEDFEED_HUB_ALLOW',
    type: 'string',
    help: 'callbacks the built-in hub may call, comma-separated: hosts, .example.org for subdomains, * for any host, addresses and CIDR ranges (10.0.0.5, 192.168.1.0/24, fd00::/8) also when private (default: any host whose addresses are all public)',
  },
];

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function parseBoolean(value: Raw): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return undefined;
}

/**
 * Resolves the configuration. `flags` holds parsed command-line values by flag name; `env` is
 * usually `process.env`. Throws ConfigError with a one-line message naming the bad value.
 */
export function loadConfig(
  flags: Readonly<Record<string, Raw>>,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const raw = (option: Option): Raw => flags[option.flag] ?? env[option.env] ?? option.default;
  const get = (key: keyof Config): Raw => raw(OPTIONS.find((o) => o.key === key)!);
  const str = (key: keyof Config) => {
    const v = get(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const fail = (flag: string, value: Raw, why: string): never => {
    throw new ConfigError(`--${flag}: ${JSON.stringify(value)} ${why}`);
  };

  const port =
    parseInteger(String(get('port')), 0, 65535) ??
    fail('port', get('port'), 'is not a port number (0-65535)');
  const limit =
    parseInteger(String(get('limit')), 1, 10_000) ??
    fail('limit', get('limit'), 'is not a whole number from 1 to 10000');
  const maxFileBytes =
    parseSize(String(get('maxFileBytes'))) ??
    fail('max-file-size', get('maxFileBytes'), 'is not a size such as 5MB');
  if (maxFileBytes < 1) fail('max-file-size', get('maxFileBytes'), 'must be at least 1 byte');
  const documentBytes =
    parseSize(String(get('documentBytes'))) ??
    fail('document-cache', get('documentBytes'), 'is not a size such as 16MB');
  const extensions = String(get('extensions'))
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .map((e) => (e.startsWith('.') ? e : `.${e}`));
  if (extensions.length === 0) fail('extensions', get('extensions'), 'names no extension');
  const cron = String(get('cron')).trim();
  if (!validateCron(cron))
    fail('cron', cron, 'is not a valid cron expression (e.g. "*/5 * * * *")');
  const watch = parseBoolean(get('watch')) ?? fail('watch', get('watch'), 'is not true or false');
  const accessLog =
    parseBoolean(get('accessLog')) ?? fail('access-log', get('accessLog'), 'is not true or false');
  const precompress =
    parseBoolean(get('precompress')) ??
    fail('precompress', get('precompress'), 'is not true or false');
  const logLevel = String(get('logLevel'));
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    fail('log-level', logLevel, 'is not one of debug, info, warn, error');
  const logFormat = String(get('logFormat'));
  if (!['json', 'pretty', 'auto'].includes(logFormat))
    fail('log-format', logFormat, 'is not one of json, pretty, auto');
  const host = str('host')!;
  const nearDupRaw = String(get('nearDupThreshold')).trim();
  const nearDupThreshold = /^(?:0|1|0?\.\d+|0\.|1\.0*|0\.\d+)$/.test(nearDupRaw)
    ? Number(nearDupRaw)
    : fail('near-dup-threshold', nearDupRaw, 'is not a number from 0 to 1 (0 turns it off)');

  const displayHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const baseUrlRaw = str('baseUrl') ?? `http://${displayHost}:${port}`;
  let baseUrl: string;
  try {
    const url = new URL(baseUrlRaw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    baseUrl = url.href.replace(/\/+$/, '');
  } catch {
    return fail('base-url', baseUrlRaw, 'is not an absolute http(s) URL');
  }
  const hubRaw = str('hubUrl');
  let hubUrl: string | undefined = `${baseUrl}/websub`;
  if (hubRaw !== undefined && hubRaw !== 'none') {
    try {
      const url = new URL(hubRaw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      hubUrl = url.href;
    } catch {
      return fail('hub', hubRaw, 'is not an absolute http(s) URL or none');
    }
  } else if (hubRaw === 'none') {
    hubUrl = undefined;
  }
  const hubAllowRaw = str('hubAllow');
  const hubAllow = hubAllowRaw
    ?.split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const allowList = parseAllowList(hubAllow);
  if ('error' in allowList) fail('hub-allow', allowList.entry, allowList.error);
  const metricsNetworks = parseNetworks(String(get('metricsAllow')));
  const metricsAllow =
    'invalid' in metricsNetworks
      ? fail(
          'metrics-allow',
          metricsNetworks.invalid,
          'is not an IP address or a CIDR network such as 10.0.0.0/8 or fd00::/8',
        )
      : metricsNetworks.networks;
  const icon = str('icon');
  if (icon !== undefined && !/^https?:\/\//.test(icon))
    fail('icon', icon, 'is not an absolute http(s) URL');
  const language = str('language');
  if (language !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language))
    fail('language', language, 'is not a language tag such as zh-CN');

  return {
    seedsDir: path.resolve(str('seedsDir')!),
    outDir: path.resolve(str('outDir')!),
    host,
    port,
    baseUrl,
    limit,
    maxFileBytes,
    documentBytes,
    extensions,
    cron,
    watch,
    accessLog,
    precompress,
    siteTitle: cleanLine(str('siteTitle')!) || 'seedfeed',
    language,
    icon,
    logLevel: logLevel as LogLevel,
    logFormat: logFormat as Config['logFormat'],
    nearDupThreshold,
    hubUrl,
    builtInHub: hubRaw === undefined,
    hubAllow,
    dataDir: path.resolve(str('dataDir')!),
    metricsAllow,
  };
}
