/**
 * The few shapes of Jest's environment, circus and reporter APIs heaplens
 * touches, written structurally so that one build works with Jest 29 and 30
 * (whose published types differ in details heaplens does not use).
 */

/** What Jest passes to a test environment's constructor (`JestEnvironmentConfig`). */
export interface EnvironmentConfig {
  readonly globalConfig: Record<string, unknown>;
  readonly projectConfig: {
    readonly id?: string;
    readonly rootDir: string;
    readonly testEnvironmentOptions?: Record<string, unknown>;
    readonly [key: string]: unknown;
  };
}

/** What Jest passes as the second constructor argument (`EnvironmentContext`). */
export interface EnvironmentContext {
  readonly testPath: string;
  readonly [key: string]: unknown;
}

/** A test environment instance, as jest-runner and jest-circus use it. */
export interface EnvironmentInstance {
  global: object;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  handleTestEvent?(event: CircusEvent, state: CircusState): unknown;
  [key: string]: unknown;
}

export type EnvironmentClass = new (config: EnvironmentConfig, context: EnvironmentContext) => EnvironmentInstance;

/** A jest-circus describe block (`Circus.DescribeBlock`). */
export interface DescribeBlock {
  readonly name: string;
  readonly parent?: DescribeBlock;
  /** Tests and nested blocks, in definition order. */
  readonly children?: ReadonlyArray<{ readonly type: string } & Partial<DescribeBlock>>;
}

/** The jest-circus state handed to `handleTestEvent`. */
export interface CircusState {
  readonly currentDescribeBlock: DescribeBlock;
  readonly rootDescribeBlock: DescribeBlock;
  readonly hasStarted: boolean;
}

/** The jest-circus events heaplens reacts to; others pass through. */
export type CircusEvent =
  | { readonly name: 'run_describe_start' | 'run_describe_finish'; readonly describeBlock: DescribeBlock }
  | { readonly name: 'teardown' }
  | { readonly name: string };
