import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A module preloaded into every process of a run (NODE_OPTIONS `--require`, which Jest's workers inherit)
 * that logs each `Debugger.*` method posted on an inspector session in that process. Returns the
 * environment to run with and a reader of the methods logged.
 */
export function debuggerProbe(dir: string): { readonly env: Record<string, string>; posted(): string[] } {
  const log = join(dir, 'debugger-posts.log');
  const probe = join(dir, 'debugger-probe.cjs');
  writeFileSync(
    probe,
    [
      "const { appendFileSync } = require('node:fs');",
      "const { Session } = require('node:inspector');",
      'const post = Session.prototype.post;',
      'Session.prototype.post = function (method, ...rest) {',
      `  if (String(method).startsWith('Debugger.')) appendFileSync(${JSON.stringify(log)}, method + '\\n');`,
      '  return post.call(this, method, ...rest);',
      '};',
      '',
    ].join('\n'),
  );
  return {
    env: { NODE_OPTIONS: `--require ${probe}` },
    posted: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}
