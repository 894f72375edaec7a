/**
 * What the memory lane knows of each unit (its window between two boundary markers) and of
 * each allocation site, as it attributes live samples.
 */
import type { TypeGrowth } from '../probe';
import type { UnitInfo } from '../report-model';
import type { AllocationSite } from './allocation-sampler';
import type { FunctionLocation } from './inspector-session';

export interface Window {
  unit: UnitInfo;
  group: unknown;
  from: number;
  to: number;
  fromOrdinal?: number;
  toOrdinal?: number;
  /** Its group has ended: what of it is alive at a read from now on, it keeps. */
  settled: boolean;
  rerun?: () => Promise<void>;
  body?: Function;
  /** Where its body is (see locateBodies). */
  bodyAt?: FunctionLocation;
  /**
   * It may have kept the threshold (see MemoryLane.mayHaveKept): a read where its suite ends
   * is due. Told only for a test that may run again, while no test before it in its suite
   * has been told so (one is enough for that read).
   */
  grew?: boolean;
  /** Its heap and ArrayBuffer readings grew past the threshold, GCs during it aside. */
  readingsGrew?: boolean;
  /** ArrayBuffer memory a full GC right after it left of its growth. */
  externalKept?: number;
  /** For a run again: what the heap and ArrayBuffer memory grew by over it, GC before and after. */
  grewBy?: number;
  /** Its runs again, each a window of its own. */
  repeats?: Window[];
  /** Why it was not run again, when it could have been. */
  notRepeated?: string;
  repeatOf?: Window;
  /** What its last run again kept, by type, and what retains it (heap snapshots, when on). */
  growthByType?: TypeGrowth[];
  retainerPath?: string[];
}

/** A live sample, attributed. */
export interface Entry {
  window: Window;
  site: AllocationSite;
  bytes: number;
  /** Counted as kept by its window (see Window.settled). */
  kept: boolean;
}

export interface SiteStats {
  site: AllocationSite;
  /** Bytes kept, per window that fed it. */
  keptBy: Map<Window, number>;
  /** It gave memory back at a read at which it was also fed. */
  turnedOver: boolean;
  /** Live bytes at the last read at which it was fed, and the most at any read before that. */
  liveWhenLastFed: number;
  peakBeforeLastFed: number;
}
