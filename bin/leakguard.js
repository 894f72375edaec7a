#!/usr/bin/env node
// The `leakguard` command: its code is in dist/ (see src/cli/main.ts).
'use strict';
const { main } = require('../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
