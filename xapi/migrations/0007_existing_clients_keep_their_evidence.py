"""Existing clients: those an administrator created with a write scope keep counting as evidence.

Before the trust policy, every statement a client wrote counted for any teacher. A client an
administrator created with `all` or `statements/write` was given that power deliberately (the
README said its statements "count exactly like ours"): it becomes ANY, so that no teacher's
levels move on upgrade, and the LRS clients screen shows the policy for review. The clients Relais
minted for cmi5 launches (their token is in the learner's browser: the attack of issue #13) stay
NONE, as does every new client; Relais's own `completed` after the content's moveOn carries the
module's alignment, so nothing legitimate is lost. The evidence they gave is withdrawn by
`competencies.0010_evidence_of_untrusted_writers_withdrawn`.

The launch table belongs to `courses`, above `xapi`: it is read when it exists, not depended on.
"""

from django.db import migrations

WRITE_SCOPES = {"all", "statements/write"}
LAUNCH_NAME_PREFIX = "cmi5 — "


def forwards(apps, schema_editor):
    Client = apps.get_model("xapi", "Client")
    connection = schema_editor.connection
    launch_clients: set[int] = set()
    if "courses_cmi5launch" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT client_id FROM courses_cmi5launch WHERE client_id IS NOT NULL")
            launch_clients = {row[0] for row in cursor.fetchall()}
    trusted = [
        client.pk
        for client in Client.objects.filter(evidence="none").only("pk", "name", "scopes")
        if set(client.scopes or ()) & WRITE_SCOPES
        and client.pk not in launch_clients
        and not client.name.startswith(LAUNCH_NAME_PREFIX)
    ]
    for start in range(0, len(trusted), 500):
        Client.objects.filter(pk__in=trusted[start : start + 500]).update(evidence="any")


class Migration(migrations.Migration):
    dependencies = [("xapi", "0006_client_evidence_and_binding")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
