/**
 * The memory verdict, by allocation site over the whole run. Memory that units allocated
 * at one site and that was still reachable after their suite ended is judged by who fed
 * the site:
 *
 * - Several tests: a site that keeps receiving memory from test after test (a cache keyed
 *   by input, a class-level map, a registry, a per-test push) is a leak, even when no one
 *   test keeps much. Unless the site gave memory back while tests fed it and stopped
 *   growing (an LRU at its bound): then it is bounded.
 * - One test: a lazily built table and a registry that grows on every call look the same
 *   after one call. Running that test again tells them apart: memory growing again by half
 *   the threshold is a leak; not growing (a table built once, a bounded cache that evicts
 *   as much as the run adds) is one-time growth. Not run again (a budget, the heap limit), the stack
 *   decides: memory the test's own code allocated (no function of the project's below
 *   the test body) was stored by the test where it outlives it, a leak; memory allocated
 *   in code it calls may be that code's lazy state, one-time growth.
 * - Below the threshold in all: nothing to say.
 */

export type SiteVerdict = 'leak' | 'bounded' | 'one-time' | 'small';

export interface SiteEvidence {
  /** Bytes each test that fed the site kept there (order does not matter). */
  testBytes: readonly number[];
  /** Bytes hooks kept there (`before all` hooks: one-time growth at most). */
  hookBytes: number;
  /** The site gave memory back while tests fed it, and did not grow past where it was. */
  stoppedGrowing: boolean;
  /** The allocating stack holds no user function but the unit's own body (or a callback defined there). */
  ownCode: boolean;
  /** How much memory grew while the test that fed the site most ran again (GC before and after), if it was. */
  keptAgainBytes?: number;
}

export function judgeSite(evidence: SiteEvidence, threshold: number): SiteVerdict {
  const { testBytes, hookBytes, stoppedGrowing, ownCode, keptAgainBytes } = evidence;
  const testTotal = testBytes.reduce((sum, bytes) => sum + bytes, 0);
  if (testTotal + hookBytes <= threshold) return 'small';
  if (testBytes.length === 0) return 'one-time';
  // What the tests besides the largest feeder kept: one stray sample from a second test
  // does not make a lazily built table a cache that grows with every input.
  const fedByOthers = testTotal - Math.max(...testBytes);
  if (fedByOthers >= threshold / 2) return stoppedGrowing ? 'bounded' : 'leak';
  if (testTotal <= threshold) return 'one-time';
  if (keptAgainBytes !== undefined) return keptAgainBytes >= threshold / 2 ? 'leak' : 'one-time';
  return ownCode ? 'leak' : 'one-time';
}
