/**
 * Line ends cached before a heap snapshot.
 *
 * Why: for every function in the heap, V8's snapshot generator records where
 * it is defined (`V8HeapExplorer::ExtractLocationForJSFunction` →
 * `Script::GetPositionInfo`), and for a script whose line ends V8 has not
 * computed, it scans the script's source for each function instead of
 * computing them once. With TypeScript's 9 MB `typescript.js` loaded (ts-jest,
 * or any test that loads typescript), one snapshot took 26 s on Node 20
 * (measured: `require('typescript')`, one `transpileModule`, then
 * `v8.writeHeapSnapshot()`). Enabling the debugger makes V8 compute and keep
 * every script's line ends (it reports each script's end position), and
 * disabling it right away keeps them. The same snapshot then took 1.2 s,
 * plus 0.1 s for this.
 *
 * An in-thread inspector session answers `post` synchronously, so this is
 * done when it returns: it can run right before `writeHeapSnapshot` in a hook
 * that must not yield.
 */
import type { Session } from 'node:inspector';
import { createRequire } from 'node:module';

/** Caches every script's line ends through `session`; false when the debugger could not be enabled. */
export function cacheLineEnds(session: Session): boolean {
  let ok = false;
  session.post('Debugger.enable', (error) => {
    ok = !error;
  });
  session.post('Debugger.disable', () => undefined);
  return ok;
}

/**
 * The same through a session of its own, opened on first use and never
 * closed: closing a session disables its HeapProfiler agent, which clears
 * V8's object ids (in any session), and ids are how a diff of a snapshot pair
 * tells new objects from old ones. Returns false where Node has no inspector.
 */
export function createLineEndsCache(): () => boolean {
  let session: Session | null = null;
  return () => {
    if (!session) {
      try {
        // Loaded when needed, synchronously: Node built without the inspector throws here.
        const inspector = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
        session = new inspector.Session();
        session.connect();
      } catch {
        return false;
      }
    }
    return cacheLineEnds(session);
  };
}
