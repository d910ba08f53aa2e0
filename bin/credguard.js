#!/usr/bin/env node
// Thin entry point: all logic lives in dist/cli/main.js (compiled by `npm install`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
