/**
 * heaplens setup file for Vitest: the plugin puts it first in `setupFiles`.
 * It runs in the worker, before each test file is collected, and installs the
 * runtime that `trackHeap()` calls. It only wires Vitest hooks to the core
 * scope tracker; all measuring and recording happens there.
 */
import { createRequire } from 'node:module';
import * as vitest from 'vitest';
import { toPosixRelative } from '../core/paths.js';
import { installRuntime } from '../core/runtime.js';
import { runsPerTest } from '../core/repetition.js';
import { createScopeTracker, type OpenScope, type ScopeTracker } from '../core/scope-tracker.js';
import { loadCurrentSuite, type CurrentSuite } from './current-suite.js';
import { vitestSourceMaps } from './module-source-maps.js';
import { PROVIDE_KEY, type ProvidedHeaplens } from './provided.js';
import { countTests, fileOf, nextSibling, previousSibling, suiteFromHookArgs, suitePath, type SuiteTask } from './suite-task.js';

/** Measuring waits for GC to settle and may write a large snapshot: allow far more than a normal hook. */
const HOOK_TIMEOUT = 10 * 60 * 1000;

type Hook = (...args: unknown[]) => unknown;
type Register = (fn: Hook, timeout?: number) => void;
const hooks = vitest as unknown as { aroundAll?: Register; beforeAll: Register; afterAll: Register; beforeEach: Register; afterEach: Register };

/** The test run a hook runs for: Vitest passes the test context first (`context.task`); a repeated test's runs differ by `repeatCount`. */
function testIdOf(args: readonly unknown[]): string | null {
  const task = (args[0] as { task?: { id?: unknown; result?: { repeatCount?: unknown } } } | undefined)?.task;
  if (typeof task?.id !== 'string') return null;
  const run = task.result?.repeatCount;
  return typeof run === 'number' && run > 0 ? `${task.id}#${run}` : task.id;
}

/** Makes Vitest run each test of a suite `runs` times (its `repeats`, hooks included), unless the test asks for more. */
function repeatTests(suite: SuiteTask, runs: number): void {
  for (const task of suite.tasks ?? []) {
    if (task.type === 'suite') repeatTests(task, runs);
    else {
      const test = task as unknown as { repeats?: number };
      test.repeats = Math.max(test.repeats ?? 0, runs - 1);
    }
  }
}

const provided = (vitest.inject as (key: string) => unknown)(PROVIDE_KEY) as ProvidedHeaplens | undefined;
if (!provided) {
  throw new Error(
    "heaplens: the setup file ran without the heaplens plugin. Add heaplens() from 'heaplens/vitest' to `plugins` " +
      'in vitest.config instead of listing heaplens/vitest/setup in setupFiles.',
  );
}
const { options, includeFiles, vitestVersion, registerOnLoad } = provided;

/**
 * This isolate's thread id (0 on a process's main thread), read when the first scope starts: a fork has
 * not loaded node:worker_threads, and loading it took ~1.6 ms of every test file, tracked or not.
 */
function currentThreadId(): number {
  return (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).threadId;
}

/**
 * Sets up measuring in this worker (once per module instance: per worker with
 * `isolate: false`, else per test file) and returns what registers the hooks
 * of `include`d files in the file being collected.
 */
function startTracking(currentSuite: CurrentSuite | null): () => void {
  // Made when the first scope starts: a file that tracks nothing (not in `include`, no trackHeap()) pays
  // for none of it (V8's gc() from a new context, the sampler, the thread id).
  let tracker: ScopeTracker | null = null;
  const trackerNow = (): ScopeTracker =>
    (tracker ??= createScopeTracker({
      options,
      runner: { name: 'vitest', version: vitestVersion },
      worker: {
        threadId: currentThreadId(),
        pid: process.pid,
        workerId: process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? null,
      },
      sourceMapOf: vitestSourceMaps(globalThis),
    }));
  const included = new Set(includeFiles);
  /** Suites being measured right now: a suite marked twice (include + trackHeap) is measured once. */
  const active = new Set<string>();
  /** The suite whose scope ended last, while no other scope has begun since. */
  let lastClosed: string | null = null;
  /** Suites whose describe callback called trackHeap() (the task objects Vitest runs), to tell a tracked next sibling. */
  const marked = new WeakSet<object>();
  /** Same file and suite title seen before in this file: keeps names apart. */
  const seen = new Map<string, number>();

  /** The test whose start (and end) was last marked: nested tracked suites each register hooks, one mark per test is enough. */
  let started: string | null = null;
  let ended: string | null = null;

  const relativeFile = (suite: SuiteTask) => toPosixRelative(options.root, fileOf(suite).filepath!);

  async function open(suite: SuiteTask): Promise<OpenScope | null> {
    if (active.has(suite.id)) return null;
    active.add(suite.id);
    const file = relativeFile(suite);
    const name = suitePath(suite);
    const seenKey = `${file}\0${name}`;
    const ordinal = seen.get(seenKey) ?? 0;
    seen.set(seenKey, ordinal + 1);
    const tests = countTests(suite);
    // The repeat pass: set before the suite's tests run (aroundAll, or beforeAll before Vitest 4.1).
    const runs = options.repeat ? runsPerTest(tests) : 1;
    if (runs > 1) repeatTests(suite, runs);
    // Right after the previous sibling's scope ended, nothing of the user's ran in between: its end's GCs count.
    const follows = lastClosed !== null && previousSibling(suite)?.id === lastClosed;
    lastClosed = null;
    return trackerNow().begin({ file, suite: name, ordinal }, tests * runs, runs, follows);
  }

  /** Whether the suite run right after this one is a tracked suite (its scope can start where this one ends). */
  function trackedSuiteFollows(suite: SuiteTask): boolean {
    const next = nextSibling(suite);
    return next !== null && next.type === 'suite' && (next.mode === 'run' || next.mode === 'only') && marked.has(next);
  }

  async function close(suite: SuiteTask, scope: OpenScope | null | undefined): Promise<void> {
    if (!scope) return;
    try {
      // A tracked sibling next: this scope's reading waits for the group's (one GC for both). Should that
      // sibling not start after all, the file's last hook reads it (flush, below).
      await scope.end({ deferRead: trackedSuiteFollows(suite) });
      lastClosed = suite.id;
    } finally {
      active.delete(suite.id);
    }
  }

  /**
   * Vitest >= 4.1 has `aroundAll`, which wraps the suite's own beforeAll and
   * afterAll hooks, so "after" is measured once every cleanup hook has run,
   * whatever `sequence.hooks` says. Older versions get a beforeAll/afterAll
   * pair; registered first, our afterAll runs last under the default
   * `sequence.hooks: 'stack'`.
   */
  function register(wanted: (suite: SuiteTask) => boolean): void {
    // Test boundaries, for attributing what a scope kept to the test that
    // allocated it. Registered first in the suite, beforeEach runs before the
    // suite's own beforeEach hooks and afterEach after its afterEach hooks
    // (Vitest's default `sequence.hooks: 'stack'`). No GC: just a marker.
    hooks.beforeEach(function heaplensBeforeEach() {
      // eslint-disable-next-line prefer-rest-params
      const id = testIdOf([...arguments]);
      if (id === null || id === started) return;
      started = id;
      tracker?.boundary('test', true);
    });
    hooks.afterEach(function heaplensAfterEach() {
      // eslint-disable-next-line prefer-rest-params
      const id = testIdOf([...arguments]);
      if (id === null || id === ended) return;
      ended = id;
      tracker?.boundary('after', false);
    });
    // The callbacks declare no parameters and read `arguments` instead:
    // Vitest >= 4.1 parses a hook's parameter list to find fixtures and rejects
    // anything but a destructuring pattern in the context position.
    if (typeof hooks.aroundAll === 'function') {
      hooks.aroundAll(async function heaplensAroundAll() {
        // eslint-disable-next-line prefer-rest-params
        const [runSuite, ...rest] = [...arguments] as unknown[];
        const suite = suiteFromHookArgs(rest);
        const scope = wanted(suite) ? await open(suite) : null;
        try {
          await (runSuite as () => Promise<void>)();
        } finally {
          await close(suite, scope);
        }
      }, HOOK_TIMEOUT);
      return;
    }
    const opened = new Map<string, OpenScope | null>();
    hooks.beforeAll(async function heaplensBeforeAll() {
      // eslint-disable-next-line prefer-rest-params
      const suite = suiteFromHookArgs([...arguments]);
      if (wanted(suite)) opened.set(suite.id, await open(suite));
    }, HOOK_TIMEOUT);
    hooks.afterAll(async function heaplensAfterAll() {
      // eslint-disable-next-line prefer-rest-params
      const suite = suiteFromHookArgs([...arguments]);
      const scope = opened.get(suite.id);
      opened.delete(suite.id);
      await close(suite, scope);
    }, HOOK_TIMEOUT);
  }

  installRuntime(globalThis, {
    runner: 'vitest',
    track: () => {
      // Inside a describe callback, the suite being collected is the task Vitest will run.
      const collecting = currentSuite?.()?.suite;
      if (collecting) marked.add(collecting);
      register(() => true);
    },
  });
  return () => {
    if (included.size > 0) register((suite) => included.has(relativeFile(suite)));
    // The file's last hook: a scope that ended waiting for a sibling that then did not start is read here.
    hooks.afterAll(async function heaplensFlush() {
      if (tracker?.unread) await tracker.flush();
    }, HOOK_TIMEOUT);
  };
}

function disabled(): () => void {
  installRuntime(globalThis, { runner: 'vitest', track: () => undefined });
  return () => undefined;
}

const fileHooks = options.enabled ? startTracking(await loadCurrentSuite(vitest)) : disabled();

/**
 * Registers the hooks of `include`d files in the test file being collected.
 * The plugin's per-file setup module calls it before every test file: this
 * module is in node_modules, so Vitest evaluates it once per worker when
 * `isolate` is false, and hooks registered here at load time would reach only
 * the worker's first file.
 */
export function registerFileHooks(): void {
  fileHooks();
}

if (registerOnLoad) registerFileHooks();
