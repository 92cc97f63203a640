"""The target competency now points at `frameworks.Competency` (moved from `competencies`, same table):
state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_course_follow_up_questionnaire"),
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="coursecompetency",
                    name="competency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="frameworks.competency",
                        verbose_name="compétence",
                    ),
                ),
            ],
        ),
    ]
