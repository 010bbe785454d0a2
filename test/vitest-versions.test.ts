import { describe, expect, it } from 'vitest';
import { LEAKS_FIXTURE_VERDICTS } from './support/expected.js';
import { copyFixture, envNode, output, readReport, runVitest, verdicts, type EnvName } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';
import { execFileSync } from 'node:child_process';

// Vitest 3.2 and 4.0 (beforeAll/afterAll hooks) and Vitest 5 on Node 22 (aroundAll,
// 4.1+ hook signatures) give the same verdicts as Vitest 4.
const versions: Array<{ env: EnvName; version: string; pool: string }> = [
  { env: 'vitest-3', version: '3.2.4', pool: 'forks' },
  { env: 'vitest-3', version: '3.2.4', pool: 'threads' },
  { env: 'vitest-4.0', version: '4.0.18', pool: 'vmForks' },
  { env: 'vitest-5', version: '5.1.1', pool: 'forks' },
  { env: 'vitest-5', version: '5.1.1', pool: 'vmThreads' },
];

describe.each(versions)('vitest $version, pool $pool', ({ env, version, pool }) => {
  it('flags every leaking suite and no clean one', async () => {
    const dir = copyFixture(env, 'vitest-leaks');
    const result = await runVitest(env, dir, [`--pool=${pool}`]);
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(report.runner).toEqual({ name: 'vitest', version });
    expect(verdicts(report)).toEqual(LEAKS_FIXTURE_VERDICTS);
  });
});

describe('vitest 5 environment', () => {
  it('runs on Node >= 22.12', () => {
    const version = execFileSync(envNode('vitest-5'), ['--version'], { encoding: 'utf8' }).trim();
    const [major, minor] = version.slice(1).split('.').map(Number);
    expect(major! > 22 || (major === 22 && minor! >= 12), version).toBe(true);
  });
});
