import type { Logger } from '../log.js';

/**
 * What each signal does to `seedfeed serve` (docs/signals.md): nothing an operator or a tool is
 * likely to send ends the server without its graceful stop.
 *
 * - SIGTERM, SIGINT: graceful stop. A second one while stopping is left to Node's default, which
 *   ends the process at once (Ctrl-C twice).
 * - SIGHUP: rescan, as daemons reload. Node's default would end the process.
 * - SIGUSR2: log the status (/healthz's body, pid, uptime, memory). Node's default would end the
 *   process; a stop would surprise whoever sent it for something else (`npm run loadtest` sends
 *   it to run a GC, and a preloaded handler of its own does that alongside this one).
 * - SIGUSR1: logged and ignored. Node's default opens the inspector on 127.0.0.1:9229, where any
 *   local user could run code as the server; debug with `node --inspect` instead. A listener is
 *   all it takes: Node then leaves the inspector closed.
 * - SIGPIPE is ignored by Node already; SIGQUIT and SIGKILL keep their defaults (an immediate end).
 */
export const SIGNALS = {
  SIGTERM: 'stop',
  SIGINT: 'stop',
  SIGHUP: 'reload',
  SIGUSR2: 'status',
  SIGUSR1: 'ignore',
} as const satisfies Partial<Record<NodeJS.Signals, string>>;

export interface SignalActions {
  stop(signal: NodeJS.Signals): void;
  reload(signal: NodeJS.Signals): void;
  status(signal: NodeJS.Signals): void;
}

/** Handles the signals above until the returned function is called. */
export function handleSignals(
  actions: SignalActions,
  logger: Logger,
  target: NodeJS.EventEmitter = process,
): () => void {
  const listeners = new Map<NodeJS.Signals, () => void>();
  const remove = (signal: NodeJS.Signals) => {
    const listener = listeners.get(signal);
    if (listener) target.off(signal, listener);
    listeners.delete(signal);
  };
  for (const [name, action] of Object.entries(SIGNALS) as Array<
    [NodeJS.Signals, (typeof SIGNALS)[keyof typeof SIGNALS]]
  >) {
    const listener = () => {
      switch (action) {
        case 'stop':
          // From here a second SIGINT or SIGTERM gets Node's default: an immediate end.
          for (const [other, act] of Object.entries(SIGNALS))
            if (act === 'stop') remove(other as NodeJS.Signals);
          return actions.stop(name);
        case 'reload':
          logger.info('reload', { signal: name, note: 'rescanning the seeds directory' });
          return actions.reload(name);
        case 'status':
          return actions.status(name);
        case 'ignore':
          logger.warn('signal_ignored', {
            signal: name,
            note: 'the inspector is not opened by a signal; start with node --inspect to debug',
          });
      }
    };
    listeners.set(name, listener);
    target.on(name, listener);
  }
  return () => {
    for (const signal of [...listeners.keys()]) remove(signal);
  };
}
