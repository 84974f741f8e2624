""" "Mina frågor" on the overview of "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialog.models import Question
from members.models import User

# The newest questions of the user, whatever their state.
OVERVIEW_QUESTIONS = 20


def my_pages_questions(*, user: User, actor_ids: Sequence[int], network_ids: Sequence[int]) -> dict[str, Any]:
    """The user's own questions, the newest first, hidden ones with the reason (one query)."""
    questions = list(
        Question.objects.filter(author=user)
        .with_support_count()
        .select_related("network")
        # What templates/dialog/_my_pages_questions.html shows: not the long texts, and a
        # GROUP BY of 9 columns instead of 25 to build and compile.
        .only(
            "title",
            "language",
            "status",
            "show_name",
            "hidden_reason",
            "created_at",
            "network__name",
            "network__network_name",
        )
        .order_by("-created_at", "-pk")[:OVERVIEW_QUESTIONS]
    )
    return {"my_questions": questions}
