"""Partner moves down from themes (presentation) to courses, which needs it: state only.

The rows stay in the table `themes_partner` here (this migration only tells Django that the model now
belongs to courses); courses 0011 renames the table once themes 0004 has dropped its own state of it.
"""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("courses", "0011_coursecompetency_competency_in_frameworks"),
        ("themes", "0003_partner_kind_reviewer_group"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Partner",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=160, verbose_name="nom")),
                        ("url", models.URLField(blank=True, verbose_name="site web")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("canope", "Réseau Canopé"),
                                    ("dane", "DANE / DRANE"),
                                    ("collectivite", "Collectivité"),
                                    ("association", "Association"),
                                    ("autre", "Autre"),
                                ],
                                default="autre",
                                max_length=20,
                                verbose_name="type de partenaire",
                            ),
                        ),
                        (
                            "logo",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtailimages.image",
                                verbose_name="logo",
                            ),
                        ),
                        (
                            "reviewer_group",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "Les membres de ce groupe relisent et approuvent les modules co-conçus "
                                    "au nom du partenaire."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="auth.group",
                                verbose_name="groupe de relecture",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partenaire",
                        "verbose_name_plural": "partenaires",
                        "ordering": ["name"],
                        "db_table": "themes_partner",
                    },
                ),
                migrations.AlterField(
                    model_name="coursepage",
                    name="co_designers",
                    field=modelcluster.fields.ParentalManyToManyField(
                        blank=True, related_name="+", to="courses.partner", verbose_name="co-concepteurs"
                    ),
                ),
                migrations.AlterField(
                    model_name="partnerapprovaltask",
                    name="partner",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="courses.partner",
                        verbose_name="partenaire",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
