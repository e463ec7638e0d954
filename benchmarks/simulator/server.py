"""An OpenAI-compatible chat server whose timing and failures are set per model.

It exists to check the measuring code against known truth: with a real model nobody
knows what the true time to first token was, here it is whatever was configured.
Written on raw asyncio streams so that it adds no dependency and so that nothing
between the timer and the socket buffers or delays the tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Self

from .api import SimulatorAPI
from .behaviour import SimulatedModel
from .clock import SimulatorClock

logger = logging.getLogger(__name__)


class SimulatorServer:
    """The simulator on its own event loop in a daemon thread, for tests and scripts.

    Timing is only as good as that loop is free: keep the simulator out of the event
    loop whose timing is being measured. ``clock`` replaces that loop's clock (tests).
    """

    def __init__(
        self,
        models: dict[str, SimulatedModel] | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        default_model: SimulatedModel | None = None,
        clock: SimulatorClock | None = None,
    ) -> None:
        self._core = SimulatorAPI(models, api_key, default_model, clock)
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the simulator is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/v1"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("the simulator is already started")
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="llm-simulator", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._start_error is not None:
            self._thread.join()
            self._thread = None
            raise self._start_error
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        self._thread = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_model(self, name: str, model: SimulatedModel | None) -> None:
        """Replace one model's settings (None removes it); safe while serving."""
        self._core.set_model(name, model)

    @property
    def models(self) -> dict[str, SimulatedModel]:
        return self._core.models()

    @property
    def request_counts(self) -> dict[str, int]:
        """Chat completion requests received per requested model name."""
        return self._core.request_counts()

    def requests_for(self, model_name: str) -> int:
        return self._core.request_counts().get(model_name, 0)

    def reset_counts(self) -> None:
        self._core.reset_counts()

    def prompts_seen(self, model_name: str) -> list[str]:
        """The first 80 characters of the last 1,000 prompts' last messages to one model."""
        return self._core.prompts_seen(model_name)

    @property
    def connections_accepted(self) -> int:
        return self._core.connections_accepted()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._core.handle_connection, self._host, self._requested_port)
            )
        except BaseException as exc:  # handed to the thread that called start()
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(self._core.shutdown())
            loop.run_until_complete(server.wait_closed())
            loop.close()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8000,
    models: dict[str, SimulatedModel] | None = None,
    api_key: str | None = None,
    *,
    default_model: SimulatedModel | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C returns normally).

    ``on_ready`` gets the bound port, which is how a caller learns it when port=0.
    """
    core = SimulatorAPI(models, api_key, default_model)

    async def main() -> None:
        server = await asyncio.start_server(core.handle_connection, host, port)
        try:
            if on_ready is not None:
                on_ready(server.sockets[0].getsockname()[1])
            await asyncio.Event().wait()
        finally:
            server.close()
            await core.shutdown()
            await server.wait_closed()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="OpenAI-compatible LLM simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    serve_forever(
        args.host,
        args.port,
        api_key=args.api_key,
        on_ready=lambda bound: print(f"simulator listening on http://{args.host}:{bound}/v1"),
    )
