"""Serve the OpenAI-compatible simulator (benchmarks/simulator.py) until interrupted."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from benchmarks.simulator import SimulatedModel, serve_forever


class Command(BaseCommand):
    help = (
        "Serve a simulated OpenAI-compatible LLM API for demos and tests. Its figures are "
        "simulated and labelled so; it is never a real provider."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--ttft-ms", type=float, default=200.0, dest="ttft_ms")
        parser.add_argument("--inter-token-ms", type=float, default=10.0, dest="inter_token_ms")
        parser.add_argument("--tokens", type=int, default=100)
        parser.add_argument(
            "--api-key-env",
            default="",
            help="NAME of an environment variable: when set, requests must carry that key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        api_key = os.environ.get(options["api_key_env"]) if options["api_key_env"] else None
        default = SimulatedModel(
            ttft_ms=options["ttft_ms"],
            inter_token_ms=options["inter_token_ms"],
            tokens=options["tokens"],
        )

        def ready(port: int) -> None:
            self.stdout.write(
                f"Simulator (simulated figures) at http://{options['host']}:{port}/v1 "
                "- Ctrl-C to stop.",
            )
            self.stdout.flush()

        # Any model name is answered; one is listed so GET /models shows who is answering,
        # which is how the speed tests tell the simulator from a real provider.
        serve_forever(
            options["host"],
            options["port"],
            models={"tokonomix-simulated": default},
            api_key=api_key,
            default_model=default,
            on_ready=ready,
        )
