/**
 * Counts the JS objects a scope allocated that are still alive when it ends,
 * with V8's sampling heap profiler (the "Allocation sampling" of DevTools).
 *
 * Why not only heap-after minus heap-before: in pools where one worker runs
 * many files (vmThreads, vmForks, isolate: false), memory of a previous file
 * is sometimes released while the next file's suite runs, and that drop can
 * hide a leak of the same size. The profiler keeps a sample for every ~8 KiB
 * allocated, drops it when its object dies, and numbers samples in time order
 * ("ordinal"), so "samples newer than the scope's start that are still alive
 * after a settled GC" is an estimate of exactly what the scope kept, whatever
 * else was freed meanwhile. V8 scales each sample's `size` to the bytes it
 * stands for, so their sum estimates the retained bytes.
 *
 * ArrayBuffer backing stores live outside the JS heap and are not sampled;
 * callers add the external-memory growth for those.
 */
import { setFlagsFromString } from 'node:v8';
import type { SamplingProfile } from './attribution.js';

export interface AllocationSampler {
  /**
   * Starts sampling if no scope is open and returns the mark of "now", or
   * null when sampling is unavailable (callers then use heap deltas).
   */
  mark(): Promise<number | null>;
  /**
   * Counts one more scope on the open session, without reading the profile (no GC): a scope that
   * starts at its previous sibling's scope marker (scope-group.ts). False when no session is open.
   */
  retain(): boolean;
  /**
   * The whole sampling profile: the allocation call tree and the live samples.
   * Reading it costs a full GC (the inspector forces one before every read),
   * so it is read once per scope, at its end.
   */
  profile(): Promise<SamplingProfile>;
  /**
   * The `sourceMappingURL`s of the given scripts (by script id), from the
   * debugger's list of scripts. The debugger is enabled only for the moment
   * it takes: while enabled it holds every script strongly.
   */
  sourceMapUrls(scriptIds: ReadonlySet<string>): Promise<Map<string, string>>;
  /** Ends one scope that got a mark; sampling stops and the session closes when none is open. */
  release(): Promise<void>;
}

export interface SampledBytes {
  readonly bytes: number;
  readonly samples: number;
}

export const SAMPLING_INTERVAL = 8 * 1024;

/**
 * Stops V8 from inlining functions into the code it optimizes from now on, in
 * this process (V8 flags are process-wide).
 *
 * Why: a sampled stack lists the functions of the frames on the stack, and an
 * optimized frame is one function, whatever it inlined (V8's
 * SamplingHeapProfiler walks JavaScript frames, not their inlined
 * summaries). So once a hot caller inlines a helper, the helper's
 * allocations are sampled as the caller's. When that happens depends on when
 * the optimizing compiler gets to the caller, which varies from run to run: a
 * leak in `logLine()` called 2,500 times per test was reported at `logLine` in
 * 1 run of 10 and at the test function in the other 9. Without inlining, the
 * helper keeps its frame and the site is the same in every run.
 *
 * The cost is that of calls V8 would have inlined; tests rarely spend their
 * time in hot loops (see the bench in the README). It is not undone when the
 * last scope ends: another worker thread of the same process may be sampling.
 * Maglev (Node >= 22) does not inline by default; the flag makes sure.
 */
function keepInlinedFunctionsOnStacks(): void {
  setFlagsFromString('--no-turbo-inlining');
  setFlagsFromString('--no-maglev-inlining');
}

interface Sample {
  readonly size: number;
  readonly ordinal: number;
}

function maxOrdinal(samples: readonly Sample[]): number {
  let max = -1;
  for (const sample of samples) if (sample.ordinal > max) max = sample.ordinal;
  return max;
}

type Post = <T>(method: string, params?: object) => Promise<T>;

interface Connection {
  readonly post: Post;
  readonly close: () => void;
  readonly session: import('node:inspector').Session;
}

function connect(inspector: typeof import('node:inspector')): Connection {
  const session = new inspector.Session();
  session.connect();
  const post: Post = (method, params) =>
    new Promise((resolve, reject) => {
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as never)));
    });
  return { post, close: () => session.disconnect(), session };
}

/**
 * A sampler over an inspector session to this isolate (the worker's own, in a
 * worker thread). The session is opened when the first scope starts and
 * closed when the last one ends, so nothing outlives the scopes. Where the
 * inspector is missing (Node built without it) or the profiler is already in
 * use, `mark()` returns null.
 */
export function createAllocationSampler(): AllocationSampler {
  let open = 0;
  let current: Connection | null = null;
  const read = async (post: Post): Promise<SamplingProfile> =>
    (await post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile')).profile;
  const samples = async (post: Post): Promise<readonly Sample[]> => (await read(post)).samples;

  return {
    async mark() {
      if (current) {
        open += 1;
        return maxOrdinal(await samples(current.post));
      }
      try {
        const connection = connect(await import('node:inspector'));
        keepInlinedFunctionsOnStacks();
        try {
          await connection.post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL });
        } catch (error) {
          connection.close();
          throw error;
        }
        current = connection;
        open = 1;
        return -1;
      } catch {
        return null;
      }
    },
    retain() {
      if (!current) return false;
      open += 1;
      return true;
    },
    async sourceMapUrls(scriptIds) {
      const found = new Map<string, string>();
      if (!current || scriptIds.size === 0) return found;
      const { post, session } = current;
      const listener = (message: { params: { scriptId: string; sourceMapURL?: string } }) => {
        const { scriptId, sourceMapURL } = message.params;
        if (sourceMapURL && scriptIds.has(scriptId)) found.set(scriptId, sourceMapURL);
      };
      session.on('Debugger.scriptParsed', listener);
      try {
        await post('Debugger.enable');
      } catch {
        // No debugger (or it is in use): sites keep their generated positions.
      } finally {
        session.off('Debugger.scriptParsed', listener);
        await post('Debugger.disable').catch(() => undefined);
      }
      return found;
    },
    async profile() {
      if (!current) throw new Error('heaplens: profile() without an open sampling scope');
      return read(current.post);
    },
    async release() {
      if (!current) return;
      open -= 1;
      if (open > 0) return;
      const { close } = current;
      current = null;
      // Disconnecting stops the sampler (the inspector's HeapProfiler agent is
      // disabled with its session) and costs nothing. `stopSampling` would
      // also build and send the whole profile, after a forced full GC: as
      // long as a full GC (28 ms per scope on a Jest worker's heap, measured),
      // for a profile nobody reads.
      close();
    },
  };
}
