import { describe, expect, it } from 'vitest';
import type { EnvironmentRecord } from '../src/core/environment-record.js';
import type { EnvironmentAnalysis } from '../src/engine/scope-analysis.js';
import { okScopeSnapshots, unretainedEnvironmentSnapshots } from '../src/report/keep-snapshots.js';
import { MB, measurement, scopeRecord } from './support/records.js';

const pair = (name: string, after = true) =>
  ({ status: 'written', before: `snapshots/${name}__before.heapsnapshot`, after: after ? `snapshots/${name}__after.heapsnapshot` : null }) as const;

describe('okScopeSnapshots', () => {
  it("lists the pairs of finished ok scopes only: not a leak's, not a running scope's", () => {
    const ok = scopeRecord({ suite: 'ok', snapshots: pair('ok') });
    const leak = scopeRecord({ suite: 'leak', after: measurement(15 * MB), snapshots: pair('leak') });
    const running = scopeRecord({ suite: 'running', state: 'running', after: null, snapshots: pair('running', false) });
    expect(okScopeSnapshots([ok, leak, running], MB)).toEqual(['snapshots/ok__before.heapsnapshot', 'snapshots/ok__after.heapsnapshot']);
  });

  it('lists the before file of an ok scope whose after snapshot was skipped, and nothing for scopes without snapshots', () => {
    const skipped = scopeRecord({ snapshots: { status: 'skipped', reason: 'budget', before: 'snapshots/s__before.heapsnapshot' } });
    const none = scopeRecord({ snapshots: { status: 'skipped', reason: 'budget', before: null } });
    expect(okScopeSnapshots([skipped, none, scopeRecord()], MB)).toEqual(['snapshots/s__before.heapsnapshot']);
  });
});

describe('unretainedEnvironmentSnapshots', () => {
  const env = (file: string): EnvironmentRecord => ({
    kind: 'heaplens-environment',
    version: 1,
    runner: { name: 'jest', version: '30' },
    file,
    project: '',
    worker: { threadId: 0, pid: 1, workerId: '1' },
    state: 'retained',
    before: null,
    after: null,
    snapshot: { status: 'written', file: `snapshots/${file}.heapsnapshot`, probe: 'p' },
    error: null,
  });

  it('lists the snapshots whose analysis found only weak holders, keeping retained and unanalysed ones', () => {
    const analyses = new Map<string, EnvironmentAnalysis>([
      ['snapshots/weak.heapsnapshot', { ok: true, retention: { status: 'unreachable', className: 'Object' } }],
      ['snapshots/held.heapsnapshot', { ok: true, retention: { status: 'retained', path: ['(GC roots)', 'Object'], className: 'Object', bytes: MB } }],
    ]);
    expect(unretainedEnvironmentSnapshots([env('weak'), env('held'), env('unanalysed')], analyses)).toEqual(['snapshots/weak.heapsnapshot']);
  });
});
