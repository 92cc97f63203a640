"""Partner now belongs to courses (courses 0010): themes forgets it, state only; no row moves."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_partner_from_themes"),
        ("themes", "0003_partner_kind_reviewer_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="territorypartner",
                    name="partner",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="courses.partner",
                        verbose_name="partenaire",
                    ),
                ),
                migrations.DeleteModel(name="Partner"),
            ],
            database_operations=[],
        ),
    ]
