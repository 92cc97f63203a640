"""The partners' table takes courses's name, and their content type follows them.

Moving the existing content type (rather than letting Django create a new one) keeps what points to
it: the groups' and users' partner permissions (trainers may view partners), Wagtail's log entries,
revisions and reference index rows about partners.
"""

from django.db import migrations


def content_type_move(apps, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=from_label, model="partner").first()
    if old is None:
        return
    # A content type created meanwhile under the new label (post_migrate of a partial run) holds nothing
    # yet that the old one does not: its permissions go, the old one is relabelled.
    stale = ContentType.objects.filter(app_label=to_label, model="partner").first()
    if stale is not None:
        Permission = apps.get_model("auth", "Permission")
        Permission.objects.filter(content_type=stale).delete()
        stale.delete()
    old.app_label = to_label
    old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    content_type_move(apps, "themes", "courses")


def backwards(apps, schema_editor):
    content_type_move(apps, "courses", "themes")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0012_partner_from_themes"),
        ("themes", "0004_partner_moved_to_courses"),
    ]

    operations = [
        migrations.AlterModelTable(name="partner", table=None),
        migrations.RunPython(forwards, backwards),
    ]
