/**
 * Splitting a suite's test files into shards, one per CI machine. The split depends only
 * on the files (and the timings given), never on the machine, the order the files were
 * listed in or the time: every machine of a matrix computes the same split, so each file
 * runs in exactly one shard.
 *
 * Each file has a weight: its duration in an earlier run when known (a file without one
 * weighs the mean of those known), else 1. Heaviest first, each file goes to the shard
 * with the least weight so far (fewest files on a tie, then the first): longest processing
 * time first, which keeps the slowest shard close to the best possible. Equal weights are
 * ordered by a hash of the path, so that without timings the files are dealt out evenly,
 * and not by name (a directory's files would all land together).
 */

/** Shard `index` (1-based) of `total`. */
export interface ShardSpec {
  index: number;
  total: number;
}

/** `2/3` as shard 2 of 3; undefined when `text` is not `<index>/<total>` with 1 <= index <= total. */
export function parseShardSpec(text: string): ShardSpec | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(total) || index < 1 || index > total) return undefined;
  return { index, total };
}

/**
 * `files` (portable paths, `/` separators) in `total` shards, each sorted by path.
 * `durations` maps the same paths to milliseconds.
 */
export function splitIntoShards(files: readonly string[], total: number, durations: ReadonlyMap<string, number> = new Map()): string[][] {
  const unique = [...new Set(files)];
  const known = unique.map((file) => durations.get(file)).filter((ms): ms is number => ms !== undefined && Number.isFinite(ms) && ms >= 0);
  const fallback = known.length > 0 ? known.reduce((sum, ms) => sum + ms, 0) / known.length : 1;
  const weighted = unique.map((file) => {
    const ms = durations.get(file);
    return { file, weight: ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : fallback, hash: fnv1a(file) };
  });
  weighted.sort((a, b) => b.weight - a.weight || a.hash - b.hash || compare(a.file, b.file));
  const shards = Array.from({ length: total }, () => ({ weight: 0, files: [] as string[] }));
  for (const { file, weight } of weighted) {
    let lightest = shards[0]!;
    for (const shard of shards) {
      if (shard.weight < lightest.weight || (shard.weight === lightest.weight && shard.files.length < lightest.files.length)) lightest = shard;
    }
    lightest.files.push(file);
    lightest.weight += weight;
  }
  return shards.map((shard) => shard.files.sort(compare));
}

/** FNV-1a, 32 bits, of the path's UTF-16 code units: the same on every machine and Node. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
