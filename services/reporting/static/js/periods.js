// Calendar helpers: period buckets (weeks start on Monday) and the quick date ranges.

function parse(iso) {
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function iso(date) {
  return date.toISOString().slice(0, 10);
}

/** The first day of the bucket holding ``day`` (YYYY-MM-DD). */
export function bucketStart(day, granularity) {
  const date = parse(day);
  if (granularity === "month") {
    return iso(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)));
  }
  if (granularity === "week") {
    const back = (date.getUTCDay() + 6) % 7;
    return iso(new Date(date.getTime() - back * 86400000));
  }
  return iso(date);
}

function next(day, granularity) {
  const date = parse(day);
  if (granularity === "month") {
    return iso(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)));
  }
  return iso(new Date(date.getTime() + (granularity === "week" ? 7 : 1) * 86400000));
}

/**
 * Every bucket from ``from`` (or the first bucket with data) to ``to`` (or the last one),
 * so that a period without registrations shows as an empty bar rather than disappearing.
 */
export function bucketRange(present, granularity, from, to, limit = 800) {
  const sorted = [...new Set(present)].sort();
  const first = from ? bucketStart(from, granularity) : sorted[0];
  const last = to ? bucketStart(to, granularity) : sorted[sorted.length - 1];
  if (!first || !last || first > last) return sorted;
  const all = [];
  for (let day = first; day <= last; day = next(day, granularity)) {
    all.push(day);
    if (all.length > limit) return sorted;
  }
  for (const day of sorted) if (!all.includes(day)) all.push(day);
  return all.sort();
}

function localToday() {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
}

/** The from/to dates of a quick range; ``null`` for "all" and "custom". */
export function rangeDates(range) {
  const today = localToday();
  const back = (days) => iso(new Date(today.getTime() - days * 86400000));
  switch (range) {
    case "30d":
      return { from: back(29), to: iso(today) };
    case "90d":
      return { from: back(89), to: iso(today) };
    case "12m":
      return {
        from: iso(new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth() + 1, 1))),
        to: iso(today),
      };
    case "ytd":
      return { from: iso(new Date(Date.UTC(today.getUTCFullYear(), 0, 1))), to: iso(today) };
    case "all":
      return { from: "", to: "" };
    default:
      return null;
  }
}

/** The last day (YYYY-MM-DD) of a month given as YYYY-MM or any of its days. */
export function monthEnd(value) {
  const [y, m] = String(value).split("-").map(Number);
  return iso(new Date(Date.UTC(y, m, 0)));
}

/** The first day (YYYY-MM-DD) of a month given as YYYY-MM or any of its days. */
export function monthStart(value) {
  return `${String(value).slice(0, 7)}-01`;
}
