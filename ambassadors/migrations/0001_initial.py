"""The models of `ambassadors`, moved from `competencies` (issue #15): state only, the tables keep their
names (`competencies_*`, db_table); the content types follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APP = "ambassadors"
MODELS = ['badgeissuerkey', 'badgestatus', 'ambassadorconsent', 'ambassadorpolicy', 'ambassadorproposal', 'ambassadordecision', 'ambassadorbadge']


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
        ('lms', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='BadgeIssuerKey',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('algorithm', models.CharField(choices=[('RS256', 'RS256'), ('EdDSA', 'EdDSA')], default='EdDSA', max_length=8)),
                    ('private_pem', models.TextField()),
                    ('public_jwk', models.JSONField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'verbose_name': 'clé de signature des badges',
                    'verbose_name_plural': 'clés de signature des badges',
                    'db_table': 'competencies_badgeissuerkey',
                },
            ),
            migrations.CreateModel(
                name='BadgeStatus',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('index', models.PositiveIntegerField(unique=True, verbose_name='position dans la liste')),
                    ('credential_uuid', models.UUIDField(unique=True, verbose_name='identifiant du badge')),
                    ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
                ],
                options={
                    'verbose_name': "statut d'un badge",
                    'verbose_name_plural': 'statuts des badges',
                    'db_table': 'competencies_badgestatus',
                },
            ),
            migrations.CreateModel(
                name='AmbassadorConsent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('consented', models.BooleanField(default=False, verbose_name="accepte d'être proposé")),
                    ('changed_at', models.DateTimeField(verbose_name='modifié le')),
                    ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ambassador_consent', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'consentement ambassadeur',
                    'verbose_name_plural': 'consentements ambassadeur',
                    'db_table': 'competencies_ambassadorconsent',
                },
            ),
            migrations.CreateModel(
                name='AmbassadorPolicy',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('required_level', models.PositiveSmallIntegerField(choices=[(4, 'Avancé'), (5, 'Expert')], default=4, verbose_name='niveau exigé')),
                    ('min_competencies', models.PositiveSmallIntegerField(default=3, verbose_name='nombre de compétences CRCN Édu à ce niveau')),
                    ('min_domains', models.PositiveSmallIntegerField(default=2, verbose_name='nombre de domaines couverts')),
                    ('recency_days', models.PositiveSmallIntegerField(default=730, help_text='Une preuve plus ancienne ne compte pas.', verbose_name='ancienneté maximale des preuves (jours)')),
                    ('min_modules_completed', models.PositiveSmallIntegerField(default=1, verbose_name='modules terminés')),
                    ('max_per_school', models.PositiveSmallIntegerField(default=2, verbose_name='propositions par établissement')),
                    ('ecoles_by_circonscription', models.BooleanField(default=True, verbose_name="pour les écoles, un ambassadeur de la circonscription couvre l'école")),
                    ('badge_validity_days', models.PositiveIntegerField(blank=True, help_text="Vide : le badge vaut tant que l'ambassadeur n'est pas retiré.", null=True, verbose_name='durée de validité du badge (jours)')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifiée le')),
                    ('academie', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ambassador_policy', to='lms.academie')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'règles de désignation des ambassadeurs',
                    'verbose_name_plural': 'règles de désignation des ambassadeurs',
                    'db_table': 'competencies_ambassadorpolicy',
                },
            ),
            migrations.CreateModel(
                name='AmbassadorProposal',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('score', models.FloatField(verbose_name='score')),
                    ('rank', models.PositiveSmallIntegerField(default=1, verbose_name='rang')),
                    ('reasons', models.JSONField(default=list, verbose_name='raisons')),
                    ('status', models.CharField(choices=[('proposed', 'proposé'), ('confirmed', 'confirmé'), ('declined', 'refusé'), ('withdrawn', 'retiré')], default='proposed', max_length=10, verbose_name='statut')),
                    ('computed_at', models.DateTimeField(verbose_name='calculée le')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ambassador_proposals', to='lms.school')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ambassador_proposals', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': "proposition d'ambassadeur",
                    'verbose_name_plural': "propositions d'ambassadeurs",
                    'db_table': 'competencies_ambassadorproposal',
                },
            ),
            migrations.CreateModel(
                name='AmbassadorDecision',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('decision', models.CharField(choices=[('proposed', 'proposé'), ('confirmed', 'confirmé'), ('declined', 'refusé'), ('withdrawn', 'retiré')], max_length=10, verbose_name='décision')),
                    ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                    ('decided_at', models.DateTimeField(verbose_name='date')),
                    ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='ambassadors.ambassadorproposal')),
                ],
                options={
                    'verbose_name': 'décision sur un ambassadeur',
                    'verbose_name_plural': 'décisions sur les ambassadeurs',
                    'db_table': 'competencies_ambassadordecision',
                    'ordering': ['-decided_at'],
                },
            ),
            migrations.CreateModel(
                name='AmbassadorBadge',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('credential', models.JSONField()),
                    ('jwt', models.TextField()),
                    ('issued_at', models.DateTimeField()),
                    ('holder_display', models.CharField(choices=[('pseudonymous', 'pseudonyme'), ('name', 'mon nom')], default='pseudonymous', max_length=16, verbose_name='titulaire affiché sur la page de vérification')),
                    ('proposal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='badge', to='ambassadors.ambassadorproposal')),
                    ('status', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='badge', to='ambassadors.badgestatus')),
                ],
                options={
                    'verbose_name': "badge d'ambassadeur",
                    'verbose_name_plural': "badges d'ambassadeur",
                    'db_table': 'competencies_ambassadorbadge',
                },
            ),
            migrations.AddIndex(
                model_name='ambassadorproposal',
                index=models.Index(fields=['school', 'status'], name='proposal_school_status'),
            ),
            migrations.AddConstraint(
                model_name='ambassadorproposal',
                constraint=models.UniqueConstraint(fields=('school', 'user'), name='proposal_unique_school_user'),
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
