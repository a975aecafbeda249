#!/usr/bin/env node
'use strict';
// The msi-lua command-line tool; the code is lib/cli/main.ts, compiled to dist/.
require('../dist/cli/main.js').main();
