// Partial dates as the API writes them ("2023", "2023-09", "2023-09-22"), as day numbers.

const DAY = 86_400_000;

/** The first day a partial date covers, as days since 1970-01-01; null when absent. */
export function firstDay(date) {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, (m || 1) - 1, d || 1) / DAY;
}

/** The last day a partial date covers. */
export function lastDay(date) {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  if (d) return Date.UTC(y, m - 1, d) / DAY;
  if (m) return Date.UTC(y, m, 1) / DAY - 1; // day 0 of the next month
  return Date.UTC(y + 1, 0, 1) / DAY - 1;
}

/** The days a relation covers: [first day of `date`, last day of `until` or `date`]. */
export function span(rel) {
  if (!rel.date) return null;
  return [firstDay(rel.date), lastDay(rel.until || rel.date)];
}

/** A day number as "YYYY-MM-DD". */
export function isoDay(day) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}
