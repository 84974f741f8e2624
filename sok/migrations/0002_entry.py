"""The search index table, sok.Entry (sok/models.py)."""


import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('borsen', '0001_initial'),
        ('meetings', '0003_registration_needs'),
        ('members', '0004_actor_search_text'),
        ('networks', '0002_dates_in_sensible_range'),
        ('sok', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=40, verbose_name='källa')),
                ('object_id', models.BigIntegerField(verbose_name='id')),
                ('title', models.TextField(verbose_name='rubrik')),
                ('text_b', models.TextField(blank=True, verbose_name='text med vikt B')),
                ('text_c', models.TextField(blank=True, verbose_name='text med vikt C')),
                ('title_folded', models.TextField(blank=True, verbose_name='rubrik, förenklad')),
                ('text_folded', models.TextField(blank=True, verbose_name='all text, förenklad')),
                ('vector', django.contrib.postgres.search.SearchVectorField(blank=True, null=True)),
                ('title_vector', django.contrib.postgres.search.SearchVectorField(blank=True, null=True)),
                ('actor', models.ForeignObject(from_fields=['object_id'], on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.actor', to_fields=['id'])),
                ('listing', models.ForeignObject(from_fields=['object_id'], on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='borsen.listing', to_fields=['id'])),
                ('meeting', models.ForeignObject(from_fields=['object_id'], on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting', to_fields=['id'])),
                ('network', models.ForeignObject(from_fields=['object_id'], on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='networks.network', to_fields=['id'])),
                ('post', models.ForeignObject(from_fields=['object_id'], on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='networks.post', to_fields=['id'])),
            ],
            options={
                'verbose_name': 'sökpost',
                'verbose_name_plural': 'sökposter',
                'constraints': [models.UniqueConstraint(fields=('object_id', 'source'), name='sok_entry_unique_object')],
            },
        ),
    ]
