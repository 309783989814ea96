/**
 * commands/signals.ts in-process, on an EventEmitter standing in for `process`: which action each
 * signal runs, that a second SIGINT/SIGTERM is left to Node's default (no listener), and that
 * the returned function removes every listener. The real process is in signals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { SIGNALS, handleSignals } from '../../src/commands/signals.js';
import { recordingLogger } from './harness.js';

function setUp() {
  const target = new EventEmitter();
  const calls: string[] = [];
  const { logger, events } = recordingLogger();
  const dispose = handleSignals(
    {
      stop: (s) => calls.push(`stop ${s}`),
      reload: (s) => calls.push(`reload ${s}`),
      status: (s) => calls.push(`status ${s}`),
    },
    logger,
    target,
  );
  return { target, calls, events, dispose };
}

describe('the signal table', () => {
  it('handles SIGTERM, SIGINT, SIGHUP, SIGUSR2 and SIGUSR1, and nothing else', () => {
    const { target } = setUp();
    expect(Object.keys(SIGNALS).sort()).toEqual([
      'SIGHUP',
      'SIGINT',
      'SIGTERM',
      'SIGUSR1',
      'SIGUSR2',
    ]);
    for (const signal of Object.keys(SIGNALS)) expect(target.listenerCount(signal), signal).toBe(1);
    expect(target.listenerCount('SIGQUIT')).toBe(0);
  });

  it('SIGHUP reloads and SIGUSR2 reports, as often as they come; SIGUSR1 is only logged', () => {
    const { target, calls, events } = setUp();
    target.emit('SIGHUP');
    target.emit('SIGHUP');
    target.emit('SIGUSR2');
    target.emit('SIGUSR1');
    expect(calls).toEqual(['reload SIGHUP', 'reload SIGHUP', 'status SIGUSR2']);
    expect(events.filter((e) => e.event === 'reload')).toHaveLength(2);
    expect(events.find((e) => e.event === 'signal_ignored')).toMatchObject({
      level: 'warn',
      fields: { signal: 'SIGUSR1' },
    });
  });

  it('the first SIGTERM or SIGINT stops; after it neither has a listener, so a second one ends the process at once', () => {
    const { target, calls } = setUp();
    target.emit('SIGINT');
    expect(calls).toEqual(['stop SIGINT']);
    expect(target.listenerCount('SIGINT')).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
    // Reload and status still work while stopping.
    target.emit('SIGHUP');
    expect(calls).toEqual(['stop SIGINT', 'reload SIGHUP']);
  });

  it('the returned function removes every listener', () => {
    const { target, dispose } = setUp();
    dispose();
    for (const signal of Object.keys(SIGNALS)) expect(target.listenerCount(signal), signal).toBe(0);
  });
});
