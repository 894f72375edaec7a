'use strict';
const fs = require('node:fs');

/** Opens a CSV file to read it line by line. The caller must `close()` it. */
function openCsv(file) {
  const fd = fs.openSync(file, 'r');
  return {
    /** The column names: the first line, split on commas. */
    header() {
      const buffer = Buffer.alloc(4096);
      const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.toString('utf8', 0, length).split('\n')[0].trim().split(',');
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

module.exports = { openCsv };
