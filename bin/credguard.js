#!/usr/bin/env node
// Thin entry point. All logic is in dist/bundle/ (a dispatcher plus one bundle per command), built by `npm install`
// (prepare): a single CommonJS file starts faster than ~30 ES modules, and the pre-commit
// hook, the direnv check and the prompt's refresh all pay Node's startup on every run.
'use strict';
const { main } = require('../dist/bundle/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
