"""`make bench BENCH_ARGS="--compare-reuse-port"`: gunicorn with and without reuse_port, same run.

Two gunicorn servers with gunicorn.conf.py on the same data set, one as configured (one
listening socket shared by the workers) and one with `--reuse-port` (a socket per worker),
both running throughout. Each page is measured on both in turns, A B A B A B (after a
warm-up of both), so that whatever else the machine does meanwhile falls on both alike;
the median run of each is shown. Written to bench-results/reuse-port.md.
"""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime

CONFIGS = (
    ("one shared socket (gunicorn.conf.py)", []),
    ("reuse_port (a socket per worker)", ["--reuse-port"]),
)
# The rows compared: the ceiling, pages from the page cache, a page rendered every time.
DEFAULT_PAGES = "Home,Network,no hits,Mina sidor"


@dataclass
class Row:
    label: str
    path: str
    runs: dict[str, list[dict[str, float]]]


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def compare(pages, *, ports: dict[str, int], binary: str, cookies: dict[str, str], args, draft: int, run) -> list[Row]:
    """Measure every page on every server in turns; `run` is bench/run.py's module."""
    rows = []
    for page in pages:
        if "{draft}" in page.path:
            page = replace(page, path=page.path.replace("{draft}", str(draft)))
        run.log(f"Comparing {page.path}")
        cookie = (
            {label: run.browser_cookie(port, cookies[page.as_user]) for label, port in ports.items()}
            if (page.as_user)
            else dict.fromkeys(ports)
        )
        connections = page.connections or args.connections

        def load(label: str, seconds: int, page=page, cookie=cookie, connections=connections):
            return run.wrk(
                binary,
                ports[label],
                page.path,
                seconds=seconds,
                cookie=cookie[label],
                args=args,
                connections=connections,
                miss=page.miss,
            )

        if args.warmup:
            for label in ports:
                load(label, args.warmup)
        runs: dict[str, list[dict[str, float]]] = {label: [] for label in ports}
        for _ in range(run.RUNS):
            for label in ports:
                runs[label].append(load(label, args.duration))
        rows.append(Row(label=page.label, path=page.path, runs=runs))
    return rows


def report(rows: list[Row], *, args, machine_info: dict[str, str]) -> str:
    labels = [label for label, _extra in CONFIGS]
    lines = [
        f"## reuse_port on and off, same run ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"wrk, {args.connections} connections (search cache miss: 2), {args.threads} threads, keep-alive, "
        f"`Accept-Encoding: gzip`; gunicorn.conf.py with --workers 2 {args.gunicorn_args}; "
        f"both servers measured in turns, {len(rows[0].runs[labels[0]]) if rows else 0} runs of "
        f"{args.duration} s each per page after {args.warmup} s of warm-up; the median run by req/s. "
        f"Cache: {args.cache_label}.",
        "",
        "| page | "
        + " | ".join(f"{label}: req/s | p50 ms | p99 ms | errors" for label in labels)
        + " | reuse_port / shared |",
        "|---|" + "--:|--:|--:|--:|" * len(labels) + "--:|",
    ]
    for row in rows:
        medians = {label: _median(row.runs[label]) for label in labels}
        cells = []
        for label in labels:
            m = medians[label]
            cells.append(f"{m['rps']:,.0f} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f} | {int(m['non2xx'] + m['errors'])}")
        shared, own = medians[labels[0]]["rps"], medians[labels[1]]["rps"]
        ratio = f"{own / shared:.2f}" if shared else "-"
        lines.append(f"| {row.label} (`{row.path}`) | " + " | ".join(cells) + f" | {ratio} |")
    lines += ["", "Every run, req/s in the order measured:", ""]
    for row in rows:
        order = "; ".join(
            f"{label.split(' (')[0]}: " + ", ".join(f"{r['rps']:,.0f}" for r in row.runs[label]) for label in labels
        )
        lines.append(f"- {row.label}: {order}")
    lines += ["", "Machine: " + "; ".join(f"{k}: {v}" for k, v in machine_info.items()) + "."]
    return "\n".join(lines) + "\n"


def main(args, env, *, binary: str, cookies: dict[str, str], draft: int, versions: str, run) -> None:
    """Start both servers, compare them page by page, write the table; `run`: bench/run.py."""
    servers, ports = [], {}
    try:
        for label, extra in CONFIGS:
            port = run.free_port()
            run.log(f"Starting gunicorn (2 workers) on {run.HOST}:{port}: {label}")
            log_file = run.RESULTS / f"gunicorn-{'reuse-port' if extra else 'shared'}.log"
            servers.append(run.start_gunicorn(port, env, log_file, [*extra, *shlex.split(args.gunicorn_args)]))
            ports[label] = port
        pages = run.selected_pages(args.pages or DEFAULT_PAGES)
        rows = compare(pages, ports=ports, binary=binary, cookies=cookies, args=args, draft=draft, run=run)
        memory = {
            f"worker RSS, {label}": run.worker_memory(server) for label, server in zip(ports, servers, strict=True)
        }
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    text = report(rows, args=args, machine_info=run.machine(versions) | memory)
    (run.RESULTS / "reuse-port.md").write_text(text)
    print()
    print(text)
