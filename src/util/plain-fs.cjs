// Stands in for graceful-fs in the bundle (scripts/bundle.mjs): proper-lockfile's only use of it is
// as its `fs`, and graceful-fs, when loaded, patches the process-wide fs.close/closeSync and loads
// stream, util and assert (~3 ms of every start). A lock opens no more than a few files at a time,
// so graceful-fs's EMFILE queue has nothing to do here.
module.exports = require('node:fs');
