"""Who may raise, support and see residents' questions: the one place for these rules.

- Everyone reads the visible questions (`Question.objects.visible()`: all but hidden).
- A hidden question is read only by its author, the coordinators of its network, the
  steering group and superusers (they see the reason); anyone else gets 404.
- Raising a question: any logged-in account (a resident or a representative), at most
  DIALOG_QUESTIONS_PER_DAY a day (dialog.services).
- "Jag med": any logged-in account but the author, while the question is visible and not
  done (answered or closed); taking it back is always possible while the question is
  visible. The author is not counted: the count says how many others share the question.
- Moving a question on (the admin): the coordinators of its network and superusers; the
  steering group only reads (see the admin's own rules).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from core.roles import coordinated_network_ids, is_steering_group, is_superuser
from dialog.models import Question

NOT_FOUND = _("Frågan finns inte.")


def may_raise(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read(user, question: Question) -> bool:
    if not question.is_hidden:
        return True
    if not user.is_authenticated:
        return False
    return (
        question.author_id == user.pk
        or is_superuser(user)
        or is_steering_group(user)
        or question.network_id in coordinated_network_ids(user)
    )


def may_support(user, question: Question) -> bool:
    """Add "Jag med": logged in, not the author, the question visible and not done."""
    return user.is_authenticated and question.author_id != user.pk and not question.is_hidden and not question.is_done


def may_withdraw_support(user, question: Question) -> bool:
    return user.is_authenticated and not question.is_hidden


def get_question_for_read(request: HttpRequest, pk: int) -> Question:
    question = Question.objects.select_related("network", "theme", "author").filter(pk=pk).first()
    if question is None or not may_read(request.user, question):
        raise Http404(NOT_FOUND)
    return question


# ---- the network's moves, in the admin ----


def may_move(user, question: Question) -> bool:
    """Move a question on (dialog/moves.py): the coordinators of its network and superusers.
    The steering group reads every question in the admin but moves none."""
    return is_superuser(user) or question.network_id in coordinated_network_ids(user)
