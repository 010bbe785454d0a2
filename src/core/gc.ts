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

/**
 * Returns a function that blocks until this isolate's background (concurrent
 * TurboFan and Maglev) compile jobs are done, or a no-op where V8 does not
 * offer that.
 *
 * Why: a function queued for optimization is held by its compile job (V8
 * persistent handles, strong GC roots) until the job has run on a background
 * thread and the main thread has installed its code. The function holds its
 * closure context, and with it everything the context holds: a test's
 * `(_, i) => makeQuote(i)` callback keeps that test's whole `history` array
 * alive while its job waits. On a busy machine (the background threads get
 * little CPU, and each full GC keeps them busy too) the job can outlast all
 * the GCs of a settle, and a suite that cleaned up shows up as a leak of the
 * size of what the job holds; a moment later that memory is gone.
 *
 * V8's `%WaitForBackgroundOptimization()` waits for those jobs (it changes
 * nothing else); the main thread installs their code, and lets go of what
 * they held, at its next JS function call. It is a V8 native (test-only
 * syntax), so, as for `gc()`, the flag that allows it is switched on just to
 * compile one function, and back off (unless it was on already).
 */
function getBackgroundCompileWait(): () => void {
  const source = '%WaitForBackgroundOptimization()';
  let withoutFlag: string;
  try {
    // Natives already allowed (node --allow-natives-syntax): leave the flag alone.
    return new Function(source) as () => void;
  } catch (error) {
    // The usual case: natives are not allowed ("Unexpected token '%'").
    withoutFlag = String(error);
  }
  // The flag is process-wide: another thread doing the same can switch it off
  // in between (see getGc); then the error is the one without the flag again.
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    setFlagsFromString('--allow-natives-syntax');
    try {
      const wait = new Function(source) as () => void;
      wait(); // called once while the flag is on, so that no later (lazy) compile of it needs the flag
      return wait;
    } catch (error) {
      // A V8 without this native, or code generation from strings disallowed: nothing to wait with.
      if (String(error) !== withoutFlag) break;
    } finally {
      setFlagsFromString('--no-allow-natives-syntax');
    }
  }
  return () => undefined;
}

let backgroundCompileWait: (() => void) | undefined;

/** Blocks until this isolate's background compile jobs are done (see getBackgroundCompileWait): call before a GC whose reading counts. */
export function waitForBackgroundCompiles(): void {
  (backgroundCompileWait ??= getBackgroundCompileWait())();
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SettleOptions {
  /** Reads the value that should stop falling once garbage is gone (used heap). */
  readonly probe: () => number;
  /** Rounds at least / at most. */
  readonly minRounds?: number;
  readonly maxRounds?: number;
  /** Stop when one round frees less than this many bytes. */
  readonly epsilon?: number;
  /**
   * The probe's value right after a full GC that has already run (a scope's first reading, which forced
   * one to read the sampling profile): that GC counts as the first round, so the settle costs one GC less.
   */
  readonly afterGc?: number;
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
 * - a function being optimized in the background holds its closure context
 *   until its compile job is done and installed (see getBackgroundCompileWait).
 * So each round is: wait for background compile jobs, `gc()`, then one event-loop turn (`setImmediate`), and we
 * stop once a round frees less than `epsilon` bytes (default 64 KiB), after at
 * least `minRounds` (2: the second GC collects what the first one's finalizers
 * and cleared WeakRefs released) and at most `maxRounds` (8) rounds.
 */
export async function settleGc(gc: () => void, options: SettleOptions): Promise<void> {
  const { probe, minRounds = 2, maxRounds = 8, epsilon = 64 * 1024, afterGc } = options;
  let previous = afterGc ?? Number.POSITIVE_INFINITY;
  for (let round = afterGc === undefined ? 0 : 1; round < maxRounds; round += 1) {
    waitForBackgroundCompiles();
    gc();
    await nextTurn();
    const current = probe();
    if (round + 1 >= minRounds && previous - current < epsilon) return;
    previous = current;
  }
}
