import type { WatchedEnvironment } from '../core/environment-watch.js';
import { toPosixRelative } from '../core/paths.js';
import { installRuntime } from '../core/runtime.js';
import type { OpenScope } from '../core/scope-tracker.js';
import { runsPerTest } from '../core/repetition.js';
import { appendRepeats, countTests, describePath, isRootBlock, nextSibling, previousSibling } from './describe-block.js';
import { testBoundary } from './test-boundaries.js';
import type { CircusEvent, CircusState, DescribeBlock } from './types.js';
import type { WorkerTracking } from './worker-state.js';

/**
 * heaplens' part of one test file's environment: it installs the runtime
 * that `trackHeap()` calls on the file's global object, turns jest-circus
 * events into measured scopes (a marked describe block is measured from
 * `run_describe_start`, before its beforeAll hooks, to `run_describe_finish`,
 * after its last afterAll hook), and watches the environment itself.
 * All measuring is done by the core tracker and watch.
 */
export class FileTracking {
  readonly file: string;
  private state: CircusState | null = null;
  private readonly marked = new WeakSet<DescribeBlock>();
  private readonly open = new Map<DescribeBlock, Promise<OpenScope | null>>();
  private readonly ordinals = new Map<string, number>();
  private watched: Promise<WatchedEnvironment | null> = Promise.resolve(null);
  /** The block whose scope ended last, while no other circus event has come since. */
  private lastEnded: DescribeBlock | null = null;

  constructor(
    private readonly tracking: WorkerTracking,
    root: string,
    testPath: string,
    private readonly project: string,
  ) {
    this.file = toPosixRelative(root, testPath);
  }

  /** Puts the runtime on the test file's global; trackHeap() in the file finds it there. */
  install(global: object): void {
    installRuntime(global, { runner: 'jest', track: () => this.track() });
  }

  /** At environment setup: waits for the previous file's check in this worker, then starts watching this one. */
  async setUp(global: object): Promise<void> {
    this.watched = this.tracking.watch.watch({ file: this.file, project: this.project }, global);
    await this.watched;
  }

  private track(): void {
    const state = this.state;
    if (!state || state.hasStarted) {
      throw new Error(
        `heaplens: trackHeap() in ${this.file} must be called inside a describe callback or at the top level of the file, ` +
          'not inside a test or hook.',
      );
    }
    this.marked.add(state.currentDescribeBlock);
  }

  private wanted(block: DescribeBlock): boolean {
    return this.marked.has(block) || (isRootBlock(block) && this.tracking.included.has(this.file));
  }

  /**
   * Every circus event; synchronous ones (collection) only record the state.
   * Test events mark boundaries in the open scopes, so that what a scope kept
   * is attributed to the test and hook that allocated it.
   */
  onEvent(event: CircusEvent, state: CircusState): Promise<void> | undefined {
    this.state = state;
    // Any event but the next block's start means something ran since the last scope ended.
    const follows = event.name === 'run_describe_start' && 'describeBlock' in event && this.lastEnded !== null && previousSibling(event.describeBlock) === this.lastEnded;
    this.lastEnded = null;
    if (follows) return this.begin((event as { describeBlock: DescribeBlock }).describeBlock, true);
    // A scope that ended expecting its next sibling (end()) is read before anything else runs: circus
    // awaits this event's handler before the hook, test or block it announces.
    if (this.tracking.tracker.unread) return this.tracking.tracker.flush().then(() => this.dispatch(event));
    return this.dispatch(event);
  }

  private dispatch(event: CircusEvent): Promise<void> | undefined {
    if (event.name === 'run_describe_start' && 'describeBlock' in event) return this.begin(event.describeBlock);
    if (event.name === 'run_describe_finish' && 'describeBlock' in event) return this.end(event.describeBlock);
    const boundary = this.open.size > 0 ? testBoundary(event) : null;
    if (boundary) this.tracking.tracker.boundary(boundary.kind, boundary.startsTest);
    return undefined;
  }

  private async begin(block: DescribeBlock, follows = false): Promise<void> {
    if (!this.wanted(block) || this.open.has(block)) return;
    const suite = describePath(block);
    const ordinal = this.ordinals.get(suite) ?? 0;
    this.ordinals.set(suite, ordinal + 1);
    const tests = countTests(block);
    const runs = this.tracking.repeat ? runsPerTest(tests) : 1;
    if (runs > 1) appendRepeats(block, runs);
    const opening = this.tracking.tracker.begin({ file: this.file, suite, ordinal }, tests * runs, runs, follows);
    this.open.set(block, opening);
    await opening;
  }

  private async end(block: DescribeBlock): Promise<void> {
    const opening = this.open.get(block);
    if (!opening) return;
    this.open.delete(block);
    const scope = await opening;
    // A tracked sibling next: this scope's reading waits for the group's (one GC for both).
    const next = nextSibling(block) as DescribeBlock | null;
    await scope?.end({ deferRead: (next as { type?: string } | null)?.type === 'describeBlock' && this.wanted(next!) });
    this.lastEnded = block;
  }

  /** Before the environment is torn down: scopes a failed run left open are closed (and recorded). */
  async closeAll(): Promise<void> {
    for (const block of [...this.open.keys()].reverse()) await this.end(block);
    await this.tracking.tracker.flush();
  }

  /** From heaplens' test runner as the file starts: Jest's source map registry for it (runtime-source-maps.ts). */
  useSourceMaps(registry: ReadonlyMap<string, string>): void {
    this.tracking.sourceMaps.use(registry);
  }

  /** After the environment is torn down: schedules the check whether it is still alive. */
  async tornDown(): Promise<void> {
    // Nothing of this file is mapped any more; the registry is the runtime's, let go with it.
    this.tracking.sourceMaps.use(null);
    (await this.watched)?.tornDown();
  }
}
