#!/usr/bin/env node
// The compiled CLI (npm ci runs `prepare`, which builds dist/).
import { main } from '../dist/cli.js';

// `seedfeed scan | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2), process.env);
