#!/usr/bin/env node
// The compiled CLI (npm ci runs `prepare`, which builds dist/).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2), process.env);
