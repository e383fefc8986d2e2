"""What the benchmark starts and must always stop: a throwaway PostgreSQL database and the
services (intake, referral), each run as its production entry point ``python -m opi serve``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path

import httpx

from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token
from shared.platform.dev_postgres import postgres_database as throwaway_postgres
from shared.platform.embedded_broker import free_port

OFFICER_ROLE = "opi-officer"
COUNTRY = "MX"
REPO_ROOT = Path(__file__).resolve().parent.parent


def postgres_database(admin_dsn: str) -> contextlib.AbstractAsyncContextManager[str]:
    return throwaway_postgres(admin_dsn, prefix="opi_bench")


def officer_token(data_dir: Path, role: str = OFFICER_ROLE) -> tuple[Path, str]:
    """The dev JWKS the service trusts, and a bearer token with ``role`` signed for it."""
    settings = Settings(country=COUNTRY, data_dir=data_dir)
    jwks = ensure_signing_key(data_dir, settings.realm)
    token = mint_token(
        data_dir,
        settings.realm,
        issuer=settings.issuer,
        subject=f"bench-{role}",
        roles=[role],
        username=f"bench-{role}",
    )
    return jwks, token


class ServiceServer:
    """``python -m opi serve <service>`` in a process of its own, configured by OPI_*
    variables (``extra_env`` on top), so the load generator does not share its event loop."""

    def __init__(
        self,
        *,
        database_url: str,
        kafka: str,
        data_dir: Path,
        jwks: Path,
        service: str = "intake",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.service = service
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = data_dir / f"{service}-{self.port}.log"
        self._env = {
            **os.environ,
            "OPI_COUNTRY": COUNTRY,
            "OPI_DATA_DIR": str(data_dir),
            "OPI_DATABASE_URL": database_url,
            "OPI_KAFKA_BOOTSTRAP_SERVERS": kafka,
            "OPI_AUTH_JWKS_FILE": str(jwks),
            "OPI_HTTP_HOST": "127.0.0.1",
            "OPI_HTTP_PORT": str(self.port),
            "OPI_LOG_LEVEL": "warning",
            "OPI_TELEMETRY_EXPORTER": "none",
            **(extra_env or {}),
        }
        self._process: asyncio.subprocess.Process | None = None

    async def start(self, within: float = 60.0) -> ServiceServer:
        with self.log_file.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "opi",
                "serve",
                self.service,
                cwd=REPO_ROOT,
                env=self._env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the benchmark, which stops it in order
            )
        await self._wait_until_healthy(within)
        return self

    async def _wait_until_healthy(self, within: float) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                if self._process is not None and self._process.returncode is not None:
                    raise RuntimeError(f"{self.service} exited at start-up:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{self.service} not healthy after {within}s:\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.1)

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        except TimeoutError:
            process.kill()
            await process.wait()

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the service process used so far (Linux /proc only)."""
        if self._process is None:
            return None
        try:
            stat = Path(f"/proc/{self._process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # fields after the command name, from state on
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    async def __aenter__(self) -> ServiceServer:
        try:
            return await self.start()
        except BaseException:
            await self.stop()
            raise

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
