/** null for no values (e.g. no CPU figures without /proc), so the row shows '-'. */
export function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function ratio(ours, anchor) {
  return ours === null || !anchor ? null : ours / anchor;
}

/**
 * Times each command `runs` times after `warmups` untimed runs, interleaving the
 * commands round by round so that a slow spell of the machine hits all of them alike.
 * Each entry is { key, once: () => ms }.
 */
export function interleave(entries, { runs, warmups = 1 }) {
  for (let i = 0; i < warmups; i++) for (const entry of entries) entry.once();
  const samples = Object.fromEntries(entries.map((entry) => [entry.key, []]));
  for (let i = 0; i < runs; i++) for (const entry of entries) samples[entry.key].push(entry.once());
  return samples;
}
