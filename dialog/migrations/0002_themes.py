"""The themes a question may have from the start; coordinators keep the list in the admin."""

from django.db import migrations

THEMES = [
    # slug, Swedish, English, Finnish, Arabic
    ("trygghet", "Trygghet", "Safety", "Turvallisuus", "الأمان"),
    ("miljo-och-skotsel", "Miljö och skötsel", "Environment and upkeep", "Ympäristö ja kunnossapito", "البيئة والصيانة"),
    ("barn-och-unga", "Barn och unga", "Children and young people", "Lapset ja nuoret", "الأطفال والشباب"),
    ("motesplatser", "Mötesplatser", "Meeting places", "Kohtaamispaikat", "أماكن اللقاء"),
    ("annat", "Annat", "Other", "Muu", "أخرى"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("dialog", "Theme")
    for order, (slug, sv, en, fi, ar) in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(
            slug=slug,
            defaults={"name": sv, "name_en": en, "name_fi": fi, "name_ar": ar, "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("dialog", "0001_initial")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
