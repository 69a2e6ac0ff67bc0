#!/usr/bin/env node
// A stop while the bundle loads: nothing was written yet. Installed before the
// import so that even the first milliseconds end with a true line; each run
// puts its own handlers in place of these once it starts (dist/cli.js).
const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
for (const signal of Object.keys(codes)) {
  process.on(signal, () => {
    process.stderr.write('\nCancelled: nothing was written.\n');
    process.exit(codes[signal]);
  });
}
import('./dist/cli.js');
