"""Demo content for `make run`: invented news and working groups, and example lists of the
areas each network covers, each marked as demo."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from networks.models import Area, Network, Post, WorkingGroup

# (network slug or None for all networks, slug, days ago, Swedish title, English title, Swedish text, English text)
DEMO_POSTS: list[tuple[str | None, str, int, str, str, str, str]] = [
    (
        None,
        "demo-valkommen-till-portalen",
        1,
        "Välkommen till nätverkens nya webbplats (demo)",
        "Welcome to the networks' new website (demo)",
        "Här samlas nyheter, möten och aktörer från alla fyra stadsdelsnätverk.",
        "News, meetings and members of all four neighbourhood networks in one place.",
    ),
    (
        "andersberg",
        "demo-andersberg-varstadning",
        3,
        "Vårstädning runt Andersbergs centrum (demo)",
        "Spring clean-up around Andersberg's centre (demo)",
        "Föreningarna i Andersbergsgruppen bjuder in alla boende att städa tillsammans.",
        "The associations in Andersbergsgruppen invite all residents to tidy up together.",
    ),
    (
        "bomhus",
        "demo-tibo-ny-arbetsgrupp",
        6,
        "TIBO startar en arbetsgrupp för unga (demo)",
        "TIBO starts a working group for young people (demo)",
        "Vill din förening ordna något för unga i Bomhus i sommar? Var med i den nya gruppen.",
        "Does your association want to run something for young people in Bomhus this summer? Join the new group.",
    ),
    (
        "brynas",
        "demo-brynas-temamote-godisfabriken",
        9,
        "Temamöte om Godisfabriken och resten av Brynäs (demo)",
        "Theme meeting on Godisfabriken and the rest of Brynäs (demo)",
        "Hur hänger det nya området ihop med den äldre stadsdelen? Kom och tyck till.",
        "How does the new area fit together with the older district? Come and have your say.",
    ),
    (
        "satra",
        "demo-satra-forsta-traffen",
        12,
        "Många nya aktörer på Sätras nätverksträff (demo)",
        "Many new members at Sätra's network meeting (demo)",
        "Träffen samlade föreningar, grupper och enskilda som vill göra mer tillsammans.",
        "The meeting brought together associations, groups and individuals who want to do more together.",
    ),
]

DEMO_GROUPS: dict[str, list[tuple[str, str, str, str]]] = {
    "andersberg": [
        (
            "Trygghet (demo)",
            "Safety (demo)",
            "Trygghetsvandringar och kontakt med fastighetsägare.",
            "Safety walks and contact with property owners.",
        ),
        (
            "Sommaraktiviteter (demo)",
            "Summer activities (demo)",
            "Aktiviteter för barn och unga på loven.",
            "Activities for children and young people in the holidays.",
        ),
    ],
    "bomhus": [
        (
            "Unga i Bomhus (demo)",
            "Young people in Bomhus (demo)",
            "Föreningar som ordnar aktiviteter för unga.",
            "Associations that run activities for young people.",
        ),
        (
            "Lokaler (demo)",
            "Premises (demo)",
            "Hjälper aktörer att hitta lokaler för sina aktiviteter.",
            "Helps members find premises for their activities.",
        ),
    ],
    "brynas": [
        (
            "Allaktivitetsytan (demo)",
            "The all-activity space (demo)",
            "Var kan en gemensam yta ligga?",
            "Where could a shared space be placed?",
        ),
        (
            "Nya och gamla Brynäs (demo)",
            "New and old Brynäs (demo)",
            "Godisfabriken och resten av stadsdelen.",
            "Godisfabriken and the rest of the district.",
        ),
    ],
    "satra": [
        (
            "Kontaktlistan (demo)",
            "The contact list (demo)",
            "Aktörer som vill hitta varandra mellan träffarna.",
            "Members who want to find each other between meetings.",
        ),
        ("Trygghet (demo)", "Safety (demo)", "Trygghetsfrågor i Sätra.", "Safety questions in Sätra."),
    ],
}

# What "Var bor du?" finds each network by: an example list per network (is_demo), of
# neighbourhoods, streets and places in the district. A real list is the coordinators'.
_AREA, _STREET, _PLACE = Area.Kind.AREA, Area.Kind.STREET, Area.Kind.PLACE
DEMO_AREAS: dict[str, list[tuple[str, str]]] = {
    "andersberg": [
        ("Andersbergs centrum", _AREA),
        ("Norra Andersberg", _AREA),
        ("Regnbågsgatan", _STREET),
        ("Solröksgatan", _STREET),
        ("Stormgatan", _STREET),
        ("Vändkretsen", _STREET),
        ("Hedesundavägen", _STREET),
    ],
    "bomhus": [
        ("Bomhus centrum", _AREA),
        ("Södra Bomhus", _AREA),
        ("Norelund", _AREA),
        ("Storhagen", _AREA),
        ("Kastet", _AREA),
        ("Kristinelund", _AREA),
        ("Björsjö", _AREA),
        ("Ångermansvägen", _STREET),
        ("Lillsjön", _PLACE),
    ],
    "brynas": [
        ("Godisfabriken", _AREA),
        ("Brynästorget", _PLACE),
        ("Ahlgrens torg", _PLACE),
        ("Pastillplatsen", _PLACE),
        ("Stenebergsparken", _PLACE),
        ("Karamellgatan", _STREET),
        ("Kolabågen", _STREET),
        ("Södra Skeppsbron", _STREET),
        ("Södra Strandgatan", _STREET),
        ("Styrmansgatan", _STREET),
        ("Tredje Tvärgatan", _STREET),
    ],
    "satra": [
        ("Sätra centrum", _AREA),
        ("Östra Sätra", _AREA),
        ("Sätra torg", _PLACE),
        ("Sätraskogen", _PLACE),
        ("Sicksackvägen", _STREET),
        ("Glimmervägen", _STREET),
        ("Moränvägen", _STREET),
        ("Jökelvägen", _STREET),
        ("Gråstensvägen", _STREET),
    ],
}


# A little Markdown (core/markdown.py), as a coordinator writes it.
DEMO_BODY = (
    "Det här är **påhittat demoinnehåll** som visar hur en nyhet ser ut.\n\n"
    "# Så skrivs en nyhet\n\n"
    "En riktig nyhet skrivs av nätverkets samordnare i administrationen, med:\n\n"
    "- en *ingress* som sammanfattar,\n"
    "- stycken, mellanrubriker och listor,\n"
    "- länkar, till exempel till [nätverkens möten](/moten/).\n"
)
DEMO_BODY_EN = (
    "This is **invented demo content** that shows what a news item looks like.\n\n"
    "# How news is written\n\n"
    "A real news item is written by the network's coordinator in the admin, with:\n\n"
    "- a *summary* that sums it up,\n"
    "- paragraphs, subheadings and lists,\n"
    "- links, for example to [the networks' meetings](/en/moten/).\n"
)


@transaction.atomic
def create_demo() -> None:
    """Create the demo news, working groups and areas that are missing; existing rows are left alone."""
    networks = {network.slug: network for network in Network.objects.all()}
    now = timezone.now()
    for network_slug, slug, days_ago, title, title_en, summary, summary_en in DEMO_POSTS:
        if network_slug is not None and network_slug not in networks:
            continue
        Post.objects.get_or_create(
            slug=slug,
            defaults={
                "network": networks.get(network_slug) if network_slug else None,
                "title": title,
                "title_en": title_en,
                "summary": summary,
                "summary_en": summary_en,
                "body": DEMO_BODY,
                "body_en": DEMO_BODY_EN,
                "published_at": now - timedelta(days=days_ago),
                "is_demo": True,
            },
        )
    for network_slug, groups in DEMO_GROUPS.items():
        network = networks.get(network_slug)
        if network is None:
            continue
        for name, name_en, description, description_en in groups:
            WorkingGroup.objects.get_or_create(
                network=network,
                name=name,
                defaults={"name_en": name_en, "description": description, "description_en": description_en},
            )
    for network_slug, areas in DEMO_AREAS.items():
        network = networks.get(network_slug)
        if network is None:
            continue
        for name, kind in areas:
            Area.objects.get_or_create(network=network, name=name, defaults={"kind": kind, "is_demo": True})
