"""Where a checkout journey's web time goes: queries and CPU per step, and a CPU profile.

Serves the shop in this process (one thread, Django's WSGI handler with the same settings as
`make serve`) and runs the journey of bench/checkout_throughput.py against it, one customer,
--journeys times. For each step it prints the requests, the SQL queries and the CPU
milliseconds per journey; with --profile, the functions that took the most CPU (cProfile,
cumulative). Run it against the database and Redis `make serve` uses, with that server's
Celery workers running (the payment is recorded by the payments worker):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench \
      REDIS_URL=redis://127.0.0.1:6379/0 DEBUG=0 STATIC_MANIFEST=1 \
      .venv/bin/python bench/checkout_profile.py --journeys 5 --profile 30
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402

from bench.checkout_throughput import PASSWORD, create_customers  # noqa: E402
from sportello.core.tests.journey import Customer  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journeys", type=int, default=5)
    parser.add_argument("--port", type=int, default=8109)
    parser.add_argument("--sql", action="append", default=[], help="print a step's queries")
    parser.add_argument("--only", default="", help="profile only requests like 'GET /checkout/'")
    parser.add_argument(
        "--eager",
        action="store_true",
        help="run the Celery tasks inside the request that queues them (their cost shows there)",
    )
    parser.add_argument("--verbose", action="store_true", help="with --sql: the SQL itself")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()

    if args.eager:
        from config.celery import app as celery_app

        celery_app.conf.task_always_eager = True
    application = get_wsgi_application()
    only = args.only
    profile = cProfile.Profile()
    requests_seen: list[tuple[str, list[str], float]] = []  # (request, SQL, CPU s), in order
    profiling = [False]

    def counted(environ, start_response):
        queries: list[str] = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        cpu = time.process_time()
        profiled = profiling[0] and only in f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        if profiled:
            profile.enable()
        try:
            with connection.execute_wrapper(count):
                body = b"".join(application(environ, start_response))
        finally:
            if profiled:
                profile.disable()
        request = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        requests_seen.append((request, queries, time.process_time() - cpu))
        return [body]

    server = make_server("127.0.0.1", args.port, counted, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}"
    create_customers(["bench-profile@example.com"])

    def journey() -> Customer:
        customer = Customer("bench-profile@example.com", PASSWORD, [base])
        customer.log_in()
        customer.add_to_cart(b"%PDF-1.4\n" + os.urandom(4096))
        customer.pay(customer.check_out())
        return customer

    journey()  # warm-up: imports, templates, connections
    requests_seen.clear()
    profiling[0] = True
    per_step: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for number in range(args.journeys):
        start = len(requests_seen)
        customer = journey()
        time.sleep(0.05)  # the last response's bookkeeping runs after the client has it
        for step, (request, queries, cpu) in zip(
            customer.steps, requests_seen[start:], strict=True
        ):
            totals = per_step[step.name]
            totals[0] += 1
            totals[1] += len(queries)
            totals[2] += cpu
            if step.name in args.sql and number == args.journeys - 1:
                print(
                    f"--- {step.name}: {request}: {len(queries)} queries, {cpu * 1000:.0f} ms CPU"
                )
                for sql in queries if args.verbose else []:
                    print("   ", sql[:300])
    server.shutdown()

    n = args.journeys
    print(f"{n} journeys, per journey:")
    print(f"{'step':<16} {'requests':>8} {'queries':>8} {'CPU ms':>8}")
    for name, (count, queries, cpu) in per_step.items():
        print(f"{name:<16} {count / n:>8.1f} {queries / n:>8.1f} {cpu / n * 1000:>8.0f}")
    total = [sum(values[i] for values in per_step.values()) / n for i in range(3)]
    print(f"{'total':<16} {total[0]:>8.1f} {total[1]:>8.1f} {total[2] * 1000:>8.0f}")
    if args.profile:
        stats = pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
        stats.print_stats(os.environ.get("BENCH_FILTER", ""), args.profile)
        if os.environ.get("BENCH_CALLEES"):
            stats.print_callees(os.environ["BENCH_CALLEES"])
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
