"""The models of `maps`, moved from `competencies` (issue #15): state only, the tables keep their
names (`competencies_*`, db_table); the content types follow."""

import django.db.models.deletion
from django.db import migrations, models

APP = "maps"
MODELS = ['schoolstat', 'statspending', 'departementactivitymonth', 'departementcompetencystat', 'departementdomainmonth', 'departementstat', 'schoolactivitymonth', 'schoolcompetencystat', 'schooldomainmonth']


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
        ('lms', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='SchoolStat',
                fields=[
                    ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='lms.school')),
                    ('teachers', models.PositiveIntegerField(default=0)),
                    ('coverage', models.CharField(default='uncovered', max_length=16)),
                    ('confirmed', models.PositiveIntegerField(default=0)),
                    ('pending', models.PositiveIntegerField(default=0)),
                ],
                options={
                    'db_table': 'competencies_schoolstat',
                },
            ),
            migrations.CreateModel(
                name='StatsPending',
                fields=[
                    ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='lms.school')),
                    ('marked_at', models.DateTimeField()),
                ],
                options={
                    'db_table': 'competencies_statspending',
                },
            ),
            migrations.CreateModel(
                name='DepartementActivityMonth',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField()),
                    ('completions', models.PositiveIntegerField(default=0)),
                    ('attendances', models.PositiveIntegerField(default=0)),
                    ('teachers', models.PositiveIntegerField(default=0)),
                    ('kind', models.CharField(max_length=10)),
                    ('sector', models.CharField(max_length=10)),
                    ('departement', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.departement')),
                ],
                options={
                    'db_table': 'competencies_departementactivitymonth',
                    'constraints': [models.UniqueConstraint(fields=('departement', 'kind', 'sector', 'month'), name='depactivitymonth_unique')],
                },
            ),
            migrations.CreateModel(
                name='DepartementCompetencyStat',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level_sum', models.PositiveIntegerField(default=0)),
                    ('n1', models.PositiveIntegerField(default=0)),
                    ('n2', models.PositiveIntegerField(default=0)),
                    ('n3', models.PositiveIntegerField(default=0)),
                    ('n4', models.PositiveIntegerField(default=0)),
                    ('n5', models.PositiveIntegerField(default=0)),
                    ('n6', models.PositiveIntegerField(default=0)),
                    ('n7', models.PositiveIntegerField(default=0)),
                    ('n8', models.PositiveIntegerField(default=0)),
                    ('kind', models.CharField(max_length=10)),
                    ('sector', models.CharField(max_length=10)),
                    ('competency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='frameworks.competency')),
                    ('departement', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.departement')),
                ],
                options={
                    'db_table': 'competencies_departementcompetencystat',
                    'constraints': [models.UniqueConstraint(fields=('departement', 'kind', 'sector', 'competency'), name='depcompstat_unique')],
                },
            ),
            migrations.CreateModel(
                name='DepartementDomainMonth',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(max_length=10)),
                    ('sector', models.CharField(max_length=10)),
                    ('month', models.DateField()),
                    ('delta', models.IntegerField(default=0)),
                    ('departement', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.departement')),
                    ('domain', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='frameworks.domain')),
                ],
                options={
                    'db_table': 'competencies_departementdomainmonth',
                    'constraints': [models.UniqueConstraint(fields=('departement', 'kind', 'sector', 'domain', 'month'), name='depdomainmonth_unique')],
                },
            ),
            migrations.CreateModel(
                name='DepartementStat',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(max_length=10)),
                    ('sector', models.CharField(max_length=10)),
                    ('schools', models.PositiveIntegerField(default=0)),
                    ('teachers', models.PositiveIntegerField(default=0)),
                    ('covered', models.PositiveIntegerField(default=0)),
                    ('circonscription', models.PositiveIntegerField(default=0)),
                    ('pending', models.PositiveIntegerField(default=0)),
                    ('uncovered', models.PositiveIntegerField(default=0)),
                    ('proposals_pending', models.PositiveIntegerField(default=0)),
                    ('departement', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.departement')),
                ],
                options={
                    'db_table': 'competencies_departementstat',
                    'constraints': [models.UniqueConstraint(fields=('departement', 'kind', 'sector'), name='depstat_unique')],
                },
            ),
            migrations.CreateModel(
                name='SchoolActivityMonth',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField()),
                    ('completions', models.PositiveIntegerField(default=0)),
                    ('attendances', models.PositiveIntegerField(default=0)),
                    ('teachers', models.PositiveIntegerField(default=0)),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.school')),
                ],
                options={
                    'db_table': 'competencies_schoolactivitymonth',
                    'constraints': [models.UniqueConstraint(fields=('school', 'month'), name='schoolactivitymonth_unique')],
                },
            ),
            migrations.CreateModel(
                name='SchoolCompetencyStat',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level_sum', models.PositiveIntegerField(default=0)),
                    ('n1', models.PositiveIntegerField(default=0)),
                    ('n2', models.PositiveIntegerField(default=0)),
                    ('n3', models.PositiveIntegerField(default=0)),
                    ('n4', models.PositiveIntegerField(default=0)),
                    ('n5', models.PositiveIntegerField(default=0)),
                    ('n6', models.PositiveIntegerField(default=0)),
                    ('n7', models.PositiveIntegerField(default=0)),
                    ('n8', models.PositiveIntegerField(default=0)),
                    ('competency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='frameworks.competency')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.school')),
                ],
                options={
                    'db_table': 'competencies_schoolcompetencystat',
                    'constraints': [models.UniqueConstraint(fields=('school', 'competency'), name='schoolcompstat_unique')],
                },
            ),
            migrations.CreateModel(
                name='SchoolDomainMonth',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField()),
                    ('delta', models.IntegerField(default=0)),
                    ('domain', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='frameworks.domain')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.school')),
                ],
                options={
                    'db_table': 'competencies_schooldomainmonth',
                    'constraints': [models.UniqueConstraint(fields=('school', 'domain', 'month'), name='schooldomainmonth_unique')],
                },
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
