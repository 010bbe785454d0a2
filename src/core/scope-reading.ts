/**
 * What a scope's reading at its end decides: whether it can be flagged at all, and whether its first
 * reading (one full GC) already settles it as `ok`. Pure, but for readGroup(), which reads the profile.
 */
import type { Attribution, SamplingProfile } from './attribution.js';
import type { FrameContext } from './frames.js';
import { retainedTotal, type Measurement } from './measure.js';
import { growingBound, judgeRepetition, LEAK_FLOOR, MIN_TESTS } from './repetition.js';
import { attributeGroup, type GroupAttribution, type GroupMember } from './scope-group.js';

/**
 * Whether a scope kept enough to be anything but `ok`: a leak needs LEAK_FLOOR
 * sampled bytes at growing sites, the other verdicts more than the threshold
 * (a runner note a quarter of it). Only those get their sites mapped to the
 * sources. `growth` is the heap delta, markers included (an overestimate).
 */
export function flaggable(attribution: Attribution, growth: number, threshold: number): boolean {
  return attribution.total >= Math.min(LEAK_FLOOR, threshold / 4) || growth > threshold;
}

/**
 * What the heap grew by since a scope's start, for flaggable(): JS heap and external memory after a
 * settled start; after an unsettled one (read without a GC, see ScopeTracker.begin) external memory only,
 * which the sampler does not see (the JS heap's share is in the sampled bytes).
 */
export function growthSince(before: Measurement, after: Measurement): number {
  return before.settled === false ? after.external - before.external : retainedTotal(after) - retainedTotal(before);
}

/**
 * Whether a scope's first reading (one full GC) settles its verdict as `ok`, so that it needs no settle
 * and no second profile. More GCs only lower what the reading shows: the sampled bytes (the runner's
 * share and the suite's own), external memory, and the growing functions (growingBound). So a scope
 * that is not flaggable, or (with a trend, from an unsettled start) is `ok` with no room for a leak, is
 * `ok` after a settle too. Most scopes of a real suite keep more than LEAK_FLOOR sampled bytes (h3's
 * kept 1.5 to 4 MB, much of it the runner's), so the second rule is the one that spares their settle.
 */
export function clearedByFirstReading(attribution: Attribution, before: Measurement, after: Measurement, threshold: number): boolean {
  if (!flaggable(attribution, growthSince(before, after), threshold)) return true;
  if (before.settled !== false || attribution.observed.length < MIN_TESTS || growingBound(attribution) >= LEAK_FLOOR) return false;
  const external = Math.max(0, after.external - before.external);
  return judgeRepetition(attribution, attribution.total + external, threshold).verdict === 'ok';
}

/**
 * Reads and decodes the sampling profile for a group of scopes, in a frame of its own. Awaited in the
 * tracker directly, the parsed profile stayed in a register of the caller's suspended frame while the
 * after snapshot was written, and showed up in it as thousands of new strings (its call frames' URLs)
 * held from a GC root.
 */
export async function readGroup(
  read: () => Promise<SamplingProfile>,
  members: readonly GroupMember[],
  context: FrameContext,
): Promise<GroupAttribution> {
  return attributeGroup(await read(), members, context);
}
