"""Throughput ladder: the shop's pages under gunicorn against two reference endpoints.

In one run: the shop under gunicorn (2 sync workers, DEBUG off) with the catalogue cache off and
on, and `bench/reference_app.py` (L1: a bare Django view without middleware; L2: Django's default
middleware and a 20-item template, no queries) under its own gunicorn, and the shop's layout
alone (`bench/layout_floor.py`: `base.html` with an empty page) under a fourth. Debian's wrk
loads each endpoint in turn (`wrk -t1 -c16`, anonymous unless the page needs a login); three rounds
interleave all endpoints, and the table reports each page's median req/s, p50, p99 and its ratio
to L2 measured in the same round (the machine is shared: ratios, not absolute numbers).

    make bench-ladder                       # installs wrk if missing, SQLite under var/ladder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_ladder make bench-ladder
    .venv/bin/python bench/ladder.py --rounds 3 --seconds 8 --port 8110
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# Targets from issue 15, as ratios to L2.
CATALOGUE_PAGES = ("home", "all services", "category", "service")
TARGETS = {
    **{(page, "off"): 0.5 for page in CATALOGUE_PAGES},
    **{(page, "on"): 1.0 for page in CATALOGUE_PAGES},
    ("service form", "off"): 0.35,
    ("service form", "on"): 0.35,
}
LOGGED_IN_TARGET = 0.25
FLOOR_PAGE = "layout alone, empty page"


@dataclass
class ExternalServer:
    """A gunicorn this script did not start (`--external`): only its master's pid is known."""

    pid: int


@dataclass
class Endpoint:
    name: str
    cache: str  # "off", "on" or "" for the references
    url: str
    server: subprocess.Popen | ExternalServer
    cookie: str = ""


@dataclass
class Sample:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms_per_request: float


def server_cpu_seconds(server: subprocess.Popen | ExternalServer) -> float:
    """CPU time (user + system) of a gunicorn master and its workers, from /proc: on a machine
    shared with other work it is steadier than wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0.0
    for pid in [str(server.pid), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    endpoint: Endpoint, seconds: float, connections: int, server: subprocess.Popen | ExternalServer
) -> Sample:
    cpu_before = server_cpu_seconds(server)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", endpoint.url]
    if endpoint.cookie:
        command[1:1] = ["-H", f"Cookie: {endpoint.cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    cpu_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / max(requests, 1)
    return Sample(rps, p50, p99, int(errors.group(1)) if errors else 0, cpu_ms)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def check_page(endpoint: Endpoint) -> None:
    request = urllib.request.Request(endpoint.url, headers={"Cookie": endpoint.cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != endpoint.url:
            raise SystemExit(f"{endpoint.name}: {response.status} at {response.url}")


def gunicorn(app: list[str], port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", *app, "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8, help="wrk duration per endpoint")
    parser.add_argument("--warmup", type=float, default=2, help="wrk warm-up per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8110, help="first of three ports")
    parser.add_argument("--cache-seconds", type=int, default=300, help="cache-on setting")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--external",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "URL", "PIDFILE"),
        help="also load a page served by another gunicorn (e.g. another Django shop, to "
        "compare set-ups); its CPU is read from the master whose pid is in PIDFILE",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        parser.error(
            "wrk is missing: `make bench-ladder` installs Debian's package (apt-get install wrk)"
        )

    data_dir = Path(os.environ.get("DATA_DIR", ROOT / "var" / "ladder"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "INVOICE_SELLER_DEMO": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_MANIFEST": "1",
    }
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup = json.loads(
        subprocess.run(
            [PYTHON, "bench/ladder_setup.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )

    log = data_dir / "ladder-gunicorn.log"
    shop_off, shop_on, reference, floor = args.port, args.port + 1, args.port + 2, args.port + 3
    servers = [
        gunicorn(
            ["config.wsgi:application"], shop_off, {**env, "CATALOGUE_CACHE_SECONDS": "0"}, log
        ),
        gunicorn(
            ["config.wsgi:application"],
            shop_on,
            {**env, "CATALOGUE_CACHE_SECONDS": str(args.cache_seconds)},
            log,
        ),
        gunicorn(["--pythonpath", "bench", "reference_app:application"], reference, env, log),
        gunicorn(
            ["--pythonpath", "bench", "layout_floor:application"],
            floor,
            {**env, "CATALOGUE_CACHE_SECONDS": "0"},
            log,
        ),
    ]
    try:
        for port, path in (
            (shop_off, "/"),
            (shop_on, "/"),
            (reference, "/l1/"),
            (floor, "/floor/"),
        ):
            wait_until_up(f"http://127.0.0.1:{port}{path}")
        endpoints = [
            Endpoint("L1 bare view", "", f"http://127.0.0.1:{reference}/l1/", servers[2]),
            Endpoint(
                "L2 middleware + 20-item template",
                "",
                f"http://127.0.0.1:{reference}/l2/",
                servers[2],
            ),
        ]
        # The layout alone (bench/layout_floor.py), anonymous and logged in, cache off.
        for name, cookie in (
            (FLOOR_PAGE, ""),
            (FLOOR_PAGE, setup["session_cookie"]),
        ):
            endpoints.append(
                Endpoint(name, "off", f"http://127.0.0.1:{floor}/floor/", servers[3], cookie)
            )
        for name, url, pidfile in args.external:
            wait_until_up(url)
            master = ExternalServer(int(Path(pidfile).read_text().strip()))
            endpoints.append(Endpoint(name, "", url, master))
        for cache, port, server in (("off", shop_off, servers[0]), ("on", shop_on, servers[1])):
            for name, path in setup["pages"].items():
                endpoints.append(Endpoint(name, cache, f"http://127.0.0.1:{port}{path}", server))
            for name, path in setup["logged_in_pages"].items():
                endpoints.append(
                    Endpoint(
                        name,
                        cache,
                        f"http://127.0.0.1:{port}{path}",
                        server,
                        setup["session_cookie"],
                    )
                )
        for endpoint in endpoints:
            check_page(endpoint)

        samples: dict[int, list[Sample]] = {i: [] for i in range(len(endpoints))}
        ratios: dict[int, list[float]] = {i: [] for i in range(len(endpoints))}
        cpu_ratios: dict[int, list[float]] = {i: [] for i in range(len(endpoints))}
        for round_number in range(args.rounds):
            print(f"round {round_number + 1}/{args.rounds}", file=sys.stderr)
            in_round: dict[int, Sample] = {}
            for index, endpoint in enumerate(endpoints):
                if args.warmup:
                    run_wrk(endpoint, args.warmup, args.connections, endpoint.server)
                in_round[index] = run_wrk(endpoint, args.seconds, args.connections, endpoint.server)
                samples[index].append(in_round[index])
            l2 = in_round[1]
            for index, sample in in_round.items():
                ratios[index].append(sample.requests_per_second / l2.requests_per_second)
                cpu_ratios[index].append(l2.cpu_ms_per_request / sample.cpu_ms_per_request)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    rows = []
    for index, endpoint in enumerate(endpoints):
        runs = samples[index]
        ratio = statistics.median(ratios[index])
        target = (
            None
            if endpoint.name == FLOOR_PAGE
            else TARGETS.get((endpoint.name, endpoint.cache))
            if not endpoint.cookie
            else LOGGED_IN_TARGET
        )
        rows.append(
            {
                "page": endpoint.name,
                "cache": endpoint.cache,
                "logged_in": bool(endpoint.cookie),
                "rps": statistics.median(s.requests_per_second for s in runs),
                "p50_ms": statistics.median(s.p50_ms for s in runs),
                "p99_ms": statistics.median(s.p99_ms for s in runs),
                "ratio": ratio,
                "cpu_ms": statistics.median(s.cpu_ms_per_request for s in runs),
                "cpu_ratio": statistics.median(cpu_ratios[index]),
                "target": target,
                "errors": sum(s.errors for s in runs),
            }
        )
    load = os.getloadavg()
    print(
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f} at the end), {setup['services']} services, "
        f"database {env.get('DATABASE_URL') or 'SQLite'}; {args.rounds} interleaved rounds of "
        f"wrk -t1 -c{args.connections} -d{args.seconds:g}s; medians; ratio = median of the "
        "per-round ratios to L2. CPU = the gunicorn processes' CPU time per request (/proc); "
        "× L2 CPU = L2's CPU per request / the page's, steadier than req/s on a shared machine."
    )
    print()
    print(
        "| page | catalogue cache | req/s | p50 ms | p99 ms | × L2 | CPU ms/req | × L2 CPU "
        "| target |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        target = ""
        if row["target"] is not None:
            verdict = "met" if row["ratio"] >= row["target"] else "**not met**"
            if (row["ratio"] >= row["target"]) != (row["cpu_ratio"] >= row["target"]):
                verdict += " (CPU: " + ("met" if row["cpu_ratio"] >= row["target"] else "not") + ")"
            target = f"≥ {row['target']:.2f}× {verdict}"
        page = row["page"] + (" (logged in)" if row["logged_in"] else "")
        errors = f" ({row['errors']} non-2xx)" if row["errors"] else ""
        print(
            f"| {page}{errors} | {row['cache'] or '—'} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['ratio']:.2f} | {row['cpu_ms']:.2f} | "
            f"{row['cpu_ratio']:.2f} | {target} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
