/** Byte counts: parsing user input ("512kb", "2MB", 1048576) and printing them. */

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a byte count. Numbers are bytes; strings take a binary unit
 * (`kb`/`kib` = 1024, `mb`/`mib` = 1024², `gb`/`gib` = 1024³), case-insensitive.
 * Returns `undefined` for anything that is not a finite, non-negative size.
 */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase() || 'b';
  const factor = UNITS[unit];
  if (factor === undefined) return undefined;
  return Math.round(Number(match[1]) * factor);
}

/** Formats a byte count for people: `1.5 MB`, `-320 KB`, `12 B`. Binary units. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  const digitsFor = (v: number, u: number) => (u === 0 || v >= 99.95 ? 0 : 1);
  // Move up a unit when the value would print as 1024 after rounding.
  while (unit < units.length - 1 && Number(value.toFixed(digitsFor(value, unit))) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${sign}${value.toFixed(digitsFor(value, unit))} ${units[unit]}`;
}

/** Like formatBytes, but always signed: `+1.5 MB`, `-12 KB`, `+0 B`. */
export function formatDelta(bytes: number): string {
  return bytes < 0 ? formatBytes(bytes) : `+${formatBytes(bytes)}`;
}
