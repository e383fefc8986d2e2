"""The harness's report: the load held, the faults injected and how long the stack took to
recover from each, and the promises checked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.reliability.faults import FaultLog
from tests.reliability.invariants import Check
from tests.reliability.workload import GroundTruth


def render(
    *,
    seconds: float,
    truth: GroundTruth,
    faults: FaultLog,
    checks: list[Check],
    drain_seconds: float,
    seed: int,
) -> str:
    registered = len(truth.registered)
    lines = [
        f"# Fault harness report (seed {seed})",
        "",
        "## Load held",
        f"- {seconds:.0f} s of load: {registered} registrations accepted "
        f"({registered / seconds:.2f}/s), {truth.refused} refused to the caller, "
        f"{truth.screenings} screenings, {truth.releases} releases, "
        f"{truth.returns_scheduled} returns scheduled, {truth.returns_refused} refused (409)",
        f"- caught up {drain_seconds:.1f} s after the last request",
        "",
        f"## Faults injected: {len(faults.faults)}",
        "| # | kind | target | lasted (s) | healthy again after (s) |",
        "|---|---|---|---|---|",
    ]
    for number, fault in enumerate(faults.faults, 1):
        recovered = "never" if fault.recovered_in is None else f"{fault.recovered_in:.1f}"
        lines.append(
            f"| {number} | {fault.kind} | {fault.target} | {fault.lasted:.1f} | {recovered} |"
        )
    kinds = Counter(fault.kind for fault in faults.faults)
    lines += ["", "By kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), ""]
    lines += ["## Promises", "| promise | checked | held | note |", "|---|---|---|---|"]
    for check in checks:
        held = "yes" if check.held else "NO"
        lines.append(f"| {check.promise} | {check.checked} | {held} | {check.note} |")
    for check in checks:
        if check.broken:
            lines += ["", f"### Broken: {check.promise}", *(f"- {b}" for b in check.broken[:50])]
    if truth.errors:
        lines += ["", "## Workload errors", *(f"- {e}" for e in truth.errors[:20])]
    return "\n".join(lines) + "\n"


def write(report: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report)
    print(report)
