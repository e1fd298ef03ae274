"""Gunicorn settings of the web service (Dockerfile, docker-compose.yml)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))


def post_worker_init(worker):
    """Each worker compiles the validation stylesheets before its first request: « Valider et
    envoyer » would otherwise compile the EN 16931 one inside the request (+1.4 s, +130 MiB),
    once per worker. Not in the master (preload): saxonche wants its processor made in the process
    that uses it."""
    from einvoice.validation import warm_up

    warm_up()
