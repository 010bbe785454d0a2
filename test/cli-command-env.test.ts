import { describe, expect, it } from 'vitest';
import { commandEnv } from '../src/cli/run-command.js';

const base = { PATH: '/usr/bin', HOME: '/home/me' };
const off = { snapshots: false, failOnLeak: false, outDir: undefined, handshake: '/tmp/hs.json' };

describe('commandEnv', () => {
  it('keeps the base env and only adds the handshake by default', () => {
    expect(commandEnv(base, off)).toEqual({ PATH: '/usr/bin', HOME: '/home/me', HEAPLENS_HANDSHAKE: '/tmp/hs.json' });
  });

  it('sets each variable when asked', () => {
    expect(commandEnv(base, { snapshots: true, repeat: true, failOnLeak: true, outDir: 'out', handshake: '/tmp/hs.json' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      HEAPLENS_SNAPSHOTS: '1',
      HEAPLENS_REPEAT: '1',
      HEAPLENS_FAIL_ON_LEAK: '1',
      HEAPLENS_OUT_DIR: 'out',
      HEAPLENS_HANDSHAKE: '/tmp/hs.json',
    });
  });

  it('sets only the variable that was asked for', () => {
    const env = commandEnv(base, { ...off, failOnLeak: true });
    expect(env.HEAPLENS_FAIL_ON_LEAK).toBe('1');
    expect('HEAPLENS_SNAPSHOTS' in env).toBe(false);
    expect('HEAPLENS_OUT_DIR' in env).toBe(false);
  });

  it('does not set an empty outDir', () => {
    expect('HEAPLENS_OUT_DIR' in commandEnv(base, { ...off, outDir: '' })).toBe(false);
  });

  it('overrides an inherited handshake and does not change the base object', () => {
    const inherited = { ...base, HEAPLENS_HANDSHAKE: '/old' };
    expect(commandEnv(inherited, off).HEAPLENS_HANDSHAKE).toBe('/tmp/hs.json');
    expect(inherited.HEAPLENS_HANDSHAKE).toBe('/old');
  });
});
