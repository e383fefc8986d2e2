// Chart and table helpers shared by the national and regional pages (Chart.js is vendored).
import { formatNumber, t } from "./i18n.js";

const Chart = window.Chart;

// A sober palette, distinguishable with the common colour-vision deficiencies.
export const PALETTE = [
  "#1d5f8a",
  "#d9822b",
  "#2f8f6b",
  "#8a5aa3",
  "#c2a23a",
  "#4aa3c9",
  "#b64a5f",
  "#6d7f2b",
];
export const OTHER_COLOR = "#a3adb8";
export const SEX_COLORS = {
  female: "#8a5aa3",
  male: "#2f8f6b",
  intersex: "#c2a23a",
  unknown: OTHER_COLOR,
};
export const ACCOMPANIMENT_COLORS = {
  unaccompanied: "#b64a5f",
  separated: "#d9822b",
  accompanied: "#1d5f8a",
};

export const reducedMotion =
  window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

if (Chart) {
  Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#3b4754";
  Chart.defaults.borderColor = "#e3e8ee";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  if (reducedMotion) Chart.defaults.animation = false;
  else Chart.defaults.animation.duration = 350;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;
  Chart.defaults.plugins.tooltip.backgroundColor = "rgba(20, 36, 52, 0.92)";
}

/** Every chart of the page by name, for tests and for the browser console. */
export const registry = {};
window.opiCharts = registry;

/** The chart of ``name``, created once on ``canvas``; later calls give the same chart. */
export function chartFor(name, canvas, config) {
  if (registry[name]) return registry[name];
  const chart = new Chart(canvas, config);
  registry[name] = chart;
  return chart;
}

export function destroyCharts() {
  for (const name of Object.keys(registry)) {
    registry[name].destroy();
    delete registry[name];
  }
}

/**
 * Replaces the chart's data in place and redraws it with chart.update(): datasets are
 * matched by their ``key`` so that bars move to their new values instead of being redrawn
 * from scratch, and legend choices (a hidden dataset) survive an update.
 */
export function setChartData(chart, labels, datasets) {
  chart.data.labels = labels;
  const previous = new Map(chart.data.datasets.map((d) => [d.key, d]));
  chart.data.datasets = datasets.map((dataset) => {
    const existing = previous.get(dataset.key);
    if (!existing) return dataset;
    Object.assign(existing, dataset);
    return existing;
  });
  chart.update();
}

/** Axis ticks and tooltips in the page's language (numbers formatted per locale). */
export function numberTicks(transform = (v) => v) {
  return {
    precision: 0,
    callback: (value) => formatNumber(transform(value)),
  };
}

/** A long axis label cut into lines (Chart.js draws an array as several lines). */
export function wrapLabel(text, width = 24) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = "";
  for (const word of words) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length > 1 ? lines : String(text);
}

/** Marks a card empty ("no data") or not. */
export function markEmpty(card, empty) {
  card.classList.toggle("is-empty", Boolean(empty));
}

// ------------------------------------------------------------------ suppressed marks

let patternCache = new Map();

/** A diagonal hatch in ``color``: the mark of a suppressed value, in charts and legend. */
export function hatch(color) {
  if (patternCache.has(color)) return patternCache.get(color);
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const ctx = tile.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, 8);
  ctx.lineTo(8, 0);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.stroke();
  const pattern = ctx.createPattern(tile, "repeat");
  patternCache.set(color, pattern);
  return pattern;
}

export function resetPatterns() {
  patternCache = new Map();
}

/**
 * Chart.js plugin: a value that is null in a dataset with ``suppressed: true`` at that index
 * is a suppressed cell (small-cell protection). Chart.js would draw nothing, which reads as
 * zero, so a hatched mark is drawn on the axis at that place instead.
 */
export const suppressedMarks = {
  id: "opiSuppressedMarks",
  afterDatasetsDraw(chart) {
    const { ctx, chartArea } = chart;
    const horizontal = chart.options.indexAxis === "y";
    const valueScale = horizontal ? chart.scales.x : chart.scales.y;
    const indexScale = horizontal ? chart.scales.y : chart.scales.x;
    if (!valueScale || !indexScale) return;
    const base = valueScale.getPixelForValue(0);
    const depth = 9;
    const stackedAt = new Map(); // line charts: marks at one index are piled up, not hidden
    ctx.save();
    chart.data.datasets.forEach((dataset, di) => {
      if (!dataset.suppressed || !chart.isDatasetVisible(di)) return;
      const meta = chart.getDatasetMeta(di);
      const color = dataset.markColor || dataset.borderColor || "#5b6673";
      dataset.suppressed.forEach((isSuppressed, i) => {
        if (!isSuppressed) return;
        const element = meta.data[i];
        let center;
        let size;
        let lift = 0;
        if (meta.type === "bar" && element) {
          center = horizontal ? element.y : element.x;
          size = Math.max(4, (horizontal ? element.height : element.width) || 8);
        } else {
          center = indexScale.getPixelForValue(i);
          size = 10;
          const below = stackedAt.get(i) || 0;
          stackedAt.set(i, below + 1);
          lift = below * (depth + 2);
        }
        if (!Number.isFinite(center)) return;
        ctx.fillStyle = hatch(color);
        ctx.strokeStyle = color;
        ctx.lineWidth = 1;
        if (horizontal) {
          const x = Math.max(chartArea.left, base) + lift;
          ctx.fillRect(x, center - size / 2, depth, size);
          ctx.strokeRect(x + 0.5, center - size / 2 + 0.5, depth - 1, size - 1);
        } else {
          const y = Math.min(chartArea.bottom, base) - lift;
          ctx.fillRect(center - size / 2, y - depth, size, depth);
          ctx.strokeRect(center - size / 2 + 0.5, y - depth + 0.5, size - 1, depth - 1);
        }
      });
    });
    ctx.restore();
  },
};

/** Tooltip callbacks that name suppressed values instead of hiding them. */
export function suppressedTooltip(format = formatNumber) {
  return {
    label(context) {
      const name = context.dataset.label || "";
      if (context.raw === null || context.raw === undefined) {
        return `${name}: ${t("regional.suppressed")}`;
      }
      const value = typeof context.raw === "object" ? context.parsed.y : context.raw;
      return `${name}: ${format(value)}`;
    },
    footer(items) {
      if (!items.length) return "";
      const chart = items[0].chart;
      const index = items[0].dataIndex;
      const shown = new Set(items.map((item) => item.datasetIndex));
      const lines = [];
      chart.data.datasets.forEach((dataset, di) => {
        if (shown.has(di) || !dataset.suppressed || !dataset.suppressed[index]) return;
        if (!chart.isDatasetVisible(di)) return;
        lines.push(`${dataset.label}: ${t("regional.suppressed")}`);
      });
      return lines;
    },
  };
}

// ------------------------------------------------------------------ tables

/**
 * A suppressed value as the page shows it everywhere: a hatched "—" chip, read out as
 * "suppressed value", never a zero.
 */
export function suppressedChip() {
  const chip = document.createElement("span");
  chip.className = "suppressed";
  chip.title = t("regional.suppressedValue");
  const mark = document.createElement("span");
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = "—";
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = t("regional.suppressedValue");
  chip.append(mark, label);
  return chip;
}

/**
 * Renders a table into ``container``. ``columns``: [{label, numeric}]; ``rows``: arrays of
 * cells, each a string, a number, null (suppressed when ``nullIsSuppressed``) or a Node;
 * ``footer``: an optional last row (totals).
 */
export function renderTable(container, { caption, columns, rows, footer, nullIsSuppressed }) {
  const table = document.createElement("table");
  table.className = "data-table";
  if (caption) {
    const cap = document.createElement("caption");
    cap.textContent = caption;
    table.append(cap);
  }
  const thead = document.createElement("thead");
  const headRow = document.createElement("tr");
  columns.forEach((column) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column.label;
    if (column.numeric) th.className = "num";
    headRow.append(th);
  });
  thead.append(headRow);
  table.append(thead);
  const fill = (tr, row, header) => {
    row.forEach((value, i) => {
      const isHeader = i === 0;
      const cell = document.createElement(isHeader ? "th" : "td");
      if (isHeader) cell.scope = "row";
      if (columns[i] && columns[i].numeric) cell.className = "num";
      if (value instanceof Node) {
        cell.append(value);
      } else if (value === null || value === undefined) {
        if (nullIsSuppressed && !isHeader) cell.append(suppressedChip());
        else cell.textContent = "—";
      } else if (typeof value === "number") {
        cell.textContent = formatNumber(value, { maximumFractionDigits: 1 });
      } else {
        cell.textContent = value;
      }
      tr.append(cell);
    });
    if (header) tr.className = "total-row";
  };
  const tbody = document.createElement("tbody");
  rows.forEach((row) => {
    const tr = document.createElement("tr");
    fill(tr, row, false);
    tbody.append(tr);
  });
  table.append(tbody);
  if (footer) {
    const tfoot = document.createElement("tfoot");
    const tr = document.createElement("tr");
    fill(tr, footer, true);
    tfoot.append(tr);
    table.append(tfoot);
  }
  container.replaceChildren(table);
  return table;
}
