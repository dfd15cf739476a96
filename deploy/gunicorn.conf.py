"""gunicorn's settings for the web process (systemd/svc-web.service; docs/deployment.md).

Sync workers behind a buffering reverse proxy on the same node (nginx), which holds slow
clients so that a worker only ever waits for the application. Tune ``workers`` to the node:
2 x CPU cores + 1 is gunicorn's own starting point; each worker stays under 150 MiB
(``make bench`` prints the peak).
"""

import multiprocessing

# Only the proxy on this node talks to gunicorn.
bind = "127.0.0.1:8000"
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "sync"
# A request that takes longer is killed; the readiness probe is bounded well below it.
timeout = 30
# On SIGTERM (systemctl stop, a deploy), workers finish the request they serve.
graceful_timeout = 25
keepalive = 5
# Renew each worker now and then, spread out, so that no memory growth accumulates.
max_requests = 2000
max_requests_jitter = 200
# Logs to stderr, that is to the journal.
accesslog = "-"
errorlog = "-"
