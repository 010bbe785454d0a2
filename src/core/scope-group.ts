/**
 * Attribution for a group of sibling scopes read with one sampling profile. Pure.
 *
 * Reading the profile costs a full GC (allocation-sampler.ts), the largest cost of tracking: on a Jest
 * worker's 20 MB heap about 30 ms, against ~150 ms for a file of two describes. So a scope whose next
 * sibling is tracked too does not read at its end (scope-tracker.ts): it allocates a scope marker
 * (marker-cuts.ts) and the sibling starts there, without a GC. One read at the group's end then tells the
 * scopes apart by their markers' ordinals: a scope's samples are those after its start (its own mark, or
 * the previous sibling's scope marker) and up to its own scope marker.
 *
 * Reading later than the scope's end only drops samples (objects die, none are added below the scope
 * marker), so a deferred reading errs towards lower figures, never towards a false leak; and the next
 * sibling, started right after the marker with nothing of the user's run in between, begins where the
 * last one ended.
 */
import { attributeWith, describeNodes, type Attribution, type NodeInfo, type SamplingProfile } from './attribution.js';
import type { FrameContext } from './frames.js';
import { markerResidue, matchMarkers, SCOPE_MARKER_BASE_LENGTH, type Boundary } from './marker-cuts.js';

/** Where a scope of a group starts: an ordinal (its own mark), or the scope marker its previous sibling ended at. */
export type GroupStart = { readonly ordinal: number } | { readonly afterScopeMarker: number };

export interface GroupMember {
  readonly start: GroupStart;
  /** The scope marker allocated at its end; null for a scope read right at its end (every newer sample is its). */
  readonly endMarker: number | null;
  readonly boundaries: readonly Boundary[];
  readonly tests: number;
}

/** Ordinals of the scope markers found in the profile, by marker number (those the sampler missed are absent). */
export function scopeMarkerOrdinals(profile: SamplingProfile, nodes: ReadonlyMap<number, NodeInfo>, expected: readonly number[]): Map<number, number> {
  const found: Array<{ ordinal: number; residue: number }> = [];
  for (const sample of profile.samples) {
    const info = nodes.get(sample.nodeId);
    if (!info || !(info.marker || info.own)) continue;
    const residue = markerResidue(sample.size, SCOPE_MARKER_BASE_LENGTH);
    if (residue !== null) found.push({ ordinal: sample.ordinal, residue });
  }
  return new Map(matchMarkers(found, expected).map(({ position, ordinal }) => [expected[position]!, ordinal]));
}

/** A group's reading: each member's attribution and resolved start mark, in order, and the scope markers' ordinals. */
export interface GroupAttribution {
  readonly attributions: readonly Attribution[];
  readonly marks: readonly number[];
  readonly ends: ReadonlyMap<number, number>;
}

/**
 * Each member's attribution, in order. A scope marker the sampler missed (probability e^(-15) each) makes
 * its scope run on to the group's read and its next sibling start where that scope started: the two
 * overlap, and neither loses samples.
 */
export function attributeGroup(profile: SamplingProfile, members: readonly GroupMember[], context: FrameContext): GroupAttribution {
  const nodes = describeNodes(profile.head, context);
  const ends = scopeMarkerOrdinals(profile, nodes, members.flatMap((m) => (m.endMarker === null ? [] : [m.endMarker])));
  const marks: number[] = [];
  const attributions = members.map((member) => {
    const { start, endMarker, boundaries, tests } = member;
    const mark = 'ordinal' in start ? start.ordinal : (ends.get(start.afterScopeMarker) ?? marks[marks.length - 1] ?? -1);
    marks.push(mark);
    const until = endMarker === null ? undefined : ends.get(endMarker);
    return attributeWith(nodes, { profile, mark, until, boundaries, tests });
  });
  return { attributions, marks, ends };
}

/** Where a scope that started at the group's last scope marker starts, once the group is read: that marker's ordinal. */
export function startAfterGroup(members: readonly GroupMember[], read: GroupAttribution): GroupStart {
  const last = members[members.length - 1]!;
  const found = last.endMarker === null ? undefined : read.ends.get(last.endMarker);
  // Its marker went unsampled: start where the last scope started (see attributeGroup).
  return { ordinal: found ?? read.marks[read.marks.length - 1] ?? -1 };
}
