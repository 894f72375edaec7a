/** This process's open descriptors, read the slow way (every link): for tests only. */
import { readdirSync, readlinkSync } from 'node:fs';

/** [fd, target] of every open descriptor, without the listing's own. */
export function openDescriptors(): Array<[string, string]> {
  const open: Array<[string, string]> = [];
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      open.push([name, readlinkSync(`/proc/self/fd/${name}`)]);
    } catch {
      // The listing's own descriptor, closed by now.
    }
  }
  return open;
}
