"""Demo questions for `make run`: every state in every network, with "Jag med" and a
public history, marked as demo ("(demo)" in the text, `is_demo`)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dialog.models import Question, QuestionEvent, Status, Support, Theme
from meetings.models import Meeting
from members.demo import REPRESENTATIVE_EMAIL, RESIDENT_EMAIL
from members.models import User
from networks.models import Network, WorkingGroup

# (status, theme slug, title, text, place, days ago, the network's note or answer)
DEMO_QUESTIONS = [
    (
        Status.OPEN,
        "trygghet",
        "Mörkt på gångvägen till skolan",
        "Flera lampor längs gångvägen är trasiga, och barnen går där när det är mörkt på morgonen. (demo)",
        "Gångvägen bakom skolan",
        2,
        "",
    ),
    (
        Status.MEETING,
        "motesplatser",
        "En plats att träffas för äldre på dagtid",
        "Det finns inget ställe att ta en kopp kaffe med grannar på dagtid. Kan nätverket hjälpa till? (demo)",
        "",
        20,
        "Vi tar upp frågan på nätverksträffen och bjuder in träffpunktens personal. (demo)",
    ),
    (
        Status.WORKING_GROUP,
        "barn-och-unga",
        "Något att göra för tonåringar på fredagskvällar",
        "Ungdomarna hänger vid centrum för att det inte finns något annat. Kan fritidsgården ha öppet längre? (demo)",
        "Centrum",
        35,
        "Arbetsgruppen tar frågan vidare med fritidsgården och Fältgruppen. (demo)",
    ),
    (
        Status.FORWARDED,
        "miljo-och-skotsel",
        "Soptunnorna vid lekplatsen blir överfulla",
        "Varje helg svämmar tunnorna över och skräpet blåser in i lekplatsen. (demo)",
        "Lekplatsen vid gården",
        45,
        "Vi har skickat frågan till bostadsbolaget, som sköter tunnorna. (demo)",
    ),
    (
        Status.ANSWERED,
        "miljo-och-skotsel",
        "Kan vi få fler bänkar längs promenadstråket?",
        "Många äldre vill promenera men behöver kunna vila på vägen. (demo)",
        "Promenadstråket längs ån",
        80,
        "Kommunen sätter upp fyra nya bänkar i vår. Tack för att du lyfte frågan! (demo)",
    ),
    (
        Status.CLOSED,
        "annat",
        "Loppis på gården i maj",
        "Jag vill ordna en loppis mellan husen. Vem kan jag fråga om lov? (demo)",
        "",
        120,
        "Loppisen blev av med hjälp av hyresgästföreningen, så vi avslutar frågan. (demo)",
    ),
    (
        Status.HIDDEN,
        "annat",
        "Köp billiga solglasögon",
        "Bästa priserna på nätet, klicka här. (demo)",
        "",
        3,
        "Reklam hör inte hemma bland de boendes frågor. (demo)",
    ),
]


@transaction.atomic
def create_demo() -> None:
    """Idempotent: each demo question once per network (by network and title), with its history."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    users = {user.email: user for user in User.objects.filter(email__in=[RESIDENT_EMAIL, REPRESENTATIVE_EMAIL])}
    resident, representative = users.get(RESIDENT_EMAIL), users.get(REPRESENTATIVE_EMAIL)
    now = timezone.now()
    for network in Network.objects.all():
        meeting = Meeting.objects.upcoming().for_network(network).first()
        group = WorkingGroup.objects.filter(network=network, is_active=True).order_by("pk").first()
        coordinator = network.coordinators.order_by("pk").first()
        for number, (status, theme, title, text, place, days, note) in enumerate(DEMO_QUESTIONS):
            asked = now - timedelta(days=days)
            question, made = Question.objects.get_or_create(
                network=network,
                title=title,
                defaults={
                    "author": resident,
                    "show_name": number == 4,  # One author chose to be named.
                    "text": text,
                    "place": place,
                    "theme": themes.get(theme),
                    "status": status,
                    # The database refuses a hidden question without its reason.
                    "hidden_reason": note if status == Status.HIDDEN else "",
                    "created_at": asked,
                    "is_demo": True,
                },
            )
            if not made:
                continue
            _move(question, status, note, asked, meeting=meeting, group=group, by=coordinator)
            if representative is not None and status != Status.HIDDEN:
                Support.objects.get_or_create(question=question, user=representative)


def _move(question: Question, status: str, note: str, asked, *, meeting, group, by) -> None:
    """Set the question's fields for its state and write its history as the moves would."""
    when = asked + timedelta(days=1)
    if status == Status.OPEN:
        return
    if status in (Status.ANSWERED, Status.CLOSED):
        # A question answered or closed went to a meeting first.
        QuestionEvent.objects.create(question=question, status=Status.MEETING, meeting=meeting, created_at=when, by=by)
        when += timedelta(days=14)
    event = QuestionEvent(question=question, status=status, text=note, created_at=when, by=by)
    if status == Status.MEETING:
        question.meeting = event.meeting = meeting
    elif status == Status.WORKING_GROUP:
        question.working_group = event.working_group = group
    elif status == Status.FORWARDED:
        question.forwarded_to = event.forwarded_to = "Gavlegårdarna, områdeskontoret (demo)"
        question.forwarded_url = event.forwarded_url = "https://www.gavlegardarna.se/"
    elif status == Status.ANSWERED:
        question.answer = note
        event.by_name_shown = True  # One coordinator chose to sign the answer.
    event.save()
    question.save()
