"""Questions for the dialog tests: a resident's question to Brynäs, and the mail and cache set up."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from dialog.models import Question
from tests.meetings.conftest import make_meeting


@pytest.fixture(autouse=True)
def _themes(themes) -> None:
    """Every dialog test has the five themes, also after a test with transaction=True."""


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def make_question(network, author=None, **extra) -> Question:
    fields = {"title": "Mörkt vid gångtunneln", "text": "Lamporna i tunneln är trasiga sedan i höstas.", **extra}
    return Question.objects.create(network=network, author=author, **fields)


@pytest.fixture
def question(networks, resident) -> Question:
    return make_question(networks["brynas"], resident)


@pytest.fixture
def brynas_meeting(networks):
    return make_meeting(networks["brynas"], title="Brynästräffen i mars", place="Brynäs bibliotek")
