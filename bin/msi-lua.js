#!/usr/bin/env node
'use strict';
// The msi-lua command-line tool; the code is lib/cli.ts, compiled to dist/.
require('../dist/cli.js').main();
