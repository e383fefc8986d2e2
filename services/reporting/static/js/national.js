// The national page: a supervisor's morning view of one country's children.
import { getBlob, getJson, getPublic } from "./api.js";
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
  wrapLabel,
} from "./charts.js";
import {
  accompanimentLabel,
  ageLabel,
  alertLabel,
  countryName,
  formatDecimal,
  formatNumber,
  formatPercent,
  outcomeLabel,
  periodLabel,
  sexLabel,
  t,
} from "./i18n.js";
import { bucketRange } from "./periods.js";

const TOP_NATIONALITIES = 6;
const TOP_SUBDIVISIONS = 11;
const AGE_GROUPS = ["12-17", "0-11"]; // the older group on top of the pyramid
const ACCOMPANIMENTS = ["unaccompanied", "separated", "accompanied"];
const ALERT_KINDS = [
  "screening_overdue",
  "consular_notice_overdue",
  "flag_after_consular_notice",
  "delivery_failed",
];
const OUTCOMES = ["returned", "reunified", "refugee_status", "absconded", "transferred", "other"];

const $ = (id) => document.getElementById(id);

function sum(rows, measure) {
  return rows.reduce((total, row) => total + (row[measure] || 0), 0);
}

export function createNationalPage(config, { setFilter }) {
  let subdivisionNames = {};
  const nationalityColors = new Map();

  function colorOf(code) {
    if (!nationalityColors.has(code)) {
      nationalityColors.set(code, PALETTE[nationalityColors.size % PALETTE.length]);
    }
    return nationalityColors.get(code);
  }

  function subdivisionLabel(code) {
    if (!code) return t("chart.unknown");
    const name = subdivisionNames[code];
    return name ? `${name} (${code})` : code;
  }

  async function init() {
    try {
      subdivisionNames = await getPublic("/dashboard/subdivisions");
    } catch {
      subdivisionNames = {};
    }
  }

  async function load(filters, signal) {
    const scope = { from: filters.from, to: filters.to, admin1: filters.admin1 };
    const registrations = (groupBy, extra = {}) =>
      getJson("/stats/registrations", { group_by: groupBy, ...scope, ...extra }, { signal });
    const [indicators, overTime, pyramid, accompaniment, byAdmin1] = await Promise.all([
      getJson("/stats/indicators", scope, { signal }),
      registrations("nationality", { period: filters.period }),
      registrations("age_group,sex"),
      registrations("accompaniment"),
      // Every subdivision of the period, whatever the one chosen: the filter's options.
      registrations("admin1", { admin1: null }),
    ]);
    return { indicators, overTime, pyramid, accompaniment, byAdmin1 };
  }

  function subdivisions(data) {
    return (data.byAdmin1.rows || [])
      .filter((row) => row.admin1)
      .map((row) => ({ code: row.admin1, label: subdivisionLabel(row.admin1) }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  // ------------------------------------------------------------------ KPI tiles

  function tile(id, value, sub, raw) {
    const el = $(id);
    const valueEl = el.querySelector(".kpi-value");
    valueEl.textContent = value;
    valueEl.dataset.value = raw === null || raw === undefined ? "" : String(raw);
    el.querySelector(".kpi-sub").textContent = sub;
  }

  function renderKpis(data) {
    const ind = data.indicators;
    const reg = ind.registrations || { events: 0, children: 0 };
    tile(
      "kpi-registrations",
      formatNumber(reg.events),
      t("kpi.registrations.sub", { children: formatNumber(reg.children) }),
      reg.events,
    );
    const acc = Object.fromEntries(
      (data.accompaniment.rows || []).map((row) => [row.accompaniment, row.children]),
    );
    tile(
      "kpi-children",
      formatNumber(reg.children),
      `${accompanimentLabel("unaccompanied")}: ${formatNumber(acc.unaccompanied || 0)} · ${accompanimentLabel("separated")}: ${formatNumber(acc.separated || 0)}`,
      reg.children,
    );
    const scr = ind.screening || {};
    tile(
      "kpi-screening",
      formatPercent(scr.share_within_24h),
      t("kpi.screening.sub", {
        within: formatNumber(scr.within_24h ?? 0),
        due: formatNumber(scr.due ?? 0),
      }),
      scr.share_within_24h,
    );
    $("kpi-screening").classList.toggle(
      "kpi-warn",
      scr.share_within_24h !== null && scr.share_within_24h !== undefined &&
        scr.share_within_24h < 0.9,
    );
    const con = ind.consular_notification || {};
    tile(
      "kpi-consular",
      con.median_hours === null || con.median_hours === undefined
        ? "—"
        : t("kpi.consular.value", { median: formatDecimal(con.median_hours) }),
      t("kpi.consular.sub", {
        p90: formatDecimal(con.p90_hours),
        notified: formatNumber(con.notified ?? 0),
      }),
      con.median_hours,
    );
    const pro = ind.protection || {};
    tile(
      "kpi-protection",
      formatNumber(pro.international_protection_need ?? 0),
      t("kpi.protection.sub"),
      pro.international_protection_need,
    );
    tile(
      "kpi-trafficking",
      formatNumber(pro.trafficking_suspected ?? 0),
      t("kpi.trafficking.sub"),
      pro.trafficking_suspected,
    );
    const pla = ind.placements || {};
    tile(
      "kpi-pending",
      formatNumber(pla.pending ?? 0),
      t("kpi.pending.sub", { inShelter: formatNumber(pla.in_shelter ?? 0) }),
      pla.pending,
    );
    $("kpi-pending").classList.toggle("kpi-warn", (pla.pending ?? 0) > 0);
    const alerts = ind.alerts || {};
    tile("kpi-alerts", formatNumber(alerts.open ?? 0), t("kpi.alerts.sub"), alerts.open);
    $("kpi-alerts").classList.toggle("kpi-warn", (alerts.open ?? 0) > 0);
  }

  // ------------------------------------------------------------------ charts

  function renderOverTime(data, filters) {
    const measure = filters.measure;
    const table = data.overTime;
    const rows = table.rows || [];
    const granularity = table.period || filters.period;
    const byNationality = new Map();
    for (const row of rows) {
      const code = row.nationality || "";
      byNationality.set(code, (byNationality.get(code) || 0) + (row[measure] || 0));
    }
    const ranked = [...byNationality.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    const top = ranked.length <= TOP_NATIONALITIES + 1 ? ranked : ranked.slice(0, TOP_NATIONALITIES);
    const topSet = new Set(top);
    const periods = bucketRange(
      rows.map((row) => row.period).filter(Boolean),
      granularity,
      table.from || filters.from,
      table.to || filters.to,
    );
    const index = new Map(periods.map((p, i) => [p, i]));
    const series = new Map(top.map((code) => [code, periods.map(() => 0)]));
    const other = periods.map(() => 0);
    for (const row of rows) {
      const i = index.get(row.period);
      if (i === undefined) continue;
      const code = row.nationality || "";
      const target = topSet.has(code) ? series.get(code) : other;
      target[i] += row[measure] || 0;
    }
    const datasets = top.map((code) => ({
      key: `nat:${code}`,
      label: code ? countryName(code) : t("chart.unknown"),
      data: series.get(code),
      backgroundColor: code ? colorOf(code) : OTHER_COLOR,
      stack: "registrations",
      borderRadius: 2,
      maxBarThickness: 48,
    }));
    if (ranked.length > top.length) {
      datasets.push({
        key: "other",
        label: t("chart.other"),
        data: other,
        backgroundColor: OTHER_COLOR,
        stack: "registrations",
        borderRadius: 2,
        maxBarThickness: 48,
      });
    }
    const chart = chartFor("registrationsOverTime", $("chart-time"), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: numberTicks() },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${formatNumber(ctx.parsed.y)}`,
              footer: (items) =>
                `${t("chart.total")}: ${formatNumber(items.reduce((s, i) => s + i.parsed.y, 0))}`,
            },
          },
        },
      },
    });
    setChartData(
      chart,
      periods.map((p) => periodLabel(p, granularity)),
      datasets,
    );
    markEmpty($("card-time"), rows.length === 0);
    renderTable($("table-time"), {
      caption: t("chart.time"),
      columns: [
        { label: t("col.period") },
        { label: t("col.nationality") },
        { label: t("col.events"), numeric: true },
        { label: t("col.children"), numeric: true },
      ],
      rows: [...rows]
        .sort((a, b) => (a.period || "").localeCompare(b.period || "") || b.events - a.events)
        .map((row) => [
          periodLabel(row.period, granularity),
          row.nationality ? countryName(row.nationality) : t("chart.unknown"),
          row.events,
          row.children,
        ]),
      footer: table.totals
        ? [t("table.total"), "", table.totals.events, table.totals.children]
        : null,
    });
  }

  function renderPyramid(data, filters) {
    const measure = filters.measure;
    const rows = data.pyramid.rows || [];
    const value = (age, sex) =>
      sum(rows.filter((r) => r.age_group === age && r.sex === sex), measure);
    const ages = [...AGE_GROUPS];
    for (const row of rows) if (!ages.includes(row.age_group)) ages.push(row.age_group);
    const chart = chartFor("pyramid", $("chart-pyramid"), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: "y",
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: numberTicks((v) => Math.abs(v)) },
          y: { stacked: true, grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${formatNumber(Math.abs(ctx.parsed.x))}`,
            },
          },
        },
      },
    });
    const widest = Math.max(
      1,
      ...ages.flatMap((age) => [value(age, "male"), value(age, "female")]),
    );
    chart.options.scales.x.suggestedMin = -widest;
    chart.options.scales.x.suggestedMax = widest;
    setChartData(
      chart,
      ages.map((age) => ageLabel(age)),
      [
        {
          key: "male",
          label: sexLabel("male"),
          data: ages.map((age) => -value(age, "male")),
          backgroundColor: SEX_COLORS.male,
          borderRadius: 2,
          maxBarThickness: 56,
        },
        {
          key: "female",
          label: sexLabel("female"),
          data: ages.map((age) => value(age, "female")),
          backgroundColor: SEX_COLORS.female,
          borderRadius: 2,
          maxBarThickness: 56,
        },
      ],
    );
    const intersex = sum(rows.filter((r) => r.sex === "intersex"), measure);
    const unknown = sum(rows.filter((r) => r.sex === "unknown" || !r.sex), measure);
    $("pyramid-note").textContent =
      intersex || unknown
        ? t("chart.pyramid.others", {
            intersex: formatNumber(intersex),
            unknown: formatNumber(unknown),
          })
        : "";
    markEmpty($("card-pyramid"), rows.length === 0);
    const sexes = ["female", "male", "intersex", "unknown"];
    renderTable($("table-pyramid"), {
      caption: t("chart.pyramid"),
      columns: [
        { label: t("col.ageGroup") },
        ...sexes.map((s) => ({ label: sexLabel(s), numeric: true })),
        { label: t("table.total"), numeric: true },
      ],
      rows: ages.map((age) => [
        ageLabel(age),
        ...sexes.map((s) => value(age, s)),
        sum(rows.filter((r) => r.age_group === age), measure),
      ]),
    });
  }

  function renderAccompaniment(data, filters) {
    const measure = filters.measure;
    const rows = data.accompaniment.rows || [];
    const kinds = [...ACCOMPANIMENTS];
    for (const row of rows) if (!kinds.includes(row.accompaniment)) kinds.push(row.accompaniment);
    const values = kinds.map((kind) =>
      sum(rows.filter((r) => r.accompaniment === kind), measure),
    );
    const total = values.reduce((a, b) => a + b, 0);
    const chart = chartFor("accompaniment", $("chart-accompaniment"), {
      type: "doughnut",
      data: { labels: [], datasets: [] },
      options: {
        cutout: "58%",
        plugins: {
          legend: { position: "right" },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const all = ctx.dataset.data.reduce((a, b) => a + b, 0);
                const share = all ? ctx.parsed / all : null;
                return `${ctx.label}: ${formatNumber(ctx.parsed)} (${formatPercent(share)})`;
              },
            },
          },
        },
      },
    });
    setChartData(
      chart,
      kinds.map((kind) => accompanimentLabel(kind)),
      [
        {
          key: "accompaniment",
          label: t("chart.accompaniment"),
          data: values,
          backgroundColor: kinds.map((kind) => ACCOMPANIMENT_COLORS[kind] || OTHER_COLOR),
          borderColor: "#ffffff",
          borderWidth: 2,
        },
      ],
    );
    markEmpty($("card-accompaniment"), total === 0);
    renderTable($("table-accompaniment"), {
      caption: t("chart.accompaniment"),
      columns: [
        { label: t("col.accompaniment") },
        { label: t("col.events"), numeric: true },
        { label: t("col.children"), numeric: true },
      ],
      rows: kinds.map((kind) => [
        accompanimentLabel(kind),
        sum(rows.filter((r) => r.accompaniment === kind), "events"),
        sum(rows.filter((r) => r.accompaniment === kind), "children"),
      ]),
    });
  }

  function horizontalBars(name, canvasId, { tooltipLabel } = {}) {
    return chartFor(name, $(canvasId), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: numberTicks() },
          y: { grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: tooltipLabel || ((ctx) => formatNumber(ctx.parsed.x)),
            },
          },
        },
      },
    });
  }

  function renderProtection(data) {
    const pro = data.indicators.protection || {};
    const referrals = pro.referrals || [];
    const labels = [t("protection.need"), t("protection.trafficking")];
    const values = [pro.international_protection_need ?? 0, pro.trafficking_suspected ?? 0];
    const colors = ["#b64a5f", "#8a5aa3"];
    for (const referral of referrals) {
      const kind = t(`referral.${referral.kind}`);
      labels.push(
        t("referral.to", {
          authority: referral.authority ? `${referral.authority} (${kind})` : kind,
        }),
      );
      values.push(referral.children ?? 0);
      colors.push("#1d5f8a");
    }
    const chart = horizontalBars("protection", "chart-protection");
    setChartData(chart, labels.map((label) => wrapLabel(label)), [
      {
        key: "protection",
        label: t("chart.protection"),
        data: values,
        backgroundColor: colors,
        borderRadius: 2,
        maxBarThickness: 28,
      },
    ]);
    renderTable($("table-protection"), {
      caption: t("chart.protection"),
      columns: [{ label: t("col.category") }, { label: t("col.children"), numeric: true }],
      rows: labels.map((label, i) => [label, values[i]]),
    });
  }

  function renderDeadlines(data) {
    const scr = data.indicators.screening || {};
    const share = scr.share_within_24h;
    $("screening-share").textContent = formatPercent(share);
    const bar = $("screening-bar");
    bar.style.width = `${Math.round((share ?? 0) * 1000) / 10}%`;
    bar.classList.toggle("bar-warn", share !== null && share !== undefined && share < 0.9);
    $("screening-detail").textContent = t("chart.deadlines.screeningDetail", {
      due: formatNumber(scr.due ?? 0),
      screened: formatNumber(scr.screened ?? 0),
      within: formatNumber(scr.within_24h ?? 0),
    });
    const con = data.indicators.consular_notification || {};
    $("consular-detail").textContent = t("chart.deadlines.consularDetail", {
      median: formatDecimal(con.median_hours),
      p90: formatDecimal(con.p90_hours),
      notified: formatNumber(con.notified ?? 0),
    });
    const byKind = (data.indicators.alerts || {}).by_kind || {};
    const kinds = [...ALERT_KINDS, ...Object.keys(byKind).filter((k) => !ALERT_KINDS.includes(k))];
    const chart = horizontalBars("alerts", "chart-alerts");
    setChartData(
      chart,
      kinds.map((kind) => wrapLabel(alertLabel(kind))),
      [
        {
          key: "alerts",
          label: t("chart.alerts"),
          data: kinds.map((kind) => byKind[kind] ?? 0),
          backgroundColor: "#d9822b",
          borderRadius: 2,
          maxBarThickness: 22,
        },
      ],
    );
  }

  function renderShelters(data) {
    const ind = data.indicators;
    const pla = ind.placements || {};
    $("placements-summary").textContent = t("chart.shelters.summary", {
      pending: formatNumber(pla.pending ?? 0),
      inShelter: formatNumber(pla.in_shelter ?? 0),
    });
    const rate = (s) => (s.capacity ? s.occupied / s.capacity : -1);
    const shelters = [...(ind.shelters || [])].sort(
      (a, b) => rate(b) - rate(a) || b.occupied - a.occupied || a.name.localeCompare(b.name),
    );
    const box = $("shelters-box");
    box.style.height = `${Math.max(160, 56 + shelters.length * 36)}px`;
    const chart = chartFor("shelters", $("chart-shelters"), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: "y",
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: numberTicks() },
          y: { stacked: true, grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${formatNumber(ctx.parsed.x)}`,
              footer: (items) => {
                const shelter = items.length ? chart.$shelters[items[0].dataIndex] : null;
                if (!shelter) return "";
                return shelter.capacity === null || shelter.capacity === undefined
                  ? t("chart.capacityUnknown")
                  : t("chart.capacity", { capacity: formatNumber(shelter.capacity) });
              },
            },
          },
        },
      },
    });
    chart.$shelters = shelters;
    const within = shelters.map((s) =>
      s.capacity === null || s.capacity === undefined ? s.occupied : Math.min(s.occupied, s.capacity),
    );
    const free = shelters.map((s) =>
      s.capacity === null || s.capacity === undefined ? 0 : Math.max(0, s.capacity - s.occupied),
    );
    const over = shelters.map((s) =>
      s.capacity === null || s.capacity === undefined ? 0 : Math.max(0, s.occupied - s.capacity),
    );
    setChartData(
      chart,
      shelters.map((s) => wrapLabel(`${s.name} · ${s.admin1 || ""}`, box.clientWidth < 560 ? 22 : 40)),
      [
        {
          key: "occupied",
          label: t("shelter.occupied"),
          data: within,
          backgroundColor: "#1d5f8a",
          maxBarThickness: 22,
        },
        {
          key: "over",
          label: t("shelter.over"),
          data: over,
          backgroundColor: "#b64a5f",
          maxBarThickness: 22,
        },
        {
          key: "free",
          label: t("shelter.free"),
          data: free,
          backgroundColor: "#d5dee7",
          maxBarThickness: 22,
        },
      ],
    );
    markEmpty($("card-shelters"), shelters.length === 0);
    renderTable($("table-shelters"), {
      caption: t("chart.shelters"),
      columns: [
        { label: t("col.shelter") },
        { label: t("col.admin1") },
        { label: t("col.occupied"), numeric: true },
        { label: t("col.capacity"), numeric: true },
      ],
      rows: shelters.map((s) => [s.name, subdivisionLabel(s.admin1), s.occupied, s.capacity]),
    });
  }

  function renderAdmin1(data, filters) {
    const measure = filters.measure;
    const rows = [...(data.byAdmin1.rows || [])].sort((a, b) => b[measure] - a[measure]);
    // The largest subdivisions, the rest in one bar (the table lists every one).
    const shown = rows.length > TOP_SUBDIVISIONS + 1 ? rows.slice(0, TOP_SUBDIVISIONS) : rows;
    const rest = rows.slice(shown.length);
    const bars = shown.map((row) => ({ admin1: row.admin1, value: row[measure] }));
    if (rest.length) bars.push({ admin1: null, value: sum(rest, measure), other: true });
    $("admin1-box").style.height = `${Math.max(180, 40 + bars.length * 26)}px`;
    const chart = chartFor("admin1", $("chart-admin1"), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: numberTicks() },
          y: { grid: { display: false }, ticks: { autoSkip: false } },
        },
        onClick: (_event, elements) => {
          if (!elements.length) return;
          const bar = chart.$bars[elements[0].index];
          if (bar && bar.admin1) setFilter({ admin1: bar.admin1 });
        },
        onHover: (event, elements) => {
          const target = event.native && event.native.target;
          if (target) target.style.cursor = elements.length ? "pointer" : "default";
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => formatNumber(ctx.parsed.x) } },
        },
      },
    });
    chart.$bars = bars;
    setChartData(
      chart,
      bars.map((bar) =>
        wrapLabel(bar.other ? t("chart.otherSubdivisions") : subdivisionLabel(bar.admin1), 30),
      ),
      [
        {
          key: "admin1",
          label: t("chart.admin1"),
          data: bars.map((bar) => bar.value),
          backgroundColor: bars.map((bar) => {
            if (bar.other) return OTHER_COLOR;
            return !filters.admin1 || bar.admin1 === filters.admin1 ? "#1d5f8a" : "#a9c2d6";
          }),
          borderRadius: 2,
          maxBarThickness: 20,
        },
      ],
    );
    markEmpty($("card-admin1"), rows.length === 0);
    renderTable($("table-admin1"), {
      caption: t("chart.admin1"),
      columns: [
        { label: t("col.admin1") },
        { label: t("col.events"), numeric: true },
        { label: t("col.children"), numeric: true },
      ],
      rows: rows.map((row) => [subdivisionLabel(row.admin1), row.events, row.children]),
    });
  }

  function renderOutcomes(data) {
    const outcomes = data.indicators.outcomes || {};
    const kinds = [...OUTCOMES, ...Object.keys(outcomes).filter((k) => !OUTCOMES.includes(k))];
    const chart = chartFor("outcomes", $("chart-outcomes"), {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: numberTicks() },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => formatNumber(ctx.parsed.y) } },
        },
      },
    });
    setChartData(
      chart,
      kinds.map((kind) => outcomeLabel(kind)),
      [
        {
          key: "outcomes",
          label: t("chart.outcomes"),
          data: kinds.map((kind) => outcomes[kind] ?? 0),
          backgroundColor: "#2f8f6b",
          borderRadius: 2,
          maxBarThickness: 48,
        },
      ],
    );
    renderTable($("table-outcomes"), {
      caption: t("chart.outcomes"),
      columns: [{ label: t("col.outcome") }, { label: t("col.children"), numeric: true }],
      rows: kinds.map((kind) => [outcomeLabel(kind), outcomes[kind] ?? 0]),
    });
  }

  function render(data, filters) {
    renderKpis(data);
    renderOverTime(data, filters);
    renderPyramid(data, filters);
    renderAccompaniment(data, filters);
    renderProtection(data);
    renderDeadlines(data);
    renderShelters(data);
    renderAdmin1(data, filters);
    renderOutcomes(data);
  }

  async function downloadCsv(filters) {
    const blob = await getBlob("/stats/registrations", {
      group_by: "nationality",
      period: filters.period,
      from: filters.from,
      to: filters.to,
      admin1: filters.admin1,
      format: "csv",
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `registrations-${filters.period}-${filters.from || "start"}-${filters.to || "now"}${filters.admin1 ? `-${filters.admin1}` : ""}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  return {
    mode: "national",
    changesPath: "/stats/changes",
    init,
    load,
    render,
    subdivisions,
    subdivisionLabel,
    downloadCsv,
    title: () => `${t("app.national")} — ${countryName(config.country)}`,
    asOf: (data) => data.indicators.as_of,
  };
}
