"""National statistics over a million cases: the time of the calls behind GET
/stats/registrations and GET /stats/indicators (``services.reporting.statistics``, with the
service's own engine set-up), on SQLite and PostgreSQL filled by ``reporting_facts``.

Each query is run ``runs`` times, or fewer (at least twice) when that would take more than
the per-query budget; p50 and p95 are nearest-rank, so over two runs they are the faster and
the slower one.
The HTTP layer (JSON, the token check, the audit row) is left out: it does not grow with the
number of cases.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks import reporting_facts
from benchmarks.infra import postgres_database
from benchmarks.stats import percentile
from services.reporting import statistics
from services.reporting.queries import DIMENSIONS, Scope
from shared.platform.db import create_engine, session_factory

Query = Callable[[AsyncSession], Awaitable[Any]]
SLOW_SECONDS = 2.0  # a dashboard call slower than this deserves an index or a rollup
LAST_MONTH = Scope(
    start=(reporting_facts.NOW - timedelta(days=30)).date(), end=reporting_facts.NOW.date()
)


def _table(group_by: list[str], period: str | None, scope: Scope | None = None) -> Query:
    async def run(session: AsyncSession) -> Any:
        return await statistics.registration_table(session, scope or Scope(), group_by, period)

    return run


def _indicators(scope: Scope) -> Query:
    async def run(session: AsyncSession) -> Any:
        return await statistics.indicators(
            session, scope, now=reporting_facts.NOW, screening_deadline_hours=24.0
        )

    return run


QUERIES: dict[str, Query] = {
    "registrations, totals only": _table([], None),
    "registrations by nationality, per month": _table(["nationality"], "month"),
    "registrations by age group and sex": _table(["age_group", "sex"], None),
    "registrations by all 5 dimensions, per day": _table(list(DIMENSIONS), "day"),
    "indicators, all time": _indicators(Scope()),
    "indicators, last 30 days": _indicators(LAST_MONTH),
}


@dataclass(frozen=True)
class QueryOptions:
    cases: int
    template_cases: int
    runs: int
    budget: float
    seed: int
    postgres_admin_dsn: str


async def time_queries(database_url: str, runs: int, budget: float) -> dict[str, Any]:
    """Each query ``runs`` times, or as often as fits in ``budget`` seconds (at least twice).
    The fill has just read every table, so the caches are as warm as a busy service's."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    timings: dict[str, Any] = {}
    try:
        for name, query in QUERIES.items():
            seconds: list[float] = []
            rows = None
            while len(seconds) < runs and (len(seconds) < 2 or sum(seconds) < budget):
                async with sessions() as session:
                    started = time.perf_counter()
                    result = await query(session)
                    seconds.append(time.perf_counter() - started)
                rows = len(getattr(result, "rows", ())) or None
            timings[name] = {
                "runs": len(seconds),
                "p50_ms": percentile(seconds, 50) * 1000,
                "p95_ms": percentile(seconds, 95) * 1000,
                "max_ms": max(seconds) * 1000,
                "rows": rows,
                "slow": percentile(seconds, 50) > SLOW_SECONDS,
            }
    finally:
        await engine.dispose()
    return timings


async def query_run(backend: str, options: QueryOptions, workdir: Path) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            path = workdir / "reporting-queries.db"
            path.unlink(missing_ok=True)
            database_url = f"sqlite+aiosqlite:///{path}"
            stack.callback(lambda: [p.unlink(missing_ok=True) for p in _sqlite_files(path)])
        else:
            database_url = await stack.enter_async_context(
                postgres_database(options.postgres_admin_dsn)
            )
        fill = await reporting_facts.fill(
            database_url,
            cases=options.cases,
            template_cases=options.template_cases,
            seed=options.seed,
        )
        await reporting_facts.check_filled(database_url)
        result: dict[str, Any] = {
            "backend": backend,
            "rows": fill.rows,
            "template_cases": fill.template_cases,
            "fill_seconds": fill.template_seconds + fill.copy_seconds,
            "queries": await time_queries(database_url, options.runs, options.budget),
        }
        if backend == "sqlite":
            result["database_mb"] = sum(p.stat().st_size for p in _sqlite_files(path)) / 2**20
        result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        return result


def _sqlite_files(path: Path) -> list[Path]:
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [candidate for candidate in candidates if candidate.exists()]


async def query_runs(args: argparse.Namespace, workdir: Path, results: dict[str, Any]) -> None:
    """One run per backend into ``results["reporting"]["queries"]``; a failed run is
    reported in ``results["errors"]`` and the others go on."""
    options = QueryOptions(
        cases=args.reporting_query_cases,
        template_cases=args.reporting_template_cases,
        runs=args.reporting_query_runs,
        budget=args.reporting_query_budget,
        seed=args.seed,
        postgres_admin_dsn=args.postgres_admin_dsn,
    )
    section = results.setdefault("reporting", {}).setdefault("queries", {})
    for backend in args.backends:
        print(
            f"… {backend}: reporting statistics over {options.cases:,} cases "
            f"(up to {options.runs} runs per query)",
            flush=True,
        )
        try:
            section[backend] = await query_run(backend, options, workdir)
        except Exception as error:  # report it, go on with the other measurements
            results["errors"][f"reporting queries {backend}"] = f"{type(error).__name__}: {error}"
