from django.db import migrations, models

from core.folding import fold


def fill_search_text(apps, schema_editor):
    # As Question.save() fills it (dialog.models.question_search_text), for the rows there are.
    Question = apps.get_model("dialog", "Question")
    for question in Question.objects.only("title", "text", "place").iterator():
        question.search_text = fold(f"{question.title}\n{question.text}\n{question.place}")
        question.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("dialog", "0002_themes"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="söktext"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
