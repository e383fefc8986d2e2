// The regional (RCM) page: anonymised statistics of every country, with small-cell
// protection. A suppressed value (null in the API) is always shown as suppressed — a hatched
// "—" in tables and tiles, a hatched mark on the axis in charts — and never as zero.
import { getJson } from "./api.js";
import {
  ACCOMPANIMENT_COLORS,
  OTHER_COLOR,
  PALETTE,
  SEX_COLORS,
  chartFor,
  markEmpty,
  numberTicks,
  renderTable,
  setChartData,
  suppressedChip,
  suppressedMarks,
  suppressedTooltip,
} from "./charts.js";
import {
  accompanimentLabel,
  ageLabel,
  applyTranslations,
  countryName,
  formatDecimal,
  formatNumber,
  indicatorLabel,
  outcomeLabel,
  periodLabel,
  sexLabel,
  t,
} from "./i18n.js";
import { bucketRange } from "./periods.js";

const INDICATORS = [
  "registered",
  "international_protection_need",
  "trafficking_suspected",
  "referred",
  "consular_notified",
  "placed",
  "released",
];
const SEXES = ["female", "male", "intersex", "unknown"];
const AGE_GROUPS = ["0-11", "12-17"];
const ACCOMPANIMENTS = ["unaccompanied", "separated", "accompanied"];
const OUTCOMES = ["returned", "reunified", "refugee_status", "absconded", "transferred", "other"];

const $ = (id) => document.getElementById(id);

/** Label of a value of a dimension of the regional tables. */
function valueLabel(dimension, value, granularity) {
  if (value === null || value === undefined) return t("chart.unknown");
  switch (dimension) {
    case "period":
      return periodLabel(value, granularity);
    case "country":
    case "nationality":
    case "sender":
    case "destination":
      return countryName(value);
    case "sex":
      return sexLabel(value);
    case "age_group":
      return ageLabel(value);
    case "accompaniment":
      return accompanimentLabel(value);
    case "outcome":
      return outcomeLabel(value);
    default:
      return String(value);
  }
}

function columnLabel(dimension) {
  const keys = {
    period: "col.period",
    country: "col.country",
    nationality: "col.nationality",
    sex: "col.sex",
    age_group: "col.ageGroup",
    accompaniment: "col.accompaniment",
    outcome: "col.outcome",
    sender: "col.sender",
    destination: "col.destination",
  };
  return t(keys[dimension] || "col.category");
}

/** Values of a dimension: the known order first, then what the table holds. */
function valuesOf(table, dimension, order = []) {
  const seen = new Set((table.cells || []).map((cell) => cell[dimension]));
  const margin = table.dimensions[0] === dimension ? table.row_totals : table.column_totals;
  for (const entry of margin || []) seen.add(entry[dimension]);
  const known = order.filter((v) => seen.has(v));
  const rest = [...seen].filter((v) => !order.includes(v)).sort((a, b) =>
    String(a ?? "").localeCompare(String(b ?? "")),
  );
  return [...known, ...rest];
}

/**
 * The value of a cell: a number, ``null`` when suppressed. A cell absent from the table is a
 * count of zero (zeros are never suppressed).
 */
function cellValue(table, key) {
  const cell = (table.cells || []).find((c) =>
    Object.entries(key).every(([dimension, value]) => c[dimension] === value),
  );
  return cell ? cell[measureOf(table)] : 0;
}

function marginValue(table, entries, dimension, value) {
  const entry = (entries || []).find((e) => e[dimension] === value);
  return entry ? entry[measureOf(table)] : 0;
}

/** What a table counts, and the key of its numbers: "events", "cases" or "handovers". */
function measureOf(table) {
  const named = String(table.measure || "").split(":")[0].trim();
  if (named === "events" || named === "cases" || named === "handovers") return named;
  const cell = (table.cells || [])[0];
  return cell && "cases" in cell ? "cases" : "events";
}

/** Chart data of a dimension's values: numbers, with null for suppressed values. */
function suppressedSeries(values) {
  return {
    data: values,
    suppressed: values.map((v) => v === null || v === undefined),
  };
}

/** Renders a regional 1-D or 2-D table (with its protected totals) into ``container``. */
function renderRegionalTable(container, table, { caption, granularity, order = {} }) {
  const [first, second] = table.dimensions;
  const rowValues = valuesOf(table, first, order[first]);
  if (!second) {
    renderTable(container, {
      caption,
      nullIsSuppressed: true,
      columns: [
        { label: columnLabel(first) },
        { label: t(`col.${measureOf(table)}`), numeric: true },
      ],
      rows: rowValues.map((v) => [
        valueLabel(first, v, granularity),
        cellValue(table, { [first]: v }),
      ]),
      footer: [t("table.total"), table.grand_total],
    });
    return;
  }
  const colValues = valuesOf(table, second, order[second]);
  renderTable(container, {
    caption,
    nullIsSuppressed: true,
    columns: [
      { label: `${columnLabel(first)} \\ ${columnLabel(second)}` },
      ...colValues.map((v) => ({ label: valueLabel(second, v, granularity), numeric: true })),
      { label: t("table.total"), numeric: true },
    ],
    rows: rowValues.map((r) => [
      valueLabel(first, r, granularity),
      ...colValues.map((c) => cellValue(table, { [first]: r, [second]: c })),
      marginValue(table, table.row_totals, first, r),
    ]),
    footer: [
      t("table.total"),
      ...colValues.map((c) => marginValue(table, table.column_totals, second, c)),
      table.grand_total,
    ],
  });
}

export function createRegionalPage(config) {
  const k = config.k ?? 10;
  const countryColors = new Map();

  function colorOf(code) {
    if (!countryColors.has(code)) {
      countryColors.set(code, PALETTE[countryColors.size % PALETTE.length]);
    }
    return countryColors.get(code);
  }

  /** The cross-border handovers cards, built here so the page's HTML stays as it is. */
  function buildHandoverCards() {
    const grid = document.querySelector("#regional .grid");
    if (!grid || $("card-r-handovers")) return;
    const card = (id, titleKey, { wide = false, unit = "handovers", canvas, tables }) => {
      const section = document.createElement("section");
      section.className = wide ? "card card-wide" : "card";
      section.id = id;
      section.setAttribute("aria-labelledby", `t-${id}`);
      const head = document.createElement("header");
      head.className = "card-head";
      const title = document.createElement("h2");
      title.id = `t-${id}`;
      title.dataset.i18n = titleKey;
      const badge = document.createElement("span");
      badge.className = "unit";
      badge.dataset.unitFixed = unit;
      head.append(title, badge);
      const box = document.createElement("div");
      box.className = "chart chart-short";
      const chart = document.createElement("canvas");
      chart.id = canvas;
      chart.setAttribute("role", "img");
      chart.setAttribute("aria-labelledby", `t-${id}`);
      box.append(chart);
      const empty = document.createElement("p");
      empty.className = "empty-note";
      empty.dataset.i18n = "chart.noData";
      section.append(head, box, empty);
      for (const tableId of tables) {
        const holder = document.createElement("div");
        holder.className = "table-box-open";
        holder.id = tableId;
        section.append(holder);
      }
      return section;
    };
    const counts = card("card-r-handovers", "r.chart.handovers", {
      wide: true,
      canvas: "chart-r-handovers",
      tables: ["table-r-handovers-sent", "table-r-handovers-received"],
    });
    counts.classList.add("handovers");
    const days = card("card-r-handover-days", "r.chart.handoverDays", {
      wide: true,
      canvas: "chart-r-handover-days",
      tables: ["table-r-handover-days"],
    });
    grid.append(counts, days);
    applyTranslations(counts);
    applyTranslations(days);
  }

  async function init() {
    buildHandoverCards();
  }

  async function load(filters, signal) {
    const scope = { from: filters.from, to: filters.to };
    const registrations = (groupBy, extra = {}) =>
      getJson(
        "/regional/stats/registrations",
        { group_by: groupBy, event_type: "registered", ...scope, ...extra },
        { signal },
      );
    const [indicators, overTime, nationality, sexAge, accompaniment, handovers] =
      await Promise.all([
        getJson("/regional/stats/indicators", scope, { signal }),
        registrations("country", { period: filters.period }),
        registrations("nationality"),
        registrations("sex,age_group"),
        registrations("accompaniment"),
        getJson("/regional/stats/handovers", scope, { signal }),
      ]);
    return { indicators, overTime, nationality, sexAge, accompaniment, handovers };
  }

  // ------------------------------------------------------------------ legend and tiles

  function renderLegend(data) {
    const threshold = data.indicators.k ?? k;
    const text = t("regional.legend.text", { k: formatNumber(threshold) });
    const [before, after = ""] = text.split("{mark}");
    $("legend-text").replaceChildren(before, suppressedChip(), after);
  }

  function renderKpis(data) {
    const section = $("regional-kpis");
    const heading = section.querySelector("h2");
    const tiles = (data.indicators.indicators || [])
      .slice()
      .sort((a, b) => INDICATORS.indexOf(a.name) - INDICATORS.indexOf(b.name))
      .map((indicator) => {
        const tile = document.createElement("article");
        tile.className = "kpi";
        tile.id = `kpi-r-${indicator.name}`;
        tile.dataset.unit = "cases";
        const title = document.createElement("h3");
        title.textContent = indicatorLabel(indicator.name);
        const value = document.createElement("p");
        value.className = "kpi-value";
        if (indicator.total === null || indicator.total === undefined) {
          value.append(suppressedChip());
          value.dataset.value = "suppressed";
        } else {
          value.textContent = formatNumber(indicator.total);
          value.dataset.value = String(indicator.total);
        }
        tile.append(title, value);
        return tile;
      });
    section.replaceChildren(heading, ...tiles);
  }

  // ------------------------------------------------------------------ charts

  function regionalBars(name, canvasId, { horizontal = false, stacked = false, legend = true }) {
    const valueAxis = {
      beginAtZero: true,
      stacked,
      ticks: numberTicks(),
    };
    const indexAxis = { grid: { display: false }, stacked, ticks: { autoSkip: !horizontal } };
    return chartFor(name, $(canvasId), {
      type: "bar",
      data: { labels: [], datasets: [] },
      plugins: [suppressedMarks],
      options: {
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        scales: horizontal ? { x: valueAxis, y: indexAxis } : { x: indexAxis, y: valueAxis },
        plugins: {
          legend: { display: legend, position: "bottom" },
          tooltip: { callbacks: suppressedTooltip() },
        },
      },
    });
  }

  function renderOverTime(data, filters) {
    const table = data.overTime;
    const granularity = table.period || filters.period;
    const countryDim = "country";
    const periods = bucketRange(
      valuesOf(table, "period").filter(Boolean),
      granularity,
      filters.from,
      filters.to,
    );
    const countries = valuesOf(table, countryDim);
    const chart = chartFor("regionalOverTime", $("chart-r-time"), {
      type: "line",
      data: { labels: [], datasets: [] },
      plugins: [suppressedMarks],
      options: {
        interaction: { mode: "index", intersect: false },
        spanGaps: false,
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: numberTicks() },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: suppressedTooltip() },
        },
      },
    });
    const datasets = countries.map((country) => {
      const values = periods.map((p) => cellValue(table, { period: p, [countryDim]: country }));
      const color = colorOf(country);
      return {
        key: `country:${country}`,
        label: valueLabel("country", country),
        ...suppressedSeries(values),
        borderColor: color,
        backgroundColor: color,
        pointRadius: 3,
        tension: 0.2,
      };
    });
    if (countries.length > 1) {
      const totals = periods.map((p) => marginValue(table, table.row_totals, "period", p));
      datasets.push({
        key: "total",
        label: t("chart.total"),
        ...suppressedSeries(totals),
        borderColor: "#33404d",
        backgroundColor: "#33404d",
        borderDash: [6, 4],
        pointRadius: 2,
        tension: 0.2,
      });
    }
    setChartData(
      chart,
      periods.map((p) => periodLabel(p, granularity)),
      datasets,
    );
    markEmpty($("card-r-time"), (table.cells || []).length === 0);
    renderRegionalTable($("table-r-time"), table, {
      caption: t("r.chart.time"),
      granularity,
    });
  }

  function renderOneDimension(name, canvasId, cardId, tableId, table, dimension, options) {
    const {
      order = [],
      horizontal = false,
      colors = null,
      titleKey,
      sortByValue = false,
      boxId = null,
    } = options;
    let values = valuesOf(table, dimension, order);
    if (sortByValue) {
      const v = (x) => cellValue(table, { [dimension]: x });
      values = values.sort((a, b) => (v(b) ?? -1) - (v(a) ?? -1));
    }
    if (boxId) $(boxId).style.height = `${Math.max(160, 40 + values.length * 26)}px`;
    const chart = regionalBars(name, canvasId, { horizontal, legend: false });
    const series = values.map((v) => cellValue(table, { [dimension]: v }));
    setChartData(
      chart,
      values.map((v) => valueLabel(dimension, v)),
      [
        {
          key: dimension,
          label: t(titleKey),
          ...suppressedSeries(series),
          backgroundColor: colors ? values.map((v) => colors[v] || OTHER_COLOR) : "#1d5f8a",
          markColor: "#33404d",
          borderRadius: 2,
          maxBarThickness: horizontal ? 20 : 56,
        },
      ],
    );
    markEmpty($(cardId), (table.cells || []).length === 0);
    renderRegionalTable($(tableId), table, { caption: t(titleKey), order: { [dimension]: order } });
  }

  function renderSexAge(data) {
    const table = data.sexAge;
    const [first, second] = table.dimensions;
    const sexDim = first === "sex" ? first : second;
    const ageDim = sexDim === first ? second : first;
    const ages = valuesOf(table, ageDim, AGE_GROUPS);
    const sexes = valuesOf(table, sexDim, SEXES);
    const chart = regionalBars("regionalSexAge", "chart-r-sexage", {});
    setChartData(
      chart,
      ages.map((age) => ageLabel(age)),
      sexes.map((sex) => ({
        key: `sex:${sex}`,
        label: sexLabel(sex),
        ...suppressedSeries(ages.map((age) => cellValue(table, { [sexDim]: sex, [ageDim]: age }))),
        backgroundColor: SEX_COLORS[sex] || OTHER_COLOR,
        markColor: SEX_COLORS[sex] || OTHER_COLOR,
        borderRadius: 2,
        maxBarThickness: 40,
      })),
    );
    markEmpty($("card-r-sexage"), (table.cells || []).length === 0);
    renderRegionalTable($("table-r-sexage"), table, {
      caption: t("r.chart.sexAge"),
      order: { sex: SEXES, age_group: AGE_GROUPS },
    });
  }

  function renderIndicators(data) {
    const indicators = (data.indicators.indicators || [])
      .slice()
      .sort((a, b) => INDICATORS.indexOf(a.name) - INDICATORS.indexOf(b.name));
    const countries = [
      ...new Set(indicators.flatMap((ind) => (ind.cells || []).map((cell) => cell.country))),
    ].sort((a, b) => countryName(a).localeCompare(countryName(b)));
    const value = (ind, country) => {
      const cell = (ind.cells || []).find((c) => c.country === country);
      return cell ? cell.value : 0;
    };
    renderTable($("table-r-indicators"), {
      caption: t("r.chart.indicators"),
      nullIsSuppressed: true,
      columns: [
        { label: t("col.country") },
        ...indicators.map((ind) => ({ label: indicatorLabel(ind.name), numeric: true })),
      ],
      rows: countries.map((country) => [
        countryName(country),
        ...indicators.map((ind) => value(ind, country)),
      ]),
      footer: [t("table.total"), ...indicators.map((ind) => ind.total)],
    });
  }

  function renderOutcomes(data) {
    const table = data.indicators.outcomes;
    if (!table || !table.dimensions) {
      markEmpty($("card-r-outcomes"), true);
      return;
    }
    const outcomeDim = table.dimensions.includes("outcome") ? "outcome" : table.dimensions[1];
    const outcomes = valuesOf(table, outcomeDim, OUTCOMES);
    const chart = regionalBars("regionalOutcomes", "chart-r-outcomes", { legend: false });
    const totals = outcomes.map((o) =>
      table.dimensions.length === 1
        ? cellValue(table, { [outcomeDim]: o })
        : marginValue(
            table,
            table.dimensions[0] === outcomeDim ? table.row_totals : table.column_totals,
            outcomeDim,
            o,
          ),
    );
    setChartData(
      chart,
      outcomes.map((o) => outcomeLabel(o)),
      [
        {
          key: "outcomes",
          label: t("r.chart.outcomes"),
          ...suppressedSeries(totals),
          backgroundColor: "#2f8f6b",
          markColor: "#33404d",
          borderRadius: 2,
          maxBarThickness: 56,
        },
      ],
    );
    markEmpty($("card-r-outcomes"), (table.cells || []).length === 0);
    renderRegionalTable($("table-r-outcomes"), table, {
      caption: t("r.chart.outcomes"),
      order: { outcome: OUTCOMES },
    });
  }

  function renderConsular(data) {
    const rows = [...(data.indicators.days_to_consular_notification || [])].sort((a, b) =>
      countryName(a.country).localeCompare(countryName(b.country)),
    );
    // A missing median is suppressed unless the country had no case at all.
    const days = (row, field) =>
      row[field] === null || row[field] === undefined
        ? row.cases === 0
          ? 0
          : null
        : row[field];
    const chart = regionalBars("regionalConsular", "chart-r-consular", { horizontal: true });
    chart.options.plugins.tooltip.callbacks = suppressedTooltip(formatDecimal);
    setChartData(
      chart,
      rows.map((row) => countryName(row.country)),
      [
        {
          key: "median",
          label: t("r.chart.consular.median"),
          ...suppressedSeries(rows.map((row) => days(row, "median_days"))),
          backgroundColor: "#1d5f8a",
          markColor: "#1d5f8a",
          borderRadius: 2,
          maxBarThickness: 16,
        },
        {
          key: "p90",
          label: t("r.chart.consular.p90"),
          ...suppressedSeries(rows.map((row) => days(row, "p90_days"))),
          backgroundColor: "#d9822b",
          markColor: "#d9822b",
          borderRadius: 2,
          maxBarThickness: 16,
        },
      ],
    );
    markEmpty($("card-r-consular"), rows.length === 0);
    const noCase = (row, field) => (row.cases === 0 ? "—" : days(row, field));
    renderTable($("table-r-consular"), {
      caption: t("r.chart.consular"),
      nullIsSuppressed: true,
      columns: [
        { label: t("col.country") },
        { label: t("col.cases"), numeric: true },
        { label: t("col.medianDays"), numeric: true },
        { label: t("col.p90Days"), numeric: true },
      ],
      rows: rows.map((row) => [
        countryName(row.country),
        row.cases,
        noCase(row, "median_days"),
        noCase(row, "p90_days"),
      ]),
    });
  }

  // ------------------------------------------------------------------ handovers

  const pairLabel = (sender, destination) =>
    t("r.handovers.pair", { sender: countryName(sender), destination: countryName(destination) });

  /** Pairs with something to show: a count, or a suppressed one (never an all-zero pair). */
  function handoverPairs(...tables) {
    const pairs = new Map();
    for (const table of tables) {
      for (const cell of table.cells || []) {
        if (cell.handovers === 0) continue;
        pairs.set(`${cell.sender}>${cell.destination}`, [cell.sender, cell.destination]);
      }
    }
    return [...pairs.values()].sort(
      ([s1, d1], [s2, d2]) =>
        countryName(s1).localeCompare(countryName(s2)) ||
        countryName(d1).localeCompare(countryName(d2)),
    );
  }

  function renderHandovers(data) {
    if (!$("card-r-handovers")) return;
    const { sent, received } = data.handovers;
    const pairs = handoverPairs(sent, received);
    const chart = regionalBars("regionalHandovers", "chart-r-handovers", {});
    const series = (table) =>
      pairs.map(([sender, destination]) => cellValue(table, { sender, destination }));
    setChartData(
      chart,
      pairs.map(([sender, destination]) => pairLabel(sender, destination)),
      [
        {
          key: "sent",
          label: t("r.handovers.sent"),
          ...suppressedSeries(series(sent)),
          backgroundColor: "#1d5f8a",
          markColor: "#1d5f8a",
          borderRadius: 2,
          maxBarThickness: 40,
        },
        {
          key: "received",
          label: t("r.handovers.received"),
          ...suppressedSeries(series(received)),
          backgroundColor: "#2f8f6b",
          markColor: "#2f8f6b",
          borderRadius: 2,
          maxBarThickness: 40,
        },
      ],
    );
    markEmpty($("card-r-handovers"), pairs.length === 0);
    for (const [table, id, key] of [
      [sent, "table-r-handovers-sent", "r.handovers.sent"],
      [received, "table-r-handovers-received", "r.handovers.received"],
    ]) {
      if ((table.cells || []).length === 0) {
        $(id).replaceChildren();
      } else {
        renderRegionalTable($(id), table, {
          caption: `${t("r.chart.handovers")} — ${t(key)}`,
        });
      }
    }
    renderHandoverDays(data);
  }

  function renderHandoverDays(data) {
    const rows = [...(data.handovers.days_to_reception || [])].sort(
      (a, b) =>
        countryName(a.sender).localeCompare(countryName(b.sender)) ||
        countryName(a.destination).localeCompare(countryName(b.destination)),
    );
    // A missing median is suppressed unless no handover of the pair was acknowledged.
    const days = (row, field) =>
      row[field] === null || row[field] === undefined
        ? row.handovers === 0
          ? 0
          : null
        : row[field];
    const chart = regionalBars("regionalHandoverDays", "chart-r-handover-days", {
      horizontal: true,
    });
    chart.options.plugins.tooltip.callbacks = suppressedTooltip(formatDecimal);
    setChartData(
      chart,
      rows.map((row) => pairLabel(row.sender, row.destination)),
      [
        {
          key: "median",
          label: t("r.chart.consular.median"),
          ...suppressedSeries(rows.map((row) => days(row, "median_days"))),
          backgroundColor: "#1d5f8a",
          markColor: "#1d5f8a",
          borderRadius: 2,
          maxBarThickness: 16,
        },
        {
          key: "p90",
          label: t("r.chart.consular.p90"),
          ...suppressedSeries(rows.map((row) => days(row, "p90_days"))),
          backgroundColor: "#d9822b",
          markColor: "#d9822b",
          borderRadius: 2,
          maxBarThickness: 16,
        },
      ],
    );
    markEmpty($("card-r-handover-days"), rows.length === 0);
    const noHandover = (row, field) => (row.handovers === 0 ? "—" : days(row, field));
    renderTable($("table-r-handover-days"), {
      caption: t("r.chart.handoverDays"),
      nullIsSuppressed: true,
      columns: [
        { label: t("col.sender") },
        { label: t("col.destination") },
        { label: t("col.handovers"), numeric: true },
        { label: t("col.medianDays"), numeric: true },
        { label: t("col.p90Days"), numeric: true },
      ],
      rows: rows.map((row) => [
        countryName(row.sender),
        countryName(row.destination),
        row.handovers,
        noHandover(row, "median_days"),
        noHandover(row, "p90_days"),
      ]),
    });
  }

  function render(data, filters) {
    renderLegend(data);
    renderKpis(data);
    renderOverTime(data, filters);
    renderOneDimension(
      "regionalNationality",
      "chart-r-nationality",
      "card-r-nationality",
      "table-r-nationality",
      data.nationality,
      "nationality",
      {
        horizontal: true,
        titleKey: "r.chart.nationality",
        sortByValue: true,
        boxId: "r-nationality-box",
      },
    );
    renderSexAge(data);
    renderOneDimension(
      "regionalAccompaniment",
      "chart-r-accompaniment",
      "card-r-accompaniment",
      "table-r-accompaniment",
      data.accompaniment,
      "accompaniment",
      {
        order: ACCOMPANIMENTS,
        colors: ACCOMPANIMENT_COLORS,
        titleKey: "r.chart.accompaniment",
      },
    );
    renderIndicators(data);
    renderOutcomes(data);
    renderConsular(data);
    renderHandovers(data);
  }

  return {
    mode: "regional",
    changesPath: "/regional/stats/changes",
    init,
    load,
    render,
    subdivisions: () => [],
    title: () => t("app.regional"),
    asOf: (data) => data.indicators.as_of,
  };
}
