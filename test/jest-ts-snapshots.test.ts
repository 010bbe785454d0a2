import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runJest } from './support/projects.js';

// fixtures/jest-ts: a ts-jest project. ts-jest loads TypeScript's compiler (typescript.js, 9 MB) into the
// worker; without the line ends cached first, V8's snapshot generator scanned that script's source for every
// function, and one snapshot took ~50 s (a ts-jest project's run never finished). How long it takes is for
// `npm run bench:ts-jest`; this checks that the pair is written and explains the leak.
describe('snapshots on a ts-jest project (fixtures/jest-ts)', () => {
  it('writes the pair and names the leak, allocated in the TypeScript source', async () => {
    const dir = copyFixture('jest-30', 'jest-ts');
    const result = await runJest('jest-30', dir, [], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(0);
    const [scope] = readReport(dir).scopes;
    expect(scope, output(result)).toMatchObject({ file: 'test/audit.test.ts', suite: 'audit log', verdict: 'leak' });
    expect(scope!.reason).toMatch(/allocated at src\/audit\.ts:9:\d+ \(record\(\)\)/);
    expect(scope!.snapshotsSkipped).toBeNull();
    for (const file of [scope!.snapshots!.before, scope!.snapshots!.after]) expect(statSync(join(dir, '.heaplens', file)).size).toBeGreaterThan(1_000_000);
    expect(scope!.culprits[0]).toMatchObject({ name: 'Object', site: expect.stringMatching(/^src\/audit\.ts:9:/) });
  });
});
