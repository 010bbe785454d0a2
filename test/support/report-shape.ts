/**
 * Checks a report.json value against schema version 2, field by field, and
 * returns every violation (an empty list means it conforms).
 */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function figures(v: unknown, where: string, problems: string[]): void {
  if (typeof v !== 'object' || v === null) {
    problems.push(`${where} is not an object`);
    return;
  }
  const f = v as Record<string, unknown>;
  for (const key of ['before', 'after', 'growth']) if (!isInt(f[key])) problems.push(`${where}.${key} is not an integer`);
  if (isInt(f.before) && isInt(f.after) && f.growth !== f.after - f.before) problems.push(`${where}.growth != after - before`);
}

export function reportProblems(value: unknown): string[] {
  const problems: string[] = [];
  const r = value as Record<string, any>;
  if (r.schemaVersion !== 2) problems.push('schemaVersion is not 2');
  if (r.tool?.name !== 'heaplens' || typeof r.tool?.version !== 'string') problems.push('tool is not {name: heaplens, version}');
  if (!['vitest', 'jest'].includes(r.runner?.name) || typeof r.runner?.version !== 'string') problems.push('runner is not {name, version}');
  if (typeof r.node !== 'string' || !r.node.startsWith('v')) problems.push('node is not a version');
  if (typeof r.snapshots !== 'boolean') problems.push('snapshots is not a boolean');
  if (typeof r.outDir !== 'string') problems.push('outDir is not a string');
  if (!isInt(r.threshold)) problems.push('threshold is not an integer');
  if (!Array.isArray(r.scopes)) problems.push('scopes is not an array');
  if (!Array.isArray(r.files)) problems.push('files is not an array');
  if (!Array.isArray(r.retainedEnvironments)) problems.push('retainedEnvironments is not an array');
  (r.retainedEnvironments ?? []).forEach((e: Record<string, any>, i: number) => {
    const at = `retainedEnvironments[${i}]`;
    if (typeof e.file !== 'string' || e.file.includes('\\') || e.file.startsWith('/')) problems.push(`${at}.file is not project-relative with /`);
    if (!isInt(e.worker?.threadId) || !isInt(e.worker?.pid)) problems.push(`${at}.worker is not {threadId, pid, workerId}`);
    if (!Array.isArray(e.path) || e.path.some((p: unknown) => typeof p !== 'string')) problems.push(`${at}.path is not a string array`);
    if (!(e.bytes === null || (isInt(e.bytes) && e.bytes >= 0))) problems.push(`${at}.bytes is neither null nor a non-negative integer`);
    if (e.bytes === null && e.path?.length > 0) problems.push(`${at} has a path but no bytes (both come from its snapshot)`);
    if (!(e.snapshot === null || typeof e.snapshot === 'string')) problems.push(`${at}.snapshot`);
    if (!(e.note === null || typeof e.note === 'string')) problems.push(`${at}.note`);
    if (e.path?.length === 0 && typeof e.note !== 'string') problems.push(`${at} has neither a path nor a note`);
  });
  if (!Array.isArray(r.problems)) problems.push('problems is not an array');
  (r.scopes ?? []).forEach((s: Record<string, any>, i: number) => {
    const at = `scopes[${i}]`;
    if (typeof s.file !== 'string' || s.file.includes('\\') || s.file.startsWith('/')) problems.push(`${at}.file is not project-relative with /`);
    if (typeof s.suite !== 'string') problems.push(`${at}.suite is not a string`);
    if (!isInt(s.worker?.threadId) || !isInt(s.worker?.pid) || !(s.worker?.workerId === null || typeof s.worker?.workerId === 'string')) {
      problems.push(`${at}.worker is not {threadId, pid, workerId}`);
    }
    if (!['leak', 'one-time', 'bounded', 'ok', 'inconclusive'].includes(s.verdict)) problems.push(`${at}.verdict is ${s.verdict}`);
    if (!(s.tests === null || isInt(s.tests))) problems.push(`${at}.tests is neither null nor an integer`);
    if (!Array.isArray(s.series) || s.series.some((v: unknown) => typeof v !== 'number')) problems.push(`${at}.series is not a number array`);
    if (!(s.rate === null || typeof s.rate === 'number')) problems.push(`${at}.rate`);
    if (!(s.runnerNote === null || typeof s.runnerNote === 'string')) problems.push(`${at}.runnerNote`);
    if (!Array.isArray(s.sites)) problems.push(`${at}.sites is not an array`);
    (s.sites ?? []).forEach((site: Record<string, any>, j: number) => {
      if (typeof site.site !== 'string' || !['user', 'runner'].includes(site.owner) || !['growing', 'recent', 'once'].includes(site.shape) || !isInt(site.tests)) {
        problems.push(`${at}.sites[${j}] is not {site, fn, owner, via, bytes, shape, tests, byPhase}`);
      }
      if (site.owner === 'user' && typeof site.site === 'string' && (site.site.startsWith('/') || site.site.includes('node_modules'))) {
        problems.push(`${at}.sites[${j}].site is not a project file: ${site.site}`);
      }
    });
    if (typeof s.reason !== 'string' || s.reason === '') problems.push(`${at}.reason is empty`);
    if (!Array.isArray(s.culprits)) problems.push(`${at}.culprits is not an array`);
    (s.culprits ?? []).forEach((c: Record<string, any>, j: number) => {
      if (typeof c.name !== 'string' || !isInt(c.count) || !isInt(c.size) || typeof c.retainedSize !== 'number' || !Array.isArray(c.path)) {
        problems.push(`${at}.culprits[${j}] is not {name, count, size, retainedSize, path}`);
      }
    });
    if (!(s.analysisError === null || typeof s.analysisError === 'string')) problems.push(`${at}.analysisError`);
    if (s.heap === null) {
      if (s.verdict !== 'inconclusive') problems.push(`${at}.heap is null for a ${s.verdict} scope`);
    } else figures(s.heap, `${at}.heap`, problems);
    if (s.snapshots !== null && (typeof s.snapshots?.before !== 'string' || typeof s.snapshots?.after !== 'string')) {
      problems.push(`${at}.snapshots is neither null nor {before, after}`);
    }
    if (!(s.snapshotsSkipped === null || typeof s.snapshotsSkipped === 'string')) problems.push(`${at}.snapshotsSkipped`);
    if (s.memory !== null) {
      for (const k of ['usedHeap', 'external', 'detachedContexts']) figures(s.memory?.[k], `${at}.memory.${k}`, problems);
    }
  });
  (r.files ?? []).forEach((f: Record<string, unknown>, i: number) => {
    if (typeof f.path !== 'string' || f.path.startsWith('/') || f.path.includes('..')) problems.push(`files[${i}].path is not relative to outDir`);
    if (!isInt(f.bytes) || (f.bytes as number) <= 0) problems.push(`files[${i}].bytes is not a positive integer`);
  });
  return problems;
}
