/** Max characters of each readable part of a file name; the hash keeps names unique. */
const PART_MAX = 60;

/**
 * A readable, file-system-safe slug: ASCII letters, digits, `.`, `_` and `-`
 * only; never starts with a dot; never empty; at most `max` characters.
 * Path separators, `..`, NUL and control characters cannot survive it.
 */
export function slugify(text: string, max = PART_MAX): string {
  const ascii = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const slug = ascii
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/g, '');
  return slug || 'x';
}

/**
 * A short, stable hash of the parts that identify a scope exactly: the low 32 bits of cyrb53 (a
 * public-domain string hash), as 8 hex digits. Not node:crypto's sha256: a Vitest fork is a new
 * process per test file, and loading node:crypto there (16 internal modules) took ~3 ms of every
 * file, for 32 bits of a name.
 */
export function shortHash(...parts: readonly string[]): string {
  const text = parts.join('\0');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Who ran a scope: the isolate that measured it. */
export interface WorkerIdentity {
  /** `worker_threads.threadId`: 0 on a process's main thread. */
  readonly threadId: number;
  readonly pid: number;
  /** The runner's worker id (VITEST_POOL_ID, JEST_WORKER_ID), when it has one. */
  readonly workerId: string | null;
}

export interface ScopeKey {
  /** Project-relative test file path with `/` separators. */
  readonly file: string;
  /** Suite titles joined with ` > `; `''` for a whole file. */
  readonly suite: string;
  /** Distinguishes scopes whose file and suite are equal (two describes with one title). */
  readonly ordinal: number;
}

/** The readable part of a scope's names that comes from its test file (`test/a.test.ts` → `test_a.test.ts`). */
export function fileSlug(file: string): string {
  return slugify(file.replace(/\//g, '_'));
}

/**
 * The base name shared by a scope's record and its snapshots:
 * `<file>__<suite>__t<thread>-p<pid>__<hash>`. The readable parts say which
 * test file, suite and worker; the hash (of the full file, suite, ordinal,
 * thread and pid) keeps names unique when slugs are truncated or when one
 * worker runs many files.
 */
export function scopeBaseName(key: ScopeKey, worker: WorkerIdentity): string {
  const file = fileSlug(key.file);
  const suite = key.suite === '' ? 'file' : slugify(key.suite.replace(/ > /g, '_'));
  const hash = shortHash(key.file, key.suite, String(key.ordinal), String(worker.threadId), String(worker.pid));
  return `${file}__${suite}__${workerTag(worker)}__${hash}`;
}

/** `t<thread>-p<pid>`, plus `-w<id>` when the runner numbers its workers (JEST_WORKER_ID, VITEST_POOL_ID). */
export function workerTag(worker: WorkerIdentity): string {
  const id = worker.workerId === null || worker.workerId === '' ? '' : `-w${slugify(worker.workerId, 12)}`;
  return `t${worker.threadId}-p${worker.pid}${id}`;
}

/**
 * The record name of one test file's environment check, `<file>__environment__<hash>`:
 * without the worker, so the reporter can find it from the file and project alone.
 */
export function environmentRecordName(file: string, project: string): string {
  return `${fileSlug(file)}__environment__${shortHash(file, project)}.json`;
}

/** The snapshot taken when a file's environment outlived it: `<file>__environment__<worker>__<hash>.heapsnapshot`. */
export function environmentSnapshotName(file: string, project: string, worker: WorkerIdentity): string {
  return `${fileSlug(file)}__environment__${workerTag(worker)}__${shortHash(file, project)}.heapsnapshot`;
}

export type Phase = 'before' | 'after';

export function snapshotFileName(base: string, phase: Phase): string {
  return `${base}__${phase}.heapsnapshot`;
}
