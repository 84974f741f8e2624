"""Amounts the Swedish way: 12 500 kr."""

from __future__ import annotations

NBSP = "\u00a0"


def format_kr(amount: int | None) -> str:
    if amount is None:
        return "–"
    return f"{amount:,}".replace(",", NBSP) + f"{NBSP}kr"
