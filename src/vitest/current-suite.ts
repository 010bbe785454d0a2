/**
 * Vitest's `getCurrentSuite()`: the suite being collected, whose `suite` is the task Vitest will run.
 * Vitest 5 has it as `TestRunner.getCurrentSuite`; Vitest 3.2 and 4 export it from `vitest/suite` (a
 * subpath Vitest 5 dropped). Null where neither is there: then no scope waits for its sibling's reading.
 */
export type CurrentSuite = () => { readonly suite?: object } | undefined;

export async function loadCurrentSuite(vitest: object): Promise<CurrentSuite | null> {
  const runner = (vitest as { TestRunner?: { getCurrentSuite?: CurrentSuite } }).TestRunner;
  if (typeof runner?.getCurrentSuite === 'function') return () => runner.getCurrentSuite!();
  try {
    const { getCurrentSuite } = (await import('vitest/suite')) as { getCurrentSuite?: CurrentSuite };
    return typeof getCurrentSuite === 'function' ? getCurrentSuite : null;
  } catch {
    return null;
  }
}
