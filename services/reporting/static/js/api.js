// Calls to the statistics API of the same origin, with the user's bearer token.
// The token comes from the address (#token=...) or the sign-in box and is kept in
// sessionStorage only: it dies with the tab and is never written to the address bar again.

const TOKEN_KEY = "opi.dashboard.token";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }

  get isAuth() {
    return this.status === 401 || this.status === 403;
  }
}

/** Moves a token given as ``#token=...`` into sessionStorage and out of the address bar. */
export function takeTokenFromFragment() {
  const hash = window.location.hash.replace(/^#/, "");
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const token = params.get("token");
  if (!token) return null;
  params.delete("token");
  const rest = params.toString();
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : "");
  window.history.replaceState(window.history.state, "", url);
  storeToken(token);
  return token;
}

let memoryToken = null; // when sessionStorage is unavailable

export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return memoryToken;
  }
}

export function storeToken(token) {
  memoryToken = token;
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token lives in memory for this page only.
  }
}

export function clearToken() {
  memoryToken = null;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}

function currentToken() {
  return storedToken() || memoryToken;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    search.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function request(path, params, { signal, auth = true, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (auth) {
    const token = currentToken();
    if (!token) throw new ApiError(401, "no token");
    headers.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(path + query(params), {
      headers,
      signal,
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(0, String(error));
  }
  if (!response.ok) {
    let detail = "";
    try {
      detail = await response.text();
    } catch {
      detail = "";
    }
    throw new ApiError(response.status, detail || response.statusText);
  }
  return response;
}

/** GET a JSON document; ``params`` with null or empty values are left out. */
export async function getJson(path, params, options = {}) {
  const response = await request(path, params, options);
  return response.json();
}

/** GET a file (CSV) as a Blob. */
export async function getBlob(path, params, options = {}) {
  const response = await request(path, params, { ...options, accept: "text/csv" });
  return response.blob();
}

/** The dashboard's configuration: public, it holds no data. */
export async function getConfig() {
  const response = await request("/dashboard/config", null, { auth: false });
  return response.json();
}

export async function getPublic(path) {
  const response = await request(path, null, { auth: false });
  return response.json();
}
