#!/usr/bin/env node
// Writes the config file's JSON Schema (schema/leakguardrc.schema.json) from the built code.
// Runs after scripts/build.js in `npm run build` (build/ is tsc's output); test/config/schema.test.ts checks the file is current.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { buildConfigSchema, CONFIG_SCHEMA_PATH } = require(path.join(root, 'build', 'config', 'schema.js'));

const file = path.join(root, CONFIG_SCHEMA_PATH);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(buildConfigSchema(), null, 2)}\n`);
