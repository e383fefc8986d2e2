// Boot: configuration, sign-in, filters, refresh and live updates (long polling).
import {
  ApiError,
  clearToken,
  getConfig,
  getJson,
  storedToken,
  storeToken,
  takeTokenFromFragment,
} from "./api.js";
import { registry } from "./charts.js";
import {
  formatDate,
  formatDateTime,
  formatTime,
  initialLanguage,
  language,
  onLanguageChange,
  setLanguage,
  t,
} from "./i18n.js";
import { createNationalPage } from "./national.js";
import { monthEnd, monthStart, rangeDates } from "./periods.js";
import { createRegionalPage } from "./regional.js";

const $ = (id) => document.getElementById(id);

const DEFAULT_FILTERS = {
  range: "all",
  from: "",
  to: "",
  period: "month",
  admin1: "",
  measure: "events",
};
const FILTER_NAMES = Object.keys(DEFAULT_FILTERS);

const state = {
  config: null,
  page: null,
  filters: { ...DEFAULT_FILTERS },
  data: null,
  version: null,
  refreshes: 0,
  loading: null, // AbortController of the refresh in flight
  generation: 0,
  live: null, // AbortController of the long poll
  liveState: "off",
  updatedAt: null,
  message: null, // {key, params, kind}
};

// The page's state, for tests and for the browser console.
window.opiDashboard = {
  state: () => ({
    mode: state.config && state.config.mode,
    version: state.version,
    refreshes: state.refreshes,
    language: language(),
    filters: { ...state.filters },
    live: state.liveState,
  }),
  refresh: () => refresh(),
  charts: registry,
};

// ------------------------------------------------------------------ messages

function showMessage(key, params = {}, kind = "error") {
  state.message = { key, params, kind };
  renderMessage();
}

function clearMessage() {
  state.message = null;
  renderMessage();
}

function renderMessage() {
  const box = $("message");
  if (!state.message) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  box.hidden = false;
  box.dataset.kind = state.message.kind;
  box.textContent = t(state.message.key, state.message.params);
}

// ------------------------------------------------------------------ status line

function setLive(liveState) {
  state.liveState = liveState;
  renderStatus();
}

function renderStatus() {
  const live = $("live-status");
  live.dataset.state = state.liveState;
  const keys = { on: "live.on", reconnecting: "live.reconnecting", off: "live.off" };
  $("live-text").textContent = t(keys[state.liveState]);
  const parts = [];
  if (state.updatedAt) parts.push(t("updated", { time: formatTime(state.updatedAt) }));
  const asOf = state.data && state.page ? state.page.asOf(state.data) : null;
  if (asOf) parts.push(t("asOf", { time: formatDateTime(asOf) }));
  $("last-updated").textContent = parts.join(" · ");
}

// ------------------------------------------------------------------ filters

function readFiltersFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = { ...DEFAULT_FILTERS };
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value !== null) filters[name] = value;
  }
  if (!["day", "week", "month"].includes(filters.period)) filters.period = "month";
  if (!["events", "children"].includes(filters.measure)) filters.measure = "events";
  if (monthsOnly() && ["30d", "90d"].includes(filters.range)) filters.range = "12m";
  const dates = rangeDates(filters.range);
  if (dates) Object.assign(filters, dates);
  else filters.range = "custom";
  if (monthsOnly()) {
    filters.admin1 = "";
    filters.measure = "events";
    filters.period = "month";
    if (filters.from) filters.from = monthStart(filters.from);
    if (filters.to) filters.to = monthEnd(filters.to);
  }
  return filters;
}

/**
 * Regional figures are by whole calendar months (overlapping ranges could otherwise be
 * subtracted to reveal a small count): months are chosen instead of days.
 */
function monthsOnly() {
  return Boolean(state.config && state.config.mode === "regional");
}

function writeFiltersToUrl() {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = state.filters[name];
    if (value && value !== DEFAULT_FILTERS[name]) params.set(name, value);
  }
  if (state.filters.range !== "custom") {
    params.delete("from");
    params.delete("to");
  }
  const search = params.toString();
  const url = window.location.pathname + (search ? `?${search}` : "") + window.location.hash;
  window.history.replaceState(window.history.state, "", url);
}

function showFilters() {
  const f = state.filters;
  $("f-range").value = f.range;
  $("f-from").value = monthsOnly() ? f.from.slice(0, 7) : f.from;
  $("f-to").value = monthsOnly() ? f.to.slice(0, 7) : f.to;
  $("f-period").value = f.period;
  $("f-measure").value = f.measure;
  ensureAdmin1Option(f.admin1);
  $("f-admin1").value = f.admin1;
}

function ensureAdmin1Option(code) {
  if (!code) return;
  const select = $("f-admin1");
  if ([...select.options].some((o) => o.value === code)) return;
  const option = document.createElement("option");
  option.value = code;
  option.textContent = state.page.subdivisionLabel ? state.page.subdivisionLabel(code) : code;
  select.append(option);
}

function fillAdmin1Options(list) {
  const select = $("f-admin1");
  const chosen = state.filters.admin1;
  const all = select.options[0];
  const options = list.map(({ code, label }) => {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = label;
    return option;
  });
  select.replaceChildren(all, ...options);
  ensureAdmin1Option(chosen);
  select.value = chosen;
}

function setFilter(changes) {
  Object.assign(state.filters, changes);
  filtersChanged();
}

function filtersChanged() {
  const { from, to } = state.filters;
  if (from && to && from > to) {
    showMessage("error.range", {}, "warning");
    return;
  }
  if (state.message && state.message.key === "error.range") clearMessage();
  writeFiltersToUrl();
  showFilters();
  renderScope();
  renderUnits();
  refresh();
}

function bindFilters() {
  const form = $("filters");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    state.filters = { ...DEFAULT_FILTERS };
    filtersChanged();
  });
  $("f-range").addEventListener("change", (event) => {
    const range = event.target.value;
    const dates = rangeDates(range);
    if (dates && monthsOnly() && dates.from) {
      dates.from = monthStart(dates.from);
      dates.to = monthEnd(dates.to);
    }
    setFilter(dates ? { range, ...dates } : { range });
  });
  for (const id of ["f-from", "f-to"]) {
    $(id).addEventListener("change", () => {
      let from = $("f-from").value;
      let to = $("f-to").value;
      if (monthsOnly()) {
        from = from ? monthStart(from) : "";
        to = to ? monthEnd(to) : "";
      }
      setFilter({ range: "custom", from, to });
    });
  }
  $("f-period").addEventListener("change", (e) => setFilter({ period: e.target.value }));
  $("f-admin1").addEventListener("change", (e) => setFilter({ admin1: e.target.value }));
  $("f-measure").addEventListener("change", (e) => setFilter({ measure: e.target.value }));
  const csv = $("csv-time");
  if (csv) {
    csv.addEventListener("click", async () => {
      try {
        await state.page.downloadCsv(state.filters);
      } catch (error) {
        handleError(error);
      }
    });
  }
}

function renderScope() {
  if (!state.page) return;
  $("page-title").textContent = state.page.title();
  const { from, to, admin1 } = state.filters;
  const options = monthsOnly()
    ? { month: "long", year: "numeric" }
    : { day: "numeric", month: "short", year: "numeric" };
  const show = (day) => formatDate(day, options);
  const key = (name) => (monthsOnly() ? `scope.month${name}` : `scope.${name.toLowerCase()}`);
  let period;
  if (from && to) period = t(key("Range"), { from: show(from), to: show(to) });
  else if (from) period = t(key("From"), { from: show(from) });
  else if (to) period = t(key("To"), { to: show(to) });
  else period = t("scope.all");
  const parts = [period.charAt(0).toUpperCase() + period.slice(1)];
  if (state.config.mode === "national") {
    parts.push(admin1 ? state.page.subdivisionLabel(admin1) : t("admin1.all"));
  }
  $("scope").textContent = parts.join(" · ");
}

/** Each figure says what it counts: events, distinct children, alerts or places. */
function renderUnits() {
  const unitBadge = (el, unit) => {
    el.textContent = t(`unit.${unit}`);
    el.title =
      state.config && state.config.mode === "regional" && unit === "events"
        ? t("regional.unit.help")
        : t(`unit.${unit}.help`);
    el.dataset.unitValue = unit;
  };
  for (const el of document.querySelectorAll("[data-measure-unit]")) {
    unitBadge(el, state.filters.measure);
  }
  for (const el of document.querySelectorAll("[data-unit-fixed]")) {
    unitBadge(el, el.dataset.unitFixed);
  }
  for (const tile of document.querySelectorAll(".kpi[data-unit]")) {
    let badge = tile.querySelector(".unit");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "unit";
      tile.querySelector("h3").after(badge);
    }
    unitBadge(badge, tile.dataset.unit);
  }
}

// ------------------------------------------------------------------ data

async function refresh() {
  if (!state.page || !storedToken()) return;
  if (state.loading) state.loading.abort();
  const controller = new AbortController();
  state.loading = controller;
  const generation = ++state.generation;
  document.body.classList.add("is-loading");
  try {
    const data = await state.page.load({ ...state.filters }, controller.signal);
    if (generation !== state.generation) return;
    state.data = data;
    state.updatedAt = new Date();
    state.page.render(data, state.filters);
    if (state.page.subdivisions) {
      const list = state.page.subdivisions(data);
      if (state.config.mode === "national") fillAdmin1Options(list);
    }
    renderUnits();
    renderStatus();
    state.refreshes += 1;
    if (state.message && state.message.kind !== "warning") clearMessage();
  } catch (error) {
    if (generation === state.generation) handleError(error);
  } finally {
    if (generation === state.generation) {
      state.loading = null;
      document.body.classList.remove("is-loading");
    }
  }
}

function handleError(error) {
  if (error && error.name === "AbortError") return;
  if (error instanceof ApiError) {
    if (error.status === 401) {
      signOut("error.401");
      return;
    }
    if (error.status === 403) {
      signOut(`error.403.${state.config.mode}`);
      return;
    }
    if (error.status === 0) {
      showMessage("error.network");
      return;
    }
    showMessage("error.server", { status: error.status });
    return;
  }
  console.warn("dashboard:", error); // eslint-disable-line no-console
  showMessage("error.server", { status: "?" });
}

// ------------------------------------------------------------------ live updates

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Long polling: the API answers when its version moves past ``since`` (or after ~20 s with
 * the same version). A new version means new events: the page refetches and the charts
 * move to their new values in place.
 */
async function liveLoop(controller) {
  const { signal } = controller;
  let since = state.version ?? -1;
  let failures = 0;
  setLive("on");
  while (!signal.aborted) {
    try {
      const answer = await getJson(state.page.changesPath, { since }, { signal });
      failures = 0;
      if (state.liveState !== "on") {
        setLive("on");
        if (state.message && state.message.key === "error.network") clearMessage();
      }
      const version = Number(answer.version);
      if (Number.isFinite(version) && version !== since) {
        since = version;
        state.version = version;
        await refresh();
      }
    } catch (error) {
      if (signal.aborted || (error && error.name === "AbortError")) return;
      if (error instanceof ApiError && error.isAuth) {
        handleError(error);
        return;
      }
      failures += 1;
      setLive("reconnecting");
      await sleep(Math.min(30000, 1000 * 2 ** Math.min(failures, 5)), signal);
    }
  }
}

function startLive() {
  stopLive();
  const controller = new AbortController();
  state.live = controller;
  liveLoop(controller);
}

function stopLive() {
  if (state.live) state.live.abort();
  state.live = null;
  setLive("off");
}

// ------------------------------------------------------------------ sign-in

function showSignIn(messageKey) {
  $("loading").hidden = true;
  $("dashboard").hidden = true;
  $("signin").hidden = false;
  $("sign-out").hidden = true;
  if (messageKey) showMessage(messageKey);
  $("token-input").focus();
}

function signOut(messageKey) {
  stopLive();
  if (state.loading) state.loading.abort();
  clearToken();
  state.data = null;
  state.updatedAt = null;
  renderStatus();
  showSignIn(messageKey);
  if (!messageKey) clearMessage();
}

function bindSignIn() {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim().replace(/^Bearer\s+/i, "");
    if (!token) {
      showMessage("auth.empty", {}, "warning");
      return;
    }
    $("token-input").value = "";
    storeToken(token);
    clearMessage();
    start();
  });
  $("sign-out").addEventListener("click", () => signOut(null));
}

async function start() {
  $("loading").hidden = true;
  $("signin").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  showFilters();
  renderScope();
  renderUnits();
  // The version first (answered at once for since=-1), then the data: a change that lands
  // in between is caught by the first long poll, and the page loads its data only once.
  try {
    const answer = await getJson(state.page.changesPath, { since: -1 });
    state.version = Number(answer.version);
  } catch (error) {
    if (error instanceof ApiError && error.isAuth) {
      handleError(error);
      return;
    }
    state.version = null;
  }
  await refresh();
  if (storedToken()) startLive();
}

// ------------------------------------------------------------------ boot

async function boot() {
  setLanguage(initialLanguage(), { remember: false });
  const select = $("lang-select");
  select.value = language();
  select.addEventListener("change", () => setLanguage(select.value));
  onLanguageChange(() => {
    select.value = language();
    renderMessage();
    renderStatus();
    renderScope();
    if (state.page && state.data) {
      state.page.render(state.data, state.filters);
      if (state.config.mode === "national") fillAdmin1Options(state.page.subdivisions(state.data));
    }
    renderUnits();
  });

  takeTokenFromFragment();
  bindSignIn();

  try {
    state.config = await getConfig();
  } catch {
    $("loading").hidden = true;
    showMessage("error.config");
    return;
  }
  const regional = state.config.mode === "regional";
  document.body.dataset.mode = regional ? "regional" : "national";
  state.page = regional
    ? createRegionalPage(state.config)
    : createNationalPage(state.config, { setFilter });
  $(regional ? "regional" : "national").hidden = false;
  for (const el of document.querySelectorAll(".national-only")) el.hidden = regional;
  if (regional) {
    for (const el of document.querySelectorAll(".days-only")) el.remove();
    for (const id of ["f-from", "f-to"]) $(id).type = "month";
  }
  if (!regional && state.config.country) {
    document.body.dataset.country = state.config.country;
  }
  await state.page.init();
  state.filters = readFiltersFromUrl();
  bindFilters();
  if (!window.Chart) {
    showMessage("error.config");
    return;
  }
  if (storedToken()) start();
  else showSignIn(null);
}

boot();
