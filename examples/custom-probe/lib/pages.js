'use strict';
/**
 * A stand-in for a browser driven by tests (Playwright, Puppeteer): pages are opened and
 * must be closed. `closeSoon()` is like calling `page.close()` without awaiting it: the
 * browser closes the page a few milliseconds later.
 */
const { callerFrames } = require('./caller-frames');

const open = new Map();
let nextPage = 1;

class Page {
  constructor(url) {
    this.id = nextPage++;
    this.url = url;
    /** Where it was opened: `fn (file:line:col)` frames, the caller's first. */
    this.stack = callerFrames(__filename);
  }

  /** The page's title, as the fake browser renders it. */
  title() {
    return `Shop: ${new URL(this.url).pathname.slice(1) || 'home'}`;
  }

  close() {
    open.delete(this.id);
  }

  /** Ask the browser to close the page; it is gone `ms` milliseconds later. */
  closeSoon(ms = 20) {
    setTimeout(() => this.close(), ms);
  }
}

module.exports = {
  open(url) {
    const page = new Page(url);
    open.set(page.id, page);
    return page;
  },
  /** The pages open now. */
  list() {
    return [...open.values()];
  },
};
