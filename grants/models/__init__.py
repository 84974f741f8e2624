"""Grant pots, applications, decisions, follow-up reports and their event log."""

from grants.models.applications import (
    Application,
    ApplicationEvent,
    ApplicationQuerySet,
    Attachment,
    BudgetLine,
    CoApplicant,
    Decision,
    FollowUpPhoto,
    FollowUpReport,
    Payment,
    ReferenceCounter,
)
from grants.models.letters import DecisionLetter, LetterWording
from grants.models.pots import Funding, Pot, PotQuerySet

__all__ = [
    "Application",
    "ApplicationEvent",
    "ApplicationQuerySet",
    "Attachment",
    "BudgetLine",
    "CoApplicant",
    "Decision",
    "DecisionLetter",
    "FollowUpPhoto",
    "FollowUpReport",
    "Funding",
    "LetterWording",
    "Payment",
    "Pot",
    "PotQuerySet",
    "ReferenceCounter",
]
