"""Withdraw the evidence that clients now trusted for nothing (NONE) gave before the trust policy.

After `xapi.0007`, those are the clients Relais minted for cmi5 launches (and clients without a
write scope, which wrote nothing). Their statements are found through the agent index, where the
authority is a related agent. Levels follow at the next daily refresh (`levels_refresh`), and the
ambassador proposals at the nightly pass; `manage.py rebuild_competencies` applies it at once.
"""

from django.conf import settings
from django.db import migrations

_CHUNK = 500


def forwards(apps, schema_editor):
    Client = apps.get_model("xapi", "Client")
    StatementAgent = apps.get_model("xapi", "StatementAgent")
    Evidence = apps.get_model("competencies", "Evidence")
    CompletedModule = apps.get_model("competencies", "CompletedModule")
    if not Evidence.objects.exists() and not CompletedModule.objects.exists():
        return
    home = settings.RELAIS_BASE_URL + "/xapi/clients"
    keys = [f"account:{home}|{key}" for key in Client.objects.filter(evidence="none").values_list("key", flat=True)]
    for start in range(0, len(keys), _CHUNK):
        ids = list(
            StatementAgent.objects.filter(agent_key__in=keys[start : start + _CHUNK]).values_list(
                "statement_id", flat=True
            )
        )
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            Evidence.objects.filter(statement_id__in=chunk).delete()
            CompletedModule.objects.filter(statement_id__in=chunk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0009_badges_ob303_status_list"),
        ("xapi", "0007_existing_clients_keep_their_evidence"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
