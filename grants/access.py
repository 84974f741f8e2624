"""Who may see and change grant applications, in the style of healthchecks' _get_check_for_user.

- The lead actor's representatives read and change their application (drafts too).
- Co-applicants' representatives read it; changing it is the lead's (403).
- The steering group (and superusers) read applications that have been sent in, never
  drafts, and only with the two-factor check the admin uses (REQUIRE_STAFF_MFA): without
  it, they are outsiders here as well.
- Everyone else gets 404, so that nobody learns which applications exist.

The payee's bank details are narrower still (`may_see_payment_details`): the lead actor's
current representatives and the steering group, never co-applicants, and nobody once
they stop representing the lead (an account stays the actor's, not a former member's).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from core.roles import is_steering_group, is_superuser, staff_mfa_satisfied
from grants.models import Application, Attachment, CoApplicant, DecisionLetter
from members.models import Representation


def represents_lead(user, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    # The access check (_application_and_lead) read the answer with the application: the
    # review, receipt and detail pages ask again without a query.
    if getattr(application, "_lead_answer_for", None) == (user.pk, application.lead_actor_id):
        return application.user_represents_lead
    return Representation.objects.filter(user=user, actor_id=application.lead_actor_id).exists()


def represents_party(user, application: Application) -> bool:
    """Represents the lead actor or one of the co-applicants."""
    if not user.is_authenticated:
        return False
    # The user's representations of the application's parties: one small indexed query
    # (a filter across both joins took PostgreSQL longer to plan than to run).
    co_applicants = CoApplicant.objects.filter(application_id=application.pk).values("actor_id")
    return Representation.objects.filter(
        Q(actor_id=application.lead_actor_id) | Q(actor_id__in=co_applicants), user=user
    ).exists()


def reviews_applications(user) -> bool:
    """The steering group and superusers, once past the staff two-factor check."""
    return (is_steering_group(user) or is_superuser(user)) and staff_mfa_satisfied(user)


def decides_grants(user) -> bool:
    """Who decides on applications (takes them up, grants, rejects, pays, closes): the steering
    group, and nobody else. Superusers read applications but do not decide. The one rule for
    the workflow, the decision pages and the admin's to-do list."""
    return is_steering_group(user)


def reads_application_parts(user) -> bool:
    """The parts of an application in the admin (co-applicants, budget, files): shown to
    whoever may view applications there."""
    return user.has_perm("grants.view_application")


def applications_reviewed_by(user, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """What the back office shows: applications sent in, to those who review them."""
    queryset = Application.objects.all() if queryset is None else queryset
    if is_steering_group(user) or is_superuser(user):
        return queryset.sent_in()
    return queryset.none()


def may_see_payment_details(user, application: Application) -> bool:
    """Whether `user` may see where `application`'s money goes (bankgiro, plusgiro, account).

    The one rule for every page, receipt and export that shows them: a representative of
    the lead actor now, or whoever reviews it once it is sent in (as for reading it).
    """
    if represents_lead(user, application):
        return True
    return application.status != Application.Status.DRAFT and reviews_applications(user)


# What the application's pages read with it: its pot, and the lead actor they name.
WITH_APPLICATION = ("pot", "lead_actor")


def _application_and_lead(user, pk: int, related: tuple[str, ...]) -> tuple[Application | None, bool]:
    """The application (with `related`), and whether `user` represents its lead actor, in one
    query: the lead's representatives are who asks for it on every step of the form."""
    applications = Application.objects.select_related(*related)
    if user.is_authenticated:
        leads = Representation.objects.filter(user_id=user.pk, actor_id=OuterRef("lead_actor_id"))
        applications = applications.annotate(user_represents_lead=Exists(leads))
    try:
        # get(), not first(): no ORDER BY to build for one row (0.2 ms a request).
        app = applications.get(pk=pk)
    except Application.DoesNotExist:
        return None, False
    if not user.is_authenticated:
        return app, False
    app._lead_answer_for = (user.pk, app.lead_actor_id)
    return app, app.user_represents_lead


def _readable(user, app: Application, *, is_lead: bool) -> bool:
    if is_lead or represents_party(user, app):
        return True
    return app.status != Application.Status.DRAFT and reviews_applications(user)


def get_application_for_user(request: HttpRequest, pk: int) -> Application:
    """The application if the user may read it; 404 otherwise."""
    app, is_lead = _application_and_lead(request.user, pk, WITH_APPLICATION)
    if app is None or not _readable(request.user, app, is_lead=is_lead):
        raise Http404
    return app


def get_application_for_user_rw(
    request: HttpRequest, pk: int, related: tuple[str, ...] = WITH_APPLICATION
) -> Application:
    """The application if the user may change it: 404 for outsiders, 403 for readers.
    `related`: what is read with it (select_related), by default its pot and lead actor."""
    app, is_lead = _application_and_lead(request.user, pk, related)
    if app is None or not _readable(request.user, app, is_lead=is_lead):
        raise Http404
    if not is_lead:
        raise PermissionDenied
    return app


def get_attachment_for_user(request: HttpRequest, pk: int, attachment_pk: int) -> Attachment:
    app = get_application_for_user(request, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, application=app).first()
    if attachment is None:
        raise Http404
    return attachment


def get_attachment_for_user_rw(request: HttpRequest, pk: int, attachment_pk: int) -> Attachment:
    app = get_application_for_user_rw(request, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, application=app).first()
    if attachment is None:
        raise Http404
    attachment.application = app
    return attachment


def coapplicant_links_of(user, application_id: int) -> QuerySet[CoApplicant]:
    """The co-applicant places in the application held by actors the user represents: theirs
    to confirm or decline. One query, however many co-applicants there are."""
    if not user.is_authenticated:
        return CoApplicant.objects.none()
    return CoApplicant.objects.filter(application_id=application_id, actor__representations__user=user).distinct()


def get_coapplicant_links_for_user(request: HttpRequest, pk: int) -> list[CoApplicant]:
    """The user's co-applicant places in application `pk` (to confirm or decline); 404 if none."""
    links = list(
        coapplicant_links_of(request.user, pk).select_related("actor", "application__lead_actor", "application__pot")
    )
    if not links:
        raise Http404
    return links


def get_letter_for_user(request: HttpRequest, pk: int, letter_pk: int) -> DecisionLetter:
    """A decision letter of application `pk`: its parties and the steering group read it; 404 otherwise."""
    app = get_application_for_user(request, pk)
    letter = DecisionLetter.objects.select_related("decision").filter(pk=letter_pk, decision__application=app).first()
    if letter is None:
        raise Http404
    letter.decision.application = app
    return letter
