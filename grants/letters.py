"""Decision letters (beslutsbrev): every decision as an archivable, tagged PDF/A, kept unchanged.

`letter_render` makes the PDF with WeasyPrint from templates/grants/letter/decision.html.
The letter is a Swedish document of record, so it is rendered in Swedish whatever language
the page or the reader uses. Nothing is fetched while rendering (no stylesheets, images or
fonts from outside; the font is the system's DejaVu Sans), and every date and identifier in
the file comes from the decision, so the same decision and wording give the same bytes.

`letter_create` stores the PDF in the private store and writes its SHA-256 in the history;
a letter is never changed or deleted afterwards (`letter_guard_*`, connected in grants/apps.py).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.mail import Attachment as MailAttachment
from grants.formatting import format_kr
from grants.models import Application, ApplicationEvent, CoApplicant, Decision, DecisionLetter, LetterWording

TEMPLATE = "grants/letter/decision.html"
CONTENT_TYPE = "application/pdf"
# PDF/A-2b: the archival form most e-archives take; the tags come from pdf_tags.
PDF_VARIANT = "pdf/a-2b"
LETTER_LANGUAGE = "sv"


class LetterChangeRefused(Exception):
    """A stored decision letter was about to be changed or deleted; letters are kept as written."""


def _no_fetching():
    """A WeasyPrint URL fetcher that refuses every address, and stops the render if one is asked for."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            raise ValueError(f"Decision letters fetch nothing: {url[:100]}")

    # fail_on_errors: a refused fetch stops the render instead of leaving a gap in the letter.
    return NoFetching(fail_on_errors=True)


def letter_filename(application: Application) -> str:
    """The name the applicant sees: "beslutsbrev-SN-2027-0042.pdf"."""
    return f"beslutsbrev-{application.reference or application.pk}.pdf"


def _w3c_time(moment: datetime.datetime) -> str:
    """The decision's time for the PDF's metadata, in UTC to the second (fixed, so bytes repeat)."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _party(actor) -> str:
    if actor.org_number:
        return f"{actor.name} (organisationsnummer {actor.org_number})"
    return actor.name


def _context(decision: Decision, wording: LetterWording) -> dict:
    app = decision.application
    Outcome = Decision.Outcome
    decided_on = timezone.localtime(decision.decided_at).date()
    coapplicants = [
        _party(link.actor)
        for link in app.coapplicant_links.select_related("actor").exclude(status=CoApplicant.Status.DECLINED)
    ]
    partial = decision.outcome == Outcome.APPROVED and (decision.amount_granted or 0) < (app.amount_requested or 0)
    authority, granted, asked = wording.authority, format_kr(decision.amount_granted), format_kr(app.amount_requested)
    if decision.outcome == Outcome.APPROVED and partial:
        outcome = f"{authority} beviljar ansökan delvis: {granted} av sökta {asked}."
    elif decision.outcome == Outcome.APPROVED:
        outcome = f"{authority} beviljar ansökan med {granted}."
    elif decision.outcome == Outcome.REJECTED:
        outcome = f"{authority} avslår ansökan."
    else:
        outcome = f"{authority} behöver mer underlag innan ansökan kan prövas och begär att den kompletteras."
    decider = decision.decided_by
    return {
        "application": app,
        "decision": decision,
        "wording": wording,
        "title": f"Beslut om bidrag, {app.reference}",
        "lead": _party(app.lead_actor),
        "coapplicants": coapplicants,
        "decided_on": date_format(decided_on, "j F Y"),
        "starts_on": date_format(app.starts_on, "j F Y") if app.starts_on else "",
        "ends_on": date_format(app.ends_on, "j F Y") if app.ends_on and app.ends_on != app.starts_on else "",
        "asked": format_kr(app.amount_requested),
        "outcome": outcome,
        "approved": decision.outcome == Outcome.APPROVED,
        "completion": decision.outcome == Outcome.NEEDS_COMPLETION,
        "report_due": date_format(app.report_due_on, "j F Y") if app.report_due_on else "",
        "decider": decider.name or decider.email,
        "url": settings.SITE_URL + app.get_absolute_url(),
        "metadata_time": _w3c_time(decision.decided_at),
    }


def letter_render(*, decision: Decision, wording: LetterWording | None = None) -> bytes:
    """The decision's letter as tagged PDF/A-2b bytes; the same decision and wording give the same bytes."""
    from weasyprint import HTML

    wording = wording or LetterWording.current()
    with translation.override(LETTER_LANGUAGE):
        html = render_to_string(TEMPLATE, _context(decision, wording))
        # The file identifier names the decision, so that two renders of it agree to the byte.
        identifier = hashlib.sha256(f"beslutsbrev:{decision.pk}:{decision.application.reference}".encode()).hexdigest()
        return HTML(string=html, url_fetcher=_no_fetching()).write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            pdf_identifier=identifier[:32].encode("ascii"),
        )


def letter_create(*, decision: Decision) -> tuple[DecisionLetter, bytes]:
    """Render the decision's letter, store it and note its SHA-256 in the application's history.

    Called by the workflow in the transaction that makes the decision, so that the decision
    mail queued in it carries the letter: the PDF comes back with the row, so the mail needs
    no second read from the store.
    """
    with transaction.atomic():
        app = decision.application
        pdf = letter_render(decision=decision)
        sha256 = hashlib.sha256(pdf).hexdigest()
        name = letter_filename(app).removesuffix(".pdf") + f"-{decision.pk}.pdf"
        letter = DecisionLetter.objects.create(
            decision=decision, file=ContentFile(pdf, name=name), sha256=sha256, size=len(pdf)
        )
        ApplicationEvent.objects.create(
            application=app,
            kind=ApplicationEvent.Kind.LETTER,
            actor_user=decision.decided_by,
            from_status=app.status,
            to_status=app.status,
            note=_("Beslutsbrev %(name)s (%(outcome)s, %(size)s byte) sparat. SHA-256: %(sha256)s")
            % {
                "name": letter_filename(app),
                "outcome": decision.get_outcome_display(),
                "size": len(pdf),
                "sha256": sha256,
            },
        )
    return letter, pdf


def letter_attachment(letter: DecisionLetter, pdf: bytes) -> MailAttachment:
    """The letter as a mail attachment (filename, bytes, type), from the bytes just stored."""
    return (letter_filename(letter.decision.application), pdf, CONTENT_TYPE)


def letter_guard_save(sender, instance: DecisionLetter, raw: bool = False, **kwargs) -> None:
    """pre_save: a stored letter is written once (its SHA-256 is in the history)."""
    if not raw and not instance._state.adding:
        raise LetterChangeRefused(f"Decision letter {instance.pk} is kept as written")


def letter_guard_delete(sender, instance: DecisionLetter, **kwargs) -> None:
    """pre_delete: a letter is a record of the decision and stays with it."""
    raise LetterChangeRefused(f"Decision letter {instance.pk} is kept as written")
