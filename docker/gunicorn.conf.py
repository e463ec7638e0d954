"""gunicorn for the web service (docker/compose.yaml; README, Operations).

Two listeners: the site on PORT (8000) and the probes on PROBE_PORT (8001). A sync
worker takes connections from both sockets in turn, so a load balancer's /readyz on the
probe port is answered after at most the request each worker is busy with, instead of
queueing behind every page request waiting on the site's port
(tests/bench/bench_probes.py measures it under 200 connections).
"""

import os

bind = [
    f"0.0.0.0:{os.environ.get('PORT', '8000')}",
    f"0.0.0.0:{os.environ.get('PROBE_PORT', '8001')}",
]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
accesslog = "-"
# Each worker restarts after this many requests (a jitter keeps them from all restarting
# at once), so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
