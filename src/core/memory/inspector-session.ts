/**
 * One inspector session to this very process, shared by the heap probe's tools (the
 * sampling heap profiler, heap snapshots). Connected on first use: most runs never need it.
 */
import type { Session } from 'node:inspector';
import { RealPromise } from '../real-timers';

let session: Session | undefined;

function connect(): Session {
  const { Session: InspectorSession } = require('node:inspector') as typeof import('node:inspector');
  const created = new InspectorSession();
  created.connect();
  return created;
}

/** Call an inspector protocol method (`HeapProfiler.takeHeapSnapshot`, ...). */
export function post<T>(method: string, params?: object): Promise<T> {
  session ??= connect();
  return new RealPromise((resolve, reject) => {
    session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

/**
 * Let go of the console messages V8 keeps for a connected session. While one is connected
 * (leakguard's, for the sampling profiler), V8 keeps the last 1,000 messages logged through
 * `console` with their arguments, for a client that may ask for them later: an object a test
 * logged stays reachable, and would count as memory the test kept (12 tests that each logged
 * a 1.5 MiB array were reported as leaking it). Called before each GC whose result judges
 * memory. Synchronous: the in-process session answers while `post` runs (~10 us). Without a
 * session, V8 keeps nothing.
 */
export function discardConsoleMessages(): void {
  session?.post('Runtime.discardConsoleEntries');
}

/** Where a function's code is: its script and position, as V8 numbers them (0-based). */
export interface FunctionLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

const LOCATE_KEY = Symbol.for('leakguard.locate');

/**
 * Where `fn` is defined (`[[FunctionLocation]]`), asked synchronously: the in-process
 * session answers while `post` runs. ~0.2 ms; undefined where the inspector cannot tell.
 */
export function functionLocation(fn: Function): FunctionLocation | undefined {
  session ??= connect();
  const objectGroup = 'leakguard-locate';
  const call = (method: string, params: object): any => {
    let answer: unknown;
    session!.post(method, params, (error, result) => {
      if (!error) answer = result;
    });
    return answer;
  };
  (globalThis as Record<symbol, unknown>)[LOCATE_KEY] = fn;
  try {
    const objectId = call('Runtime.evaluate', { expression: 'globalThis[Symbol.for("leakguard.locate")]', objectGroup })?.result?.objectId;
    if (!objectId) return undefined;
    const properties = call('Runtime.getProperties', { objectId, ownProperties: true })?.internalProperties as { name: string; value?: { value?: FunctionLocation } }[] | undefined;
    const location = properties?.find((property) => property.name === '[[FunctionLocation]]')?.value?.value;
    return location && typeof location.scriptId === 'string' ? location : undefined;
  } finally {
    delete (globalThis as Record<symbol, unknown>)[LOCATE_KEY];
    call('Runtime.releaseObjectGroup', { objectGroup });
  }
}

/**
 * Listen to a protocol event (`HeapProfiler.addHeapSnapshotChunk`) while `work` runs. The
 * in-process session delivers events synchronously, while the method that sends them
 * runs, so a listener sees every chunk of a snapshot as it is written.
 */
export async function withEvent<T>(
  event: string,
  listener: (params: any) => void,
  work: () => Promise<T>,
): Promise<T> {
  session ??= connect();
  const handler = (message: { params: unknown }) => listener(message.params);
  session.on(event, handler);
  try {
    return await work();
  } finally {
    session.off(event, handler);
  }
}
