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
export interface AllocationSampler {
  /**
   * Starts sampling if no scope is open and returns the mark of "now", or
   * null when sampling is unavailable (callers then use heap deltas).
   */
  mark(): Promise<number | null>;
  /** Estimated bytes of sampled objects newer than `mark` that are still alive. */
  liveSince(mark: number): Promise<SampledBytes>;
  /** Ends one scope that got a mark; sampling stops and the session closes when none is open. */
  release(): Promise<void>;
}

export interface SampledBytes {
  readonly bytes: number;
  readonly samples: number;
}

export const SAMPLING_INTERVAL = 8 * 1024;

interface Sample {
  readonly size: number;
  readonly ordinal: number;
}

/** The samples part of a `HeapProfiler.getSamplingProfile` result. */
export function liveBytesSince(samples: readonly Sample[], mark: number): SampledBytes {
  let bytes = 0;
  let count = 0;
  for (const sample of samples) {
    if (sample.ordinal > mark) {
      bytes += sample.size;
      count += 1;
    }
  }
  return { bytes, samples: count };
}

function maxOrdinal(samples: readonly Sample[]): number {
  let max = -1;
  for (const sample of samples) if (sample.ordinal > max) max = sample.ordinal;
  return max;
}

type Post = <T>(method: string, params?: object) => Promise<T>;

function connect(inspector: typeof import('node:inspector')): { post: Post; close: () => void } {
  const session = new inspector.Session();
  session.connect();
  const post: Post = (method, params) =>
    new Promise((resolve, reject) => {
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as never)));
    });
  return { post, close: () => session.disconnect() };
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
  let current: { post: Post; close: () => void } | null = null;
  const samples = async (post: Post): Promise<Sample[]> =>
    (await post<{ profile: { samples: Sample[] } }>('HeapProfiler.getSamplingProfile')).profile.samples;

  return {
    async mark() {
      if (current) {
        open += 1;
        return maxOrdinal(await samples(current.post));
      }
      try {
        const connection = connect(await import('node:inspector'));
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
    async liveSince(mark) {
      if (!current) throw new Error('heaplens: liveSince() without an open sampling scope');
      return liveBytesSince(await samples(current.post), mark);
    },
    async release() {
      if (!current) return;
      open -= 1;
      if (open > 0) return;
      const { post, close } = current;
      current = null;
      try {
        await post('HeapProfiler.stopSampling');
      } finally {
        close();
      }
    },
  };
}
