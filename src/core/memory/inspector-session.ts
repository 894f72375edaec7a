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
