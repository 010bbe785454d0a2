import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Returns V8's `gc()` without requiring the process to be started with
 * `--expose-gc`.
 *
 * Why this works: `--expose-gc` installs a `gc` function on the global object
 * of every context created *after* the flag is set. Setting the flag at run
 * time and creating a fresh context hands us that function; we then switch the
 * flag back off so the user's own contexts (and `globalThis.gc`) stay as they
 * were. This is the technique Jest's `jest-leak-detector` uses.
 */
export function getGc(): () => void {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as () => void;
  // V8 flags belong to the whole process, not to one thread: a worker thread
  // starting at the same moment (Jest's and Vitest's thread pools start
  // several at once) can switch the flag off between our two steps, and the
  // new context then has no `gc`. So: ask again until the context has one.
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    setFlagsFromString('--expose-gc');
    let gc: unknown;
    try {
      gc = runInNewContext('typeof gc === "function" ? gc : undefined');
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
    if (typeof gc === 'function') return gc as () => void;
  }
  throw new Error(`heaplens: could not get V8's gc() after ${MAX_ATTEMPTS} attempts; start Node with --expose-gc`);
}

/** Each attempt takes a fraction of a millisecond; a race lasts about as long. */
const MAX_ATTEMPTS = 1000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SettleOptions {
  /** Reads the value that should stop falling once garbage is gone (used heap). */
  readonly probe: () => number;
  /** Rounds at least / at most. */
  readonly minRounds?: number;
  readonly maxRounds?: number;
  /** Stop when one round frees less than this many bytes. */
  readonly epsilon?: number;
}

/**
 * Runs full, synchronous major GCs until the heap settles. Each round costs a
 * full mark-compact (about 15 ms on a 25 MB heap), so the default is the
 * smallest count that still catches one level of deferred release.
 *
 * One `gc()` is not enough:
 * - `FinalizationRegistry` callbacks run as tasks *after* the GC that found
 *   their targets dead, and whatever they release is only collectable by the
 *   next GC;
 * - `WeakRef` targets are kept alive until the end of the current job
 *   (the "KeepDuringJob" set), so the ref must survive one event-loop turn
 *   before a GC can clear it;
 * - a closure released by a timer or an I/O callback needs that callback to
 *   have run.
 * So each round is: `gc()`, then one event-loop turn (`setImmediate`), and we
 * stop once a round frees less than `epsilon` bytes (default 64 KiB), after at
 * least `minRounds` (2: the second GC collects what the first one's finalizers
 * and cleared WeakRefs released) and at most `maxRounds` (8) rounds.
 */
export async function settleGc(gc: () => void, options: SettleOptions): Promise<void> {
  const { probe, minRounds = 2, maxRounds = 8, epsilon = 64 * 1024 } = options;
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < maxRounds; round += 1) {
    gc();
    await nextTurn();
    const current = probe();
    if (round + 1 >= minRounds && previous - current < epsilon) return;
    previous = current;
  }
}
