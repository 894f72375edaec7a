/**
 * Labels shortened to fit a line without cutting a word or an aside in two: a label cut
 * at a fixed character count read `socket … (reuse…fore this test, e.g. kept in a …)`,
 * which says nothing. The cut goes where a path or a command is least informative, its
 * middle, at word (or path segment) boundaries; a closing parenthesised part (`(reused:
 * created before this test, ...)`, `(outlived its parent, ...)`) is kept whole when it
 * leaves the text before it a fair share of the line, else cut at a word and closed; a
 * parenthesised part the cut would fall into is left out whole.
 */

const ELLIPSIS = '…';
/** The least room the text before a closing part keeps. */
const MIN_HEAD = 16;
/** The share of the width the text before a closing part keeps, where it is that long: what it is comes before the aside. */
const HEAD_SHARE = 0.4;
/** How far a cut may move to reach a boundary, as a share of the part it cuts. */
const BOUNDARY_REACH = 0.35;

/** `text` in at most `max` characters (an ellipsis marks what was left out). */
export function shortenLabel(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, Math.max(0, max));
  const tail = closingParenthesis(text);
  if (tail !== undefined) {
    const head = text.slice(0, text.length - tail.length).trimEnd();
    const headNeeds = Math.min(head.length, Math.max(MIN_HEAD, Math.floor(max * HEAD_SHARE)));
    if (max - tail.length - 1 >= headNeeds) return `${cutMiddle(head, max - tail.length - 1)} ${tail}`;
    // The closing part is too long to keep whole: the head gets its share, the part is cut at its end.
    const shortHead = cutMiddle(head, headNeeds);
    if (max - shortHead.length - 1 >= MIN_HEAD) return `${shortHead} ${cutEnd(tail, max - shortHead.length - 1)}`;
  }
  return cutMiddle(text, max);
}

/** The balanced `(...)` that ends `text`, if any, after a space (`fd 3 (reused: ...)`, not `f(x)`). */
function closingParenthesis(text: string): string | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const char = text[i];
    if (char === ')') depth++;
    else if (char === '(' && --depth === 0) return i > 0 && text[i - 1] === ' ' && i < text.length - 2 ? text.slice(i) : undefined;
  }
  return undefined;
}

/** `(reused: created before this test, e.g. …)`: words kept from the start, the parenthesis closed. */
function cutEnd(part: string, max: number): string {
  if (part.length <= max) return part;
  const closing = part.endsWith(')') ? ')' : '';
  const room = max - ELLIPSIS.length - closing.length;
  if (room <= 0) return ELLIPSIS.slice(0, Math.max(0, max));
  let end = room;
  const space = part.lastIndexOf(' ', end);
  if (space > room * (1 - BOUNDARY_REACH)) end = space;
  return `${part.slice(0, end).trimEnd()}${ELLIPSIS}${closing}`;
}

/** Characters a cut may follow or precede: word and path boundaries. */
const BOUNDARY = /[\s/\\,;:=&]/;
/** The head of a middle cut may take this share of the room more than half, to end at a boundary. */
const HEAD_STRETCH = 0.25;

/** `text` cut in its middle to at most `max` characters, at boundaries where there are some nearby. */
function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, Math.max(0, max));
  const room = max - ELLIPSIS.length;
  const headEnd = headCut(text, Math.ceil(room / 2), Math.floor(room * (0.5 + HEAD_STRETCH)));
  const tailLength = room - headEnd;
  let tailStart = text.length - tailLength;
  // Not into an aside near the end: leave it out whole; else from the next boundary.
  const group = parenthesisGroups(text).find(([start, end]) => start < tailStart && tailStart < end);
  if (group && text.length - group[1] >= tailLength * (1 - BOUNDARY_REACH * 2)) tailStart = group[1];
  else tailStart = boundaryAfter(text, tailStart, Math.ceil(tailStart + tailLength / 2));
  return `${text.slice(0, headEnd).trimEnd()}${ELLIPSIS}${text.slice(tailStart).trimStart()}`;
}

/**
 * Where the head of a middle cut ends: the last boundary up to `longest` (so a word or an
 * address is kept whole), not inside a parenthesised aside (which is then left out whole);
 * `ideal` where there is none nearby.
 */
function headCut(text: string, ideal: number, longest: number): number {
  const groups = parenthesisGroups(text);
  const inAside = (position: number) => groups.some(([start, end]) => start < position && position < end);
  for (let i = longest; i > ideal * (1 - BOUNDARY_REACH); i--) {
    if (!inAside(i) && (BOUNDARY.test(text[i - 1]!) || text[i] === '(')) return i;
  }
  return ideal;
}

/** The first position at or after `from`, not after `limit`, just before a boundary character or after a space; else `from`. */
function boundaryAfter(text: string, from: number, limit: number): number {
  for (let i = from; i < limit && i < text.length; i++) {
    if (/\s/.test(text[i]!)) return i + 1;
    if (BOUNDARY.test(text[i]!)) return i;
  }
  return from;
}

/** The top-level `(...)` groups of `text` as [start, end) pairs. */
function parenthesisGroups(text: string): [number, number][] {
  const groups: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') {
      if (depth++ === 0) start = i;
    } else if (text[i] === ')' && depth > 0 && --depth === 0) {
      groups.push([start, i + 1]);
    }
  }
  return groups;
}
