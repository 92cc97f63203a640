"""The models of `evidence`, moved from `competencies` (issue #15): state only, the tables keep their
names (`competencies_*`, db_table); the content types follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APP = "evidence"
MODELS = ['competencystate', 'completedmodule', 'evidence', 'levelchange']


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
        ('frameworks', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='CompetencyState',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.PositiveSmallIntegerField(verbose_name='niveau')),
                    ('evidence_at', models.DateTimeField(blank=True, null=True, verbose_name='preuve la plus récente')),
                    ('updated_at', models.DateTimeField(verbose_name='mis à jour le')),
                    ('competency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='states', to='frameworks.competency')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competency_states', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': "niveau d'un enseignant",
                    'verbose_name_plural': 'niveaux des enseignants',
                    'db_table': 'competencies_competencystate',
                    'constraints': [models.UniqueConstraint(fields=('user', 'competency'), name='state_unique_user_competency')],
                },
            ),
            migrations.CreateModel(
                name='CompletedModule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('statement_id', models.UUIDField(unique=True, verbose_name='déclaration')),
                    ('activity_id', models.CharField(max_length=500, verbose_name='module')),
                    ('completed_at', models.DateTimeField(verbose_name='date')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='completed_modules', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'module terminé',
                    'verbose_name_plural': 'modules terminés',
                    'db_table': 'competencies_completedmodule',
                    'indexes': [models.Index(fields=['user', 'activity_id'], name='completedmodule_user_activity')],
                },
            ),
            migrations.CreateModel(
                name='Evidence',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('statement_id', models.UUIDField(verbose_name='déclaration')),
                    ('level', models.PositiveSmallIntegerField(verbose_name='niveau attesté')),
                    ('kind', models.CharField(choices=[('assessment', 'évaluation notée'), ('validated_task', 'production validée par un formateur'), ('completion', 'activité terminée'), ('attendance', 'présence à une session'), ('certified', 'résultat certifié')], max_length=20, verbose_name='nature')),
                    ('occurred_at', models.DateTimeField(verbose_name='date')),
                    ('activity_id', models.CharField(blank=True, max_length=500, verbose_name='activité')),
                    ('competency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='frameworks.competency')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'preuve',
                    'verbose_name_plural': 'preuves',
                    'db_table': 'competencies_evidence',
                    'indexes': [models.Index(fields=['user', 'competency'], name='evidence_user_competency')],
                    'constraints': [models.UniqueConstraint(fields=('statement_id', 'competency'), name='evidence_unique_statement_competency')],
                },
            ),
            migrations.CreateModel(
                name='LevelChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('previous', models.PositiveSmallIntegerField(verbose_name='niveau précédent')),
                    ('level', models.PositiveSmallIntegerField(verbose_name='nouveau niveau')),
                    ('changed_at', models.DateTimeField(db_index=True, verbose_name='date')),
                    ('competency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='level_changes', to='frameworks.competency')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='level_changes', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'changement de niveau',
                    'verbose_name_plural': 'changements de niveau',
                    'db_table': 'competencies_levelchange',
                    'indexes': [models.Index(fields=['user', 'competency', 'changed_at'], name='levelchange_user_comp')],
                },
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
