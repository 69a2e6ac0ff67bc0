// One row of the table: our figure beside its anchor, the ratio ours/anchor,
// and the target that decides whether the row is met.
import { ratio } from './stats.mjs';

export const target = {
  ratioAtMost: (limit) => ({ text: `ratio <= ${limit}`, met: (r) => r.ratio !== null && r.ratio <= limit }),
  ratioAtLeast: (limit) => ({ text: `ratio >= ${limit}`, met: (r) => r.ratio !== null && r.ratio >= limit }),
  // The label shows the limit in the table's unit; the limit is in the row's raw unit (bytes, ms).
  below: (limit, label) => ({ text: `< ${label}`, met: (r) => r.ours < limit }),
  exactly: (value, label) => ({ text: `= ${label}`, met: (r) => r.ours === value }),
  none: { text: 'info', met: () => null },
};

export function makeRow({ id, measure, unit, ours, anchorName, anchor, goal = target.none, note, samples }) {
  const row = { id, measure, unit, ours, anchorName, anchor, ratio: ratio(ours, anchor), target: goal.text, note, samples };
  row.met = goal.met(row);
  return row;
}

/** A row that could not be measured keeps its place in the table with the reason. */
export function skippedRow({ id, measure, reason }) {
  return { id, measure, unit: '', ours: null, anchorName: '', anchor: null, ratio: null, target: '', met: null, note: `skipped: ${reason}` };
}
