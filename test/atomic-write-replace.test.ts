import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../src/core/atomic-write.js';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heaplens-atomic-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temp files', async () => {
    const path = join(tmp, 'report.json');
    await writeFileAtomic(path, '{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(tmp)).toEqual(['report.json']);
  });

  it('replaces existing content', async () => {
    const path = join(tmp, 'report.json');
    writeFileSync(path, 'old content that is longer');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(tmp)).toEqual(['report.json']);
  });

  it('rejects and leaves nothing behind when the target cannot be written', async () => {
    await expect(writeFileAtomic(join(tmp, 'missing', 'report.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces existing content and leaves no temp files', () => {
    const path = join(tmp, 'record.json');
    writeFileSync(path, 'old');
    writeFileAtomicSync(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(tmp)).toEqual(['record.json']);
  });
});
