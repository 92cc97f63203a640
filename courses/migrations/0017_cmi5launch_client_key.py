"""Launches keep their client's key, and their clients become temporary (xapi.Client.expires_at):
the ones that piled up are deleted by the next launches_expire, a day after their session ended."""

from django.db import migrations, models


def keys_and_expiry(apps, schema_editor):
    Cmi5Launch = apps.get_model("courses", "Cmi5Launch")
    Client = apps.get_model("xapi", "Client")
    for launch in Cmi5Launch.objects.exclude(client=None).select_related("client").iterator():
        launch.client_key = launch.client.key
        launch.save(update_fields=["client_key"])
        ended = launch.ended_at or launch.expires_at
        Client.objects.filter(pk=launch.client_id).update(expires_at=min(ended, launch.expires_at))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0016_activities_with_questionnaire_and_level_names"),
        ("xapi", "0009_temporary_clients"),
    ]

    operations = [
        migrations.AddField(
            model_name="cmi5launch",
            name="client_key",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64),
        ),
        migrations.RunPython(keys_and_expiry, migrations.RunPython.noop),
    ]
