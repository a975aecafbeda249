// The error groups of the code table, in table order (row[2] indexes this
// list). A copy of GROUPS in table.generated.ts, kept here so that importing
// lib/errors does not load the whole table; test/unit/errors/groups.test.ts
// checks that the two are identical.

export const GROUPS = [
  "general",
  "windows-installer-minor",
  "update-handler",
  "ui",
  "protocol-talker",
  "redirector",
  "sih",
  "download-manager",
  "offline-scan",
  "metadata",
  "datastore",
  "inventory",
  "automatic-updates",
  "wu-task",
  "hardware-capability",
  "sls",
  "file-trust",
  "driver",
  "setup",
  "expression-evaluator",
  "reporter",
  "windows-installer",
  "win32",
  "winhttp",
  "com",
  "trust",
  "security",
  "storage",
  "setupapi",
  "other",
] as const;
