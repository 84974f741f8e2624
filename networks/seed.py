"""The four networks as the municipality describes them, in the portal's own words."""

from __future__ import annotations

from django.db import transaction

from networks.models import Network

_JOIN_SV = (
    "Alla som bor eller verkar i {district} är välkomna: boende, föreningar, företag, "
    "organisationer och myndigheter. Kom till en nätverksträff, eller skapa ett konto här "
    "och ansök om medlemskap för din förening eller organisation. Samordnaren godkänner "
    "ansökan och hör av sig."
)
_JOIN_EN = (
    "Everyone who lives or works in {district} is welcome: residents, associations, "
    "companies, organisations and authorities. Come to a network meeting, or create an "
    "account here and ask for membership for your association or organisation. The "
    "coordinator approves the request and gets in touch."
)

NETWORKS: list[dict] = [
    {
        "slug": "andersberg",
        "name": "Andersberg",
        "network_name": "Andersbergsgruppen",
        "sort_order": 1,
        "summary": (
            "Gävles äldsta stadsdelsnätverk, med ett föreningsliv som länge har varit ovanligt starkt och aktivt."
        ),
        "summary_en": (
            "Gävle's oldest neighbourhood network, in a district whose associations have "
            "long been unusually strong and active."
        ),
        "description": (
            "I Andersberg har föreningarna länge ordnat mycket, med många deltagare, inte "
            "minst runt Andersbergs centrum. Många av dem samlas i dag i Andersbergsgruppen. "
            "Exakt när gruppen bildades berättas på olika sätt, men den räknas som Gävles "
            "äldsta stadsdelsnätverk.\n\n"
            "Att knyta ihop föreningarna och ge dem verktyg att samarbeta ger mycket för "
            "integrationen: det stärker gemenskapen mellan grannar och de boendes inflytande. "
            "Framåt vill nätverket att aktörerna hittar varandra oftare, också mellan "
            "träffarna, för att få hjälp och bolla idéer.\n\n"
            "Kommunen driver också Stadsdelslyftet i Andersberg, ett projekt för ökad trygghet "
            "och integration. Stadsdelslyftet och stadsdelsnätverket samarbetar, men de är två "
            "olika saker: nätverket ägs av dem som deltar i det."
        ),
        "description_en": (
            "Associations in Andersberg have organised a great deal for a long time, with many "
            "people taking part, especially around Andersberg's centre. Many of them now meet in "
            "Andersbergsgruppen. Accounts differ on exactly when the group began, but it is "
            "regarded as Gävle's oldest neighbourhood network.\n\n"
            "Linking the associations together and giving them tools to cooperate does a lot "
            "for integration: it strengthens ties between neighbours and residents' influence. "
            "Going forward, the network wants its members to find each other more often, also "
            "between meetings, to get help and try out ideas.\n\n"
            "The municipality also runs Stadsdelslyftet in Andersberg, a project for safety and "
            "integration. Stadsdelslyftet and the neighbourhood network work together, but they "
            "are not the same thing: the network belongs to those who take part in it."
        ),
        "meeting_rhythm": "Ungefär varannan månad",
        "meeting_rhythm_en": "About every other month",
    },
    {
        "slug": "bomhus",
        "name": "Bomhus",
        "network_name": "TIBO",
        "sort_order": 2,
        "summary": "TIBO är stadsdelsnätverket för hela Bomhus, med många ideella föreningar och organisationer.",
        "summary_en": (
            "TIBO is the neighbourhood network for all of Bomhus, with many voluntary associations and organisations."
        ),
        "description": (
            "TIBO samlar hela Bomhus i ett nätverk. I stadsdelen finns gott om ideella "
            "föreningar och organisationer, och många av dem deltar i nätverket.\n\n"
            "Aktörerna i TIBO kan söka pengar ur den gemensamma potten för aktiviteter de gör "
            "på egen hand eller tillsammans med andra. Styrgruppen som samordnar nätverken "
            "handlägger ansökningarna."
        ),
        "description_en": (
            "TIBO brings all of Bomhus together in one network. The district has plenty of "
            "voluntary associations and organisations, and many of them take part.\n\n"
            "Members of TIBO can apply for money from the shared pot for activities they run "
            "alone or with others. The steering group that coordinates the networks handles "
            "the applications."
        ),
        "meeting_rhythm": "Ungefär varannan månad",
        "meeting_rhythm_en": "About every other month",
    },
    {
        "slug": "brynas",
        "name": "Brynäs",
        "network_name": "",
        "sort_order": 3,
        "summary": ("En stadsdel i förändring: i norr växer Godisfabriken fram bredvid den äldre bebyggelsen."),
        "summary_en": ("A district in change: in the north, Godisfabriken is being built next to the older housing."),
        "description": (
            "Brynäs förändras. I norra delen byggs det nya området Godisfabriken, medan resten "
            "av stadsdelen mest har äldre hus. Redan nu funderar många på hur det nya och det "
            "gamla ska hänga ihop.\n\n"
            "Stadsdelen saknar ett självklart centrum – Brynästorget är det närmaste – och "
            "därför diskuteras en gemensam allaktivitetsyta på en plats som kan knyta ihop "
            "stadsdelen.\n\n"
            "När en fråga behöver mer kraft, till exempel kontakt med en fastighetsägare eller "
            "kommunen, kan nätverket bilda en arbetsgrupp eller bjuda in till ett temamöte."
        ),
        "description_en": (
            "Brynäs is changing. In the north, the new Godisfabriken area is being built, while "
            "the rest of the district is mostly older buildings. Many are already thinking "
            "about how the new and the old should fit together.\n\n"
            "The district has no obvious centre – Brynästorget comes closest – so a shared "
            "all-activity space, placed where it can tie the district together, is being "
            "discussed.\n\n"
            "When a question needs extra effort, such as contact with a property owner or the "
            "municipality, the network can form a working group or call a theme meeting."
        ),
        "meeting_rhythm": "Ungefär varannan månad",
        "meeting_rhythm_en": "About every other month",
    },
    {
        "slug": "satra",
        "name": "Sätra",
        "network_name": "",
        "sort_order": 4,
        "summary": "Ett nytt nätverk som redan har många aktörer tack vare Sätras rika föreningsliv.",
        "summary_en": "A new network that already has many members thanks to Sätra's rich community life.",
        "description": (
            "Sätra har många ideella föreningar, grupper och enskilda som engagerar sig för "
            "stadsdelen. Därför har nätverket, fast det är ganska nytt, redan många aktörer.\n\n"
            "Nätverket träffas ungefär varannan månad. Målet är att aktörerna ska hitta "
            "varandra även mellan träffarna – samarbetspartner att få hjälp av och diskutera "
            "med. Många delar gärna sin e-postadress med de andra."
        ),
        "description_en": (
            "Sätra has many voluntary associations, groups and individuals who care about "
            "their district. So although the network is fairly new, it already has many "
            "members.\n\n"
            "The network meets about every other month. The aim is for members to find each "
            "other between meetings too – partners to get help from and talk things over "
            "with. Many are glad to share their e-mail address with the others."
        ),
        "meeting_rhythm": "Ungefär varannan månad",
        "meeting_rhythm_en": "About every other month",
    },
]


@transaction.atomic
def seed_networks() -> int:
    """Create whichever of the four networks is missing; returns how many were created.

    An existing network is left alone, so texts a coordinator has edited are kept.
    """
    created = 0
    for data in NETWORKS:
        fields = dict(data)
        slug = fields.pop("slug")
        fields["how_to_join"] = _JOIN_SV.format(district=fields["name"])
        fields["how_to_join_en"] = _JOIN_EN.format(district=fields["name"])
        _, was_created = Network.objects.get_or_create(slug=slug, defaults=fields)
        created += was_created
    return created
