"""Checkout throughput over real HTTP against a running `make serve` (not part of make test).

Each journey is what a returning customer does: log in -> service form (with an upload) ->
cart -> billing -> payment method -> review -> place -> test gateway -> confirmation.
Concurrent customers (threads) repeat it for --seconds; the report gives orders per minute,
the p95 of each step, and a reconciliation of what the clients saw against the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench WEB_CONCURRENCY=2 make serve
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench \
      .venv/bin/python bench/checkout_throughput.py --customers 6 --seconds 60

The customers (bench-N@example.com) are created in DATABASE_URL's database the first time.
"""

from __future__ import annotations

import argparse
import os
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


def gunicorn_cpu_seconds(bases: list[str]) -> float:
    """CPU time (user + system) used so far by the gunicorn processes serving `bases`, from
    /proc: on a machine shared with other work, CPU per order is steadier than wall time."""
    ports = {f"127.0.0.1:{urlsplit(base).port}" for base in bases}
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "gunicorn" not in cmdline or not any(port in cmdline for port in ports):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


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
    args = parser.parse_args()
    bases = args.base or ["http://127.0.0.1:8000"]
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        parser.error("set DATABASE_URL to the PostgreSQL database `make serve` uses")

    emails = [f"bench-{n}@example.com" for n in range(args.customers)]
    create_customers(emails)
    with psycopg.connect(database_url) as db:
        first_order_id = db.execute("SELECT coalesce(max(id), 0) FROM orders_order").fetchone()[0]

    seen: list[tuple[str, str]] = []
    failures: list[str] = []
    steps: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    started = time.monotonic()
    measure_from = started + args.warmup
    stop_at = measure_from + args.seconds
    measured = [0]
    cpu_marks: list[float | None] = [None]

    def run(address: str) -> None:
        upload = b"%PDF-1.4\n" + os.urandom(4096)
        while time.monotonic() < stop_at:
            customer = Customer(address, PASSWORD, bases)
            journey_started = time.monotonic()
            try:
                customer.log_in()
                customer.add_to_cart(upload)
                number = customer.pay(customer.check_out())
            except (JourneyError, OSError) as exc:
                with lock:
                    failures.append(f"{address}: {exc}")
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
                cpu_marks[0] = gunicorn_cpu_seconds(bases)

    threads = [threading.Thread(target=run, args=(address,)) for address in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    cpu_used = gunicorn_cpu_seconds(bases) - (cpu_marks[0] or 0.0)
    per_minute = measured[0] / args.seconds * 60
    print(
        f"customers {args.customers}, instances {len(bases)}, measured {args.seconds:.0f} s "
        f"after {args.warmup:.0f} s warm-up"
    )
    print(f"orders completed in the window: {measured[0]}  ->  {per_minute:.0f} orders/minute")
    if measured[0]:
        per_order = cpu_used / measured[0]
        print(
            f"web CPU per order: {per_order * 1000:.0f} ms (gunicorn processes, /proc) -> "
            f"{2 * 60 / per_order:.0f} orders/minute if 2 cores ran only the web workers"
        )
    print(f"{'step':<16} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for name, values in steps.items():
        print(
            f"{name:<16} {len(values):>8} {statistics.median(values) * 1000:>10.0f} "
            f"{p95(values) * 1000:>8.0f}"
        )

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
    return 0 if not (lost or duplicated or wrong) else 1


if __name__ == "__main__":
    raise SystemExit(main())
