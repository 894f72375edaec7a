/**
 * A spec file with a bit of everything Mocha reports, for comparing Mocha's own output
 * with and without leakguard: 4 passing (one slow), 2 failing, 1 pending; one test leaks
 * an interval, released by after().
 */
export const REPORTING_SPEC = `
const assert = require('node:assert');
const leftovers = [];
after(() => {
  for (const release of leftovers) release();
});
describe('reporting', () => {
  it('passes', () => {});
  it('leaves an interval running', () => {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
  it('fails first', () => {
    assert.equal(1, 2);
  });
  it('is slow', (done) => {
    setTimeout(done, 100);
  });
  describe('nested', () => {
    it('passes too', async () => {});
    it('fails second', () => {
      throw new Error('second failure');
    });
    it.skip('is pending', () => {});
  });
});
`;
