import * as path from 'node:path';

/**
 * `p` relative to `cwd` when it is an absolute path inside `cwd`; otherwise `p` unchanged.
 * Paths outside `cwd` (`/tmp/x`, another drive) stay absolute: `../../tmp/x` would say
 * less about where the thing is.
 */
export function relativePath(p: string, cwd: string): string {
  if (!path.isAbsolute(p)) return p;
  const relative = path.relative(cwd, p);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return p;
  return relative;
}

/**
 * `text` with every absolute path under `cwd` in it made relative: for labels, hints and
 * stack frames (`at run (/project/test/a.spec.js:4:7)`, `file:///project/x.mjs:1:1`),
 * where the path is only part of the string. A path is replaced only where it starts:
 * after the start of the text or a character that cannot be part of a path, so that
 * `/other/project/...` is not taken for `/project/...`.
 */
export function relativePathsIn(text: string, cwd: string): string {
  const root = path.resolve(cwd);
  // Under the file system root everything is "inside"; relativising would only strip slashes.
  if (root === path.parse(root).root) return text;
  const pattern = new RegExp(`(^|[^\\w.~/\\\\-])(?:file://)?${escapeRegExp(root)}[/\\\\]`, 'g');
  return text.replace(pattern, '$1');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
