"""`make bench`'s rows for the logged-in pages, which are rendered afresh for every request.

Two kinds of rows, both printed on every run:

- over HTTP (bench/run.py's PAGES with a `share_target`): req/s, p50 and the share of the
  same run's ceiling (/robots.txt), held to MY_PAGES_SHARE and STEP_SHARE;
- in this one process, with Django's test client (`cpu_rows()`): the CPU time of one
  request (time.process_time), the median of RUNS requests after a warm-up, and its SQL
  queries, for "Mina sidor", every step of the grant application (a GET and a save),
  and the steering group's list of applications. The targets are for a machine whose
  ceiling is REFERENCE_CEILING req/s, and are scaled by the run's own ceiling: on a day
  the machine is half as fast, twice the time.

The saves post the same answers each time (a valid step, answered with a redirect); they
fill in the draft that bench/run.py's prepare() made, so the steps over HTTP show a
complete application.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

RUNS = 30
WARMUP = 5
# The CPU targets hold on a day the ceiling (/robots.txt) is about this many req/s.
REFERENCE_CEILING = 2_500.0
PAGE_CPU_MS = 10.0  # "Mina sidor" and each application step, a GET or a save.
ADMIN_LIST_CPU_MS = 25.0  # The steering group's list of applications, at 50,000 applications.
# The HTTP rows at 16 connections: the least share of the same run's ceiling.
MY_PAGES_SHARE = 6.0
STEP_SHARE = 10.0


@dataclass(frozen=True)
class Request:
    label: str
    method: str
    path: str
    as_user: str  # "representative" or "steering"
    target_ms: float = PAGE_CPU_MS
    data: Callable[[], dict] | None = None  # A save's form, made when it is sent.


@dataclass
class CpuRow:
    request: Request
    cpu_ms: float
    wall_ms: float
    queries: int
    status: int


def _in_a_month() -> str:
    return (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def save_forms(draft: int) -> dict[int, Callable[[], dict]]:
    """Valid answers to each step of the draft, as a browser posts them ("Spara och fortsätt")."""
    from grants.models import Application

    app = Application.objects.select_related("lead_actor").get(pk=draft)
    networks = [str(pk) for pk in app.networks.values_list("pk", flat=True)]

    def parties() -> dict:
        return {"lead_actor": app.lead_actor_id, "title": app.title, "networks": networks, "action": "next"}

    def activity() -> dict:
        starts = _in_a_month()
        return {
            "description": "Läxhjälp två kvällar i veckan på biblioteket, med fika.",
            "purpose": "Att fler barn klarar skolan och lär känna vuxna i området.",
            "target_group": "Barn 7–12 år i området.",
            "starts_on": starts,
            "ends_on": starts,
            "place": "Biblioteket",
            "expected_participants": "25",
            "action": "next",
        }

    def budget() -> dict:
        # The draft's own budget rows, kept, and the empty row the page offers.
        lines = list(app.budget_lines.order_by("pk").values_list("pk", "what", "amount"))
        if not lines:
            lines = [("", "Fika och material", 3_000)]
        form = {
            "own_contribution": "500",
            "other_funding": "",
            "amount_requested": "2 500",
            "rad-TOTAL_FORMS": str(len(lines) + 1),
            "rad-INITIAL_FORMS": str(sum(1 for pk, _what, _amount in lines if pk)),
            "rad-MIN_NUM_FORMS": "0",
            "rad-MAX_NUM_FORMS": "30",
            "action": "next",
        }
        for number, (pk, what, amount) in enumerate(lines):
            form |= {f"rad-{number}-id": pk, f"rad-{number}-what": what, f"rad-{number}-amount": str(amount)}
        return form

    def contact() -> dict:
        return {
            "contact_name": "Kim Kontakt",
            "contact_email": "kim@example.se",
            "contact_phone": "026-12 34 56",
            "action": "next",
        }

    def payment() -> dict:
        return {"payment_method": "bankgiro", "giro_number": "5050-1055", "action": "next"}

    return {1: parties, 2: activity, 3: budget, 4: contact, 5: payment}


def requests_for(draft: int) -> list[Request]:
    forms = save_forms(draft)
    steps = f"/bidrag/ansokningar/{draft}/steg"
    rows = [Request("Mina sidor", "GET", "/mina-sidor/", "representative")]
    rows.append(Request("Apply: step 1, new application", "GET", "/bidrag/ansok/", "representative"))
    for step in range(1, 6):
        rows.append(Request(f"Apply: step {step}", "GET", f"{steps}/{step}/", "representative"))
        save = Request(f"Apply: step {step}, save", "POST", f"{steps}/{step}/", "representative", data=forms[step])
        rows.append(save)
    rows.append(Request("Apply: review", "GET", f"/bidrag/ansokningar/{draft}/granska/", "representative"))
    rows.append(
        Request(
            "Admin: applications (steering group)",
            "GET",
            "/admin/grants/application/",
            "steering",
            target_ms=ADMIN_LIST_CPU_MS,
        )
    )
    return rows


def client_for(session: str, host: str):
    from django.test import Client

    client = Client(HTTP_HOST=host)
    client.cookies["sessionid"] = session
    return client


def send(client, request: Request):
    if request.method == "POST":
        return client.post(request.path, request.data())
    return client.get(request.path)


def measure(client, request: Request, *, runs: int = RUNS, warmup: int = WARMUP) -> CpuRow:
    """The median CPU and wall time of one request, after a warm-up, and its queries."""
    from django.db import connection

    from core.querycount import QueryCounter

    for _ in range(warmup):
        send(client, request)
    # Counted as X-DB-Queries counts them (the pool's connection is closed after each request).
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        response = send(client, request)
    expected = 302 if request.method == "POST" else 200
    if response.status_code != expected:
        raise RuntimeError(f"{request.method} {request.path}: {response.status_code}, not {expected}")
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        send(client, request)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return CpuRow(request, 1000 * statistics.median(cpu), 1000 * statistics.median(wall), queries.count, expected)


def cpu_rows(cookies: dict[str, str], draft: int, host: str, *, runs: int = RUNS, warmup: int = WARMUP) -> list[CpuRow]:
    """Every in-process row (the database and settings are bench/run.py's); `cookies`: the
    session of the "representative" and of the "steering" member."""
    clients = {name: client_for(session, host) for name, session in cookies.items()}
    return [measure(clients[request.as_user], request, runs=runs, warmup=warmup) for request in requests_for(draft)]


def scaled(target_ms: float, ceiling_rps: float) -> float:
    """The target on this run's machine: slower by the ceiling's shortfall."""
    return target_ms * REFERENCE_CEILING / ceiling_rps if ceiling_rps else target_ms


def cpu_report(rows: list[CpuRow], ceiling_rps: float) -> list[str]:
    factor = REFERENCE_CEILING / ceiling_rps if ceiling_rps else 1.0
    lines = [
        "",
        f"Logged-in pages rendered afresh, in one process (Django's test client, right after the "
        f"ceiling, gunicorn idle): CPU time of one request (time.process_time), the median of {RUNS} "
        f"after {WARMUP}. "
        f"The targets hold at a ceiling of {REFERENCE_CEILING:,.0f} req/s and are scaled by "
        f"{REFERENCE_CEILING:,.0f} / {ceiling_rps:,.0f} (this run's ceiling) = {factor:.2f}.",
        "",
        "| request | path | CPU ms | wall ms | queries | target CPU ms | verdict |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        target = scaled(row.request.target_ms, ceiling_rps)
        verdict = "met" if row.cpu_ms <= target else "MISSED"
        lines.append(
            f"| {row.request.label} | `{row.request.method} {row.request.path}` | {row.cpu_ms:.1f} | "
            f"{row.wall_ms:.1f} | {row.queries} | ≤ {target:.1f} | {verdict} |"
        )
    return lines


def share_verdict(share: float, target: float, non2xx: int) -> str:
    if non2xx:
        return "MISSED: non-2xx"
    return "met" if share >= target else f"MISSED: < {target:.0f} %"
