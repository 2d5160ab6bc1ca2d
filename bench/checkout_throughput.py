"""Checkout throughput over real HTTP against a running `make serve` (not part of make test).

Each journey is what a returning customer does: log in -> service form (with an upload) ->
cart -> billing -> payment method -> review -> place -> test gateway -> confirmation.
Concurrent customers (threads) repeat it for --seconds; the report gives orders per minute,
the CPU per order of the web workers, the Celery workers, PostgreSQL and this load generator
(from /proc), the p95 of each step, and a reconciliation of what the clients saw against the
database. All customers come from one address: raise the shop's rate limits for the run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench \
      REDIS_URL=redis://127.0.0.1:6379/0 WEB_CONCURRENCY=2 \
      RATE_LIMIT_LOGIN=100000/m/ip RATE_LIMIT_UPLOAD=1000000/h/ip make serve
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench \
      make bench-checkout BENCH_ARGS="--base http://127.0.0.1:8000 --customers 4 --seconds 90"

The customers (bench-N@example.com) are created in DATABASE_URL's database the first time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sportello.core.tests.journey import Customer, JourneyError  # noqa: E402

PASSWORD = "Una-password-lunga-per-il-bench"
CREATE = """
from allauth.account.models import EmailAddress
from sportello.accounts.models import User
for address in {emails!r}:
    if not User.objects.filter(email=address).exists():
        user = User.objects.create_user(email=address, password={password!r},
                                        first_name="Mario", last_name="Rossi")
        EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
"""


def create_customers(emails: list[str]) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            CREATE.format(emails=emails, password=PASSWORD),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )


def _cpu_seconds(pid: Path) -> float:
    fields = (pid / "stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(bases: list[str], database: str) -> dict[tuple[str, str], float]:
    """CPU time (user + system) used so far, from /proc, per (kind, pid): the gunicorn
    processes serving `bases` ("web"), the Celery processes started from this checkout
    ("celery"), the PostgreSQL backends connected to `database` ("postgresql"), and this
    process, the load generator ("bench"). On a machine shared with other work, CPU per order
    is steadier than wall time. A process that ends between two readings takes its CPU with
    it: with persistent database connections and gunicorn's workers, few do."""
    ports = {f"127.0.0.1:{urlsplit(base).port}" for base in bases}
    found: dict[tuple[str, str], float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "gunicorn" in cmdline and any(port in cmdline for port in ports):
                kind = "web"
            elif "celery" in cmdline and (proc / "cwd").resolve() == ROOT:
                kind = "celery"
            elif cmdline.startswith("postgres: ") and f" {database} " in cmdline:
                kind = "postgresql"
            else:
                continue
            found[(kind, proc.name)] = _cpu_seconds(proc)
        except (OSError, IndexError, ValueError):
            continue
    own = resource.getrusage(resource.RUSAGE_SELF)
    found[("bench", str(os.getpid()))] = own.ru_utime + own.ru_stime
    return found


def cpu_used(start: dict[tuple[str, str], float], end: dict[tuple[str, str], float]):
    """CPU seconds per kind between two readings (processes started in between count whole)."""
    used = dict.fromkeys(("web", "celery", "postgresql", "bench"), 0.0)
    for (kind, pid), seconds in end.items():
        used[kind] += seconds - start.get((kind, pid), 0.0)
    return used


def wait_until_paid(database_url: str, numbers: list[str], seconds: float = 60) -> None:
    """The confirmation page may come before the payments worker records the money (the
    webhook's path): give it a bounded time before reconciling."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(database_url) as db:
        while time.monotonic() < deadline:
            pending = db.execute(
                """
                SELECT count(*) FROM orders_order o
                 WHERE o.number = ANY(%s)
                   AND (o.status <> 'paid' OR (SELECT count(*) FROM payments_payment p
                         WHERE p.order_id = o.id AND p.status = 'confirmed') <> 1)
                """,
                [numbers],
            ).fetchone()[0]
            if not pending:
                return
            time.sleep(0.5)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[18]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", action="append", help="instance URL (repeat to alternate)")
    parser.add_argument("--customers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--orders-per-login",
        type=int,
        default=1,
        help="orders each customer places per login (1: log in for every order, the default)",
    )
    args = parser.parse_args()
    bases = args.base or ["http://127.0.0.1:8000"]
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        parser.error("set DATABASE_URL to the PostgreSQL database `make serve` uses")
    database = urlsplit(database_url).path.lstrip("/")

    emails = [f"bench-{n}@example.com" for n in range(args.customers)]
    create_customers(emails)
    with psycopg.connect(database_url) as db:
        first_order_id = db.execute("SELECT coalesce(max(id), 0) FROM orders_order").fetchone()[0]

    seen: list[tuple[str, str]] = []
    failures: list[str] = []
    steps: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = time.monotonic()
    measure_from = started + args.warmup
    stop_at = measure_from + args.seconds
    measured = [0]
    cpu_marks: list[dict[tuple[str, str], float] | None] = [None]

    def run(address: str) -> None:
        upload = b"%PDF-1.4\n" + os.urandom(4096)
        customer = None
        orders_since_login = 0
        while time.monotonic() < stop_at:
            journey_started = time.monotonic()
            try:
                if customer is None or orders_since_login >= args.orders_per_login:
                    customer = Customer(address, PASSWORD, bases)
                    customer.log_in()
                    orders_since_login = 0
                else:
                    customer.steps = []
                cart = customer.add_to_cart(upload)
                number = customer.pay(customer.check_out(cart))
                orders_since_login += 1
            except (JourneyError, OSError) as exc:
                customer = None
                with lock:
                    failures.append(f"{address}: {exc}")
                    if " answered 429" in str(exc):
                        time.sleep(1)  # rate-limited: no busy loop of refused logins
                continue
            finished = time.monotonic()
            with lock:
                seen.append((address, number))
                # Throughput: orders completed inside the window; step times of journeys
                # run entirely inside it.
                if measure_from <= finished <= stop_at:
                    measured[0] += 1
                if journey_started >= measure_from and finished <= stop_at:
                    for step in customer.steps:
                        steps[step.name].append(step.seconds)
            if cpu_marks[0] is None and finished >= measure_from:
                cpu_marks[0] = cpu_seconds(bases, database)

    threads = [threading.Thread(target=run, args=(address,)) for address in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    cpu_end = cpu_seconds(bases, database)
    per_minute = measured[0] / args.seconds * 60
    print(
        f"customers {args.customers}, instances {len(bases)}, measured {args.seconds:.0f} s "
        f"after {args.warmup:.0f} s warm-up, {args.orders_per_login} order(s) per login, "
        f"load average before {load_before}"
    )
    print(f"orders completed in the window: {measured[0]}  ->  {per_minute:.0f} orders/minute")
    if measured[0] and cpu_marks[0]:
        used = {key: value / measured[0] for key, value in cpu_used(cpu_marks[0], cpu_end).items()}
        total = sum(used.values())
        print(
            "CPU per order (/proc): "
            + ", ".join(f"{key} {value * 1000:.0f} ms" for key, value in used.items())
            + f"; total {total * 1000:.0f} ms"
        )
        cores = os.cpu_count() or 1
        print(
            f"-> on {cores} cores running only this: about {cores * 60 / total:.0f} orders/minute "
            f"(web workers alone: {cores * 60 / used['web']:.0f})"
        )
    print(f"{'step':<16} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for name, values in steps.items():
        print(
            f"{name:<16} {len(values):>8} {statistics.median(values) * 1000:>10.0f} "
            f"{p95(values) * 1000:>8.0f}"
        )

    wait_until_paid(database_url, [number for _, number in seen])
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            """
            SELECT o.number, u.email, o.status,
                   (SELECT count(*) FROM payments_payment p
                     WHERE p.order_id = o.id AND p.status = 'confirmed')
              FROM orders_order o JOIN accounts_user u ON u.id = o.customer_id
             WHERE o.id > %s AND u.email LIKE 'bench-%%'
            """,
            [first_order_id],
        ).fetchall()
    in_db = {number: (address, status, confirmed) for number, address, status, confirmed in rows}
    seen_numbers = [number for _, number in seen]
    lost = [n for n in seen_numbers if n not in in_db]
    unseen = [n for n in in_db if n not in set(seen_numbers)]
    wrong = [
        n
        for n, (_, status, confirmed) in in_db.items()
        if n in set(seen_numbers) and (status != "paid" or confirmed != 1)
    ]
    duplicated = len(seen_numbers) - len(set(seen_numbers))
    print(
        f"reconciliation: {len(seen_numbers)} orders seen by clients, {len(in_db)} in the "
        f"database; lost {len(lost)}, duplicated {duplicated}, not paid exactly once "
        f"{len(wrong)}, in the database but never confirmed to a client {len(unseen)}; "
        f"client errors {len(failures)}"
    )
    for failure in failures[:5]:
        print("  error:", failure)
    if any(" answered 429" in failure for failure in failures):
        print(
            "  the shop's rate limits refused requests (all customers come from one address): "
            "start `make serve` with RATE_LIMIT_LOGIN and RATE_LIMIT_UPLOAD raised"
        )
    return 0 if not (lost or duplicated or wrong) else 1


if __name__ == "__main__":
    raise SystemExit(main())
