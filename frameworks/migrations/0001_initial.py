"""The models of `frameworks`, moved from `competencies` (issue #15): state only, the tables keep their
names (`competencies_*`, db_table); the content types follow."""

import django.db.models.deletion
from django.db import migrations, models

APP = "frameworks"
MODELS = ['framework', 'domain', 'competency', 'level']


def _contenttypes_move(apps, old: str, new: str, models: list[str]) -> None:
    """The moved models keep their content types (and so their permissions, and whatever points at
    them: admin log entries, Wagtail's): the rows change app, unless the new ones exist already."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _contenttypes_move(apps, "competencies", APP, MODELS)


def backwards(apps, schema_editor):
    _contenttypes_move(apps, APP, "competencies", MODELS)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('competencies', '0010_evidence_of_untrusted_writers_withdrawn'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='Framework',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('slug', models.SlugField(max_length=40, unique=True, verbose_name='identifiant')),
                    ('title', models.CharField(max_length=200, verbose_name='titre')),
                    ('short_name', models.CharField(max_length=40, verbose_name='nom court')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                ],
                options={
                    'verbose_name': 'référentiel',
                    'verbose_name_plural': 'référentiels',
                    'db_table': 'competencies_framework',
                    'ordering': ['slug'],
                },
            ),
            migrations.CreateModel(
                name='Domain',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=10, verbose_name='code')),
                    ('name', models.CharField(max_length=200, verbose_name='nom')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='domains', to='frameworks.framework')),
                ],
                options={
                    'verbose_name': 'domaine',
                    'verbose_name_plural': 'domaines',
                    'db_table': 'competencies_domain',
                    'ordering': ['framework', 'code'],
                },
            ),
            migrations.CreateModel(
                name='Competency',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=10, verbose_name='code')),
                    ('name', models.CharField(max_length=200, verbose_name='nom')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('lsu_code', models.CharField(blank=True, max_length=20, verbose_name='code LSU')),
                    ('pix_label', models.CharField(blank=True, max_length=200, verbose_name='libellé Pix')),
                    ('iri', models.CharField(max_length=300, unique=True, verbose_name='IRI')),
                    ('domain', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competencies', to='frameworks.domain')),
                    ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competencies', to='frameworks.framework')),
                ],
                options={
                    'verbose_name': 'compétence',
                    'verbose_name_plural': 'compétences',
                    'db_table': 'competencies_competency',
                    'ordering': ['framework', 'code'],
                },
            ),
            migrations.CreateModel(
                name='Level',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveSmallIntegerField(verbose_name='niveau')),
                    ('label', models.CharField(max_length=100, verbose_name='libellé')),
                    ('group', models.CharField(blank=True, max_length=100, verbose_name='groupe')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='levels', to='frameworks.framework')),
                ],
                options={
                    'verbose_name': 'niveau',
                    'verbose_name_plural': 'niveaux',
                    'db_table': 'competencies_level',
                    'ordering': ['framework', 'number'],
                },
            ),
            migrations.AddConstraint(
                model_name='domain',
                constraint=models.UniqueConstraint(fields=('framework', 'code'), name='domain_unique_code'),
            ),
            migrations.AddConstraint(
                model_name='competency',
                constraint=models.UniqueConstraint(fields=('framework', 'code'), name='competency_unique_code'),
            ),
            migrations.AddConstraint(
                model_name='level',
                constraint=models.UniqueConstraint(fields=('framework', 'number'), name='level_unique_number'),
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
