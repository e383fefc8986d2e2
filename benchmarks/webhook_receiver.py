"""The consulate's and the authority's side of the notice benchmark: a webhook receiver served
by uvicorn in the benchmark's own event loop, on a free port. It checks every signature
(``X-OPI-Signature`` over the exact body), keeps the time each notice id first arrived and
answers a repeat with 200 like a real receiver that already has it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.notification.channels import NOTICE_ID_HEADER, SIGNATURE_HEADER, verify
from shared.platform.embedded_broker import free_port


class _Server(uvicorn.Server):
    """Leaves the signal handlers to the benchmark, which stops everything in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebhookReceiver:
    """``POST /hooks/{name}`` signed with ``secrets[name]``; ``seen`` maps each notice id to
    the ``perf_counter`` at which it first arrived with a valid signature."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.seen: dict[str, float] = {}
        self.hook_of: dict[str, str] = {}  # notice id -> the hook it was posted to
        self.requests: Counter[str] = Counter()  # notice id -> valid requests (>1: repeats)
        self.bad_signatures = 0
        self._arrived = asyncio.Event()
        app = Starlette(routes=[Route("/hooks/{name}", self._hook, methods=["POST"])])
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        now = time.perf_counter()
        secret = self.secrets.get(request.path_params["name"])
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if secret is None or not verify(body, secret, signature):
            self.bad_signatures += 1
            return Response(status_code=401)
        notice_id = request.headers.get(NOTICE_ID_HEADER, "")
        self.requests[notice_id] += 1
        if notice_id in self.seen:
            return Response(status_code=200)  # a repeat: already taken in
        self.seen[notice_id] = now
        self.hook_of[notice_id] = request.path_params["name"]
        self._arrived.set()
        return Response(status_code=202)

    @property
    def repeats(self) -> int:
        return sum(count - 1 for count in self.requests.values())

    async def wait_for(self, count: int, within: float) -> bool:
        """Wait until ``count`` distinct notices arrived, at most ``within`` seconds."""
        deadline = time.perf_counter() + within
        while len(self.seen) < count:
            self._arrived.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            if len(self.seen) >= count:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout=min(remaining, 1.0))
        return True

    async def __aenter__(self) -> WebhookReceiver:
        self._task = asyncio.create_task(self._server.serve(), name="webhook-receiver")
        try:
            while not self._server.started:
                if self._task.done():
                    self._task.result()  # it could not start: raise why
                await asyncio.sleep(0.02)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
            self._task = None
