/**
 * Labels shortened to fit a line without cutting a word or an aside in two: a label cut
 * at a fixed character count read `socket … (reuse…fore this test, e.g. kept in a …)`,
 * which says nothing. The cut goes where a path or a command is least informative, its
 * middle, at word (or path segment) boundaries; a closing parenthesised part (`(reused:
 * created before this test, ...)`, `(fds 21, 23)`) is kept whole when it
 * leaves the text before it a fair share of the line, else cut at a word and closed; a
 * parenthesised part the cut would fall into is left out whole.
 */

const ELLIPSIS = '…';
/** The least room the text before a closing part keeps. */
const MIN_HEAD = 16;
/** The share of the width the text before a closing part keeps, where it is that long: what it is comes before the aside. */
const HEAD_SHARE = 0.4;
/** How far the cut of a closing part may move back to end at a word, as a share of its room. */
const BOUNDARY_REACH = 0.35;

/** `text` in at most `max` characters (an ellipsis marks what was left out). */
export function shortenLabel(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, Math.max(0, max));
  const tail = closingParenthesis(text);
  if (tail !== undefined) {
    const head = text.slice(0, text.length - tail.length).trimEnd();
    const headNeeds = headShare(head, max);
    if (max - tail.length - 1 >= headNeeds) return `${cutMiddle(head, max - tail.length - 1)} ${tail}`;
    // The closing part is too long to keep whole: the head gets its share, the part is cut at its end.
    const shortHead = cutMiddle(head, headNeeds);
    if (max - shortHead.length - 1 >= MIN_HEAD) return `${shortHead} ${cutEnd(tail, max - shortHead.length - 1)}`;
  }
  return cutMiddle(text, max);
}

/**
 * `text` on one line of at most `max` characters, or on two where a closing aside does not
 * fit beside what comes before it but fits a line of its own (`max - indent`): `socket
 * 127.0.0.1:40092 -> 127.0.0.1:34279` then `(reused: created before this test, e.g. kept
 * in a keep-alive pool)`, nothing cut. Otherwise one line, shortened (see shortenLabel).
 */
export function labelLines(text: string, max: number, indent: number): [string] | [string, string] {
  if (text.length <= max) return [text];
  const tail = closingParenthesis(text);
  const head = tail === undefined ? '' : text.slice(0, text.length - tail.length).trimEnd();
  // An aside that fits beside a fair share of the text stays there (`..., with 3 pipes (fds 21, 23, 25)`).
  if (tail !== undefined && max - tail.length - 1 < headShare(head, max) && tail.length <= max - indent) {
    return [shortenLabel(head, max), tail];
  }
  return [shortenLabel(text, max)];
}

/** What the text before a closing aside keeps of a line of `max` at least. */
function headShare(head: string, max: number): number {
  return Math.min(head.length, Math.max(MIN_HEAD, Math.floor(max * HEAD_SHARE)));
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
/** The share of the room the end of a middle cut keeps to start at a word: at most (rather, at most the first), at least. */
const TAIL_MOST = [0.4, 0.6] as const;
const TAIL_LEAST = 0.1;
/** How far back from its room the start of a middle cut may end, to end at a boundary. */
const HEAD_REACH = 0.6;

/**
 * `text` cut in its middle to at most `max` characters: its end from the start of a word
 * (a command line's last arguments, a URL, a file name whole), its start up to a boundary,
 * neither inside a parenthesised aside.
 */
function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, Math.max(0, max));
  const room = max - ELLIPSIS.length;
  const inAside = asideTest(text);
  const firstTail = tailCut(text, room, inAside);
  let head = text.slice(0, headCut(text, room - (text.length - firstTail), inAside)).trimEnd();
  // What the start left of its room (it ended at a boundary, or before an aside) goes to the end.
  let tailStart = widerTail(text, firstTail, room - head.length, inAside);
  // `…, with 3 pipes`: the comma before a clause says one begins, so it is kept, at the start's expense.
  if (text.slice(tailStart - 2, tailStart) === ', ') {
    tailStart -= 2;
    const over = head.length + ELLIPSIS.length + text.length - tailStart - max;
    if (over > 0) head = text.slice(0, headCut(text, head.length - over, inAside)).trimEnd();
  }
  return `${head}${ELLIPSIS}${text.slice(tailStart).trimStart()}`;
}

/**
 * Where the end of a middle cut starts: the earliest word start that fits in 40% of the
 * room (else a little more), else the earliest boundary, not in an aside; else the first
 * boundary after half the room, else half the room.
 */
function tailCut(text: string, room: number, inAside: (position: number) => boolean): number {
  const latest = text.length - Math.ceil(room * TAIL_LEAST);
  const wordStart = (i: number) => /\s/.test(text[i - 1]!);
  const boundary = (i: number) => BOUNDARY.test(text[i - 1]!);
  for (const [share, starts] of [[TAIL_MOST[0], wordStart], [TAIL_MOST[1], wordStart], [TAIL_MOST[1], boundary]] as const) {
    for (let i = Math.max(1, text.length - Math.floor(room * share)); i <= latest; i++) if (!inAside(i) && starts(i)) return i;
  }
  const half = text.length - Math.floor(room / 2);
  for (let i = half; i < text.length; i++) if (!inAside(i) && boundary(i)) return i;
  return half;
}

/** The earliest word start before `tailStart` whose end fits in `room`, not in an aside; else `tailStart`. */
function widerTail(text: string, tailStart: number, room: number, inAside: (position: number) => boolean): number {
  for (let i = Math.max(1, text.length - room); i < tailStart; i++) if (!inAside(i) && /\s/.test(text[i - 1]!)) return i;
  return tailStart;
}

/** Where the start of a middle cut ends: the last boundary (or aside's start) within `room`, else `room`. */
function headCut(text: string, room: number, inAside: (position: number) => boolean): number {
  for (let i = room; i > room * (1 - HEAD_REACH); i--) {
    if (!inAside(i) && (BOUNDARY.test(text[i - 1]!) || text[i] === '(')) return i;
  }
  return Math.max(0, room);
}

/** Whether a cut at a position would fall inside one of the text's top-level `(...)` asides. */
function asideTest(text: string): (position: number) => boolean {
  const groups = parenthesisGroups(text);
  return (position) => groups.some(([start, end]) => start < position && position < end);
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
