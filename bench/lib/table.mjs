function formatValue(value, unit) {
  if (value === null || value === undefined) return '-';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
    case 'kB':
      return `${(value / 1000).toFixed(1)} kB`;
    case 'MB':
      return `${(value / 1e6).toFixed(1)} MB`;
    case 'req/s':
    case 'req/CPU-s':
      return `${Math.round(value)} ${unit}`;
    default:
      return `${value} ${unit}`.trim();
  }
}

function formatMet(met) {
  if (met === true) return 'yes';
  if (met === false) return 'NO';
  return '-';
}

export function toDisplayRows(rows) {
  return rows.map((row) => ({
    '#': row.id,
    measure: row.measure,
    ours: formatValue(row.ours, row.unit),
    anchor: row.anchorName || '-',
    'anchor value': formatValue(row.anchor, row.unit),
    ratio: row.ratio === null || row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`,
    target: row.target || '-',
    met: formatMet(row.met),
  }));
}

/** A plain-text table with a numbered notes list under it (notes are too long for a column). */
export function renderTable(rows) {
  const display = toDisplayRows(rows);
  const columns = Object.keys(display[0]);
  const widths = columns.map((column) => Math.max(column.length, ...display.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ').trimEnd();
  const out = [line(columns), widths.map((width) => '-'.repeat(width)).join('-|-')];
  for (const row of display) out.push(line(columns.map((column) => row[column])));
  const notes = rows.filter((row) => row.note).map((row) => `  [${row.id}] ${row.measure}: ${row.note}`);
  if (notes.length) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}
