"""A server-rendered SVG bar chart of granted amounts per network and month (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import formats

from grants.formatting import format_kr
from grants.models import Application, Pot
from grants.models.pots import GRANTED_STATUSES

BAR_HEIGHT = 26
GAP = 8
LABEL_WIDTH = 260
BAR_AREA = 420
VALUE_WIDTH = 120


@dataclass
class Bar:
    label: str
    amount: int
    y: int
    width: int
    text_y: int

    @property
    def amount_text(self) -> str:
        return format_kr(self.amount)


def granted_per_network_and_month(pot: Pot) -> list[dict]:
    """Rows of {month, network, amount}; an activity in several networks counts in each."""
    rows = (
        Application.objects.filter(pot=pot, status__in=GRANTED_STATUSES, decisions__outcome="approved")
        .annotate(month=TruncMonth("decisions__decided_at"))
        .values("month", "networks__name", "networks__sort_order")
        .annotate(amount=Sum("amount_granted"))
        .order_by("month", "networks__sort_order", "networks__name")
    )
    return [
        {"month": row["month"], "network": row["networks__name"] or "–", "amount": row["amount"] or 0} for row in rows
    ]


def chart_bars(rows: list[dict]) -> tuple[list[Bar], int, int]:
    """Bars laid out top to bottom, scaled to the largest amount; returns (bars, width, height)."""
    largest = max((row["amount"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        month = formats.date_format(row["month"], "F Y") if row["month"] else "–"
        bars.append(
            Bar(
                label=f"{row['network']}, {month}",
                amount=row["amount"],
                y=y,
                width=max(2, round(BAR_AREA * row["amount"] / largest)),
                text_y=y + BAR_HEIGHT - 8,
            )
        )
    height = GAP + len(bars) * (BAR_HEIGHT + GAP)
    return bars, LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, max(height, BAR_HEIGHT + 2 * GAP)
