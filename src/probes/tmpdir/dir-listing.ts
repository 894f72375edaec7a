import { readdirSync, statSync, type BigIntStats } from 'node:fs';
import { wallClock } from '../../core/real-timers';

/**
 * How long after a change a directory's times may fail to move on the next change. Linux
 * stamps times from a clock that advances once per scheduler tick (up to 10 ms at
 * CONFIG_HZ=100; recent kernels can be finer), and the wall clock we compare it with
 * has 1 ms steps: 20 ms covers both.
 */
const TICK_NS = 20_000_000n;
const SECOND_NS = 1_000_000_000n;

/**
 * A directory's entry names, read again only when the directory changed, so that a temp
 * dir with 100,000 entries from other programs costs one stat() per sample, not a
 * readdir(). Adding, removing or renaming an entry updates the directory's mtime and
 * ctime; a directory replaced by another has a new inode. (A directory whose times run
 * ahead of this machine's clock, on a network file system, stays racy and is read on
 * every sample: slower, never wrong.)
 */
export class DirListing {
  private names: ReadonlySet<string> = new Set();
  private stamp: { mtimeNs: bigint; ctimeNs: bigint; ino: bigint } | undefined;
  /**
   * The last read happened so soon after the directory's latest change that a further
   * change could carry the same time: the times cannot be trusted until they are older.
   */
  private racy = true;

  constructor(readonly dir: string) {}

  /** The entry names: the same Set as last time when nothing changed. Throws when the directory cannot be read. */
  read(): ReadonlySet<string> {
    const stats = statSync(this.dir, { bigint: true });
    if (!this.racy && this.unchanged(stats)) return this.names;
    // Taken before the listing: any change it misses is made after this time.
    const listedAtNs = BigInt(wallClock().getTime()) * 1_000_000n;
    const names = readdirSync(this.dir);
    if (!sameNames(this.names, names)) this.names = new Set(names);
    this.stamp = { mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino };
    const changedAtNs = stats.mtimeNs > stats.ctimeNs ? stats.mtimeNs : stats.ctimeNs;
    this.racy = changedAtNs >= listedAtNs - racyWindowNs(stats.mtimeNs);
    return this.names;
  }

  private unchanged(stats: BigIntStats): boolean {
    const stamp = this.stamp;
    return stamp !== undefined && stats.mtimeNs === stamp.mtimeNs && stats.ctimeNs === stamp.ctimeNs && stats.ino === stamp.ino;
  }
}

function sameNames(known: ReadonlySet<string>, names: readonly string[]): boolean {
  return known.size === names.length && names.every((name) => known.has(name));
}

/**
 * Some file systems keep whole seconds only (ext3, HFS+) or two-second steps (FAT): a
 * time on an exact second most likely comes from one of them, so wait for the step to
 * pass too.
 */
function racyWindowNs(mtimeNs: bigint): bigint {
  return mtimeNs % SECOND_NS === 0n ? 2n * SECOND_NS + TICK_NS : TICK_NS;
}
