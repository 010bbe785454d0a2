/**
 * The parts of Vitest's runner task objects heaplens reads. Kept structural
 * (no import of Vitest's internal types) because their shape is stable from
 * Vitest 3.2 to 5 while the exported type names moved.
 */
export interface SuiteTask {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** Present on the file task only. */
  readonly filepath?: string;
  readonly suite?: SuiteTask;
  readonly file?: SuiteTask;
  /** Tests and nested suites (suites and files). */
  readonly tasks?: readonly SuiteTask[];
  /** `run`, `skip`, `only` or `todo`, as the runner decided before running. */
  readonly mode?: string;
}

function isTask(value: unknown): value is SuiteTask {
  return typeof value === 'object' && value !== null && 'id' in value && 'name' in value && 'type' in value;
}

/**
 * Vitest passes the suite as the hook's last argument: `beforeAll(suite)` up to
 * 4.0, `beforeAll(context, suite)` from 4.1, `aroundAll(runSuite, context, suite)`.
 */
export function suiteFromHookArgs(args: readonly unknown[]): SuiteTask {
  for (let i = args.length - 1; i >= 0; i -= 1) {
    const arg = args[i];
    if (isTask(arg)) return arg;
  }
  throw new Error('heaplens: this Vitest version did not pass the suite to the hook; supported: Vitest 3.2, 4 and 5');
}

/** The file task a suite belongs to. */
export function fileOf(suite: SuiteTask): SuiteTask {
  if (suite.filepath !== undefined) return suite;
  if (suite.file) return suite.file;
  let s: SuiteTask | undefined = suite;
  while (s && s.filepath === undefined) s = s.suite;
  if (!s) throw new Error(`heaplens: cannot find the test file of suite "${suite.name}"`);
  return s;
}

/** Titles from the outermost describe to this one, joined with ` > `; `''` for the file. */
export function suitePath(suite: SuiteTask): string {
  const names: string[] = [];
  for (let s: SuiteTask | undefined = suite; s && s.filepath === undefined; s = s.suite) names.unshift(s.name);
  return names.join(' > ');
}

/** Tests in a suite and its nested suites. */
export function countTests(suite: SuiteTask): number {
  let count = 0;
  for (const task of suite.tasks ?? []) count += task.type === 'suite' ? countTests(task) : 1;
  return count;
}

/** The task run right before this suite in its parent (a suite or test), or null when it is the first. */
export function previousSibling(suite: SuiteTask): SuiteTask | null {
  const siblings = (suite.suite ?? suite.file)?.tasks;
  if (!siblings) return null;
  const index = siblings.findIndex((task) => task.id === suite.id);
  return index > 0 ? siblings[index - 1]! : null;
}

/** The task run right after this suite in its parent (a suite or test), or null when it is the last. */
export function nextSibling(suite: SuiteTask): SuiteTask | null {
  const siblings = (suite.suite ?? suite.file)?.tasks;
  if (!siblings) return null;
  const index = siblings.findIndex((task) => task.id === suite.id);
  return index >= 0 && index + 1 < siblings.length ? siblings[index + 1]! : null;
}
