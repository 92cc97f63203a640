"""A teacher's right to their data: export everything Relais holds about them, or erase it.

`lms` knows nothing of the apps above it: each app registers what it holds about
a user (an exporter) and what must go beyond the cascade of deleting the user
(an eraser) from its AppConfig.ready().
"""

from collections.abc import Callable

from django.db import transaction

_exporters: dict[str, Callable] = {}
_erasers: dict[str, Callable] = {}


def exporter_register(name: str, function: Callable) -> None:
    _exporters[name] = function


def eraser_register(name: str, function: Callable) -> None:
    _erasers[name] = function


def user_data_export(*, user) -> dict:
    """Everything about `user`, as JSON-ready data, one section per app."""
    data = {
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "role": user.role,
            "langue": user.language,
            "identifiant_xapi": str(user.xapi_uuid),
            "inscrit_le": user.date_joined.isoformat(),
        },
        "etablissements": [
            {"uai": m.school.uai, "nom": m.school.name, "fonction": m.role}
            for m in user.memberships.select_related("school")
        ],
    }
    for name, function in sorted(_exporters.items()):
        data[name] = function(user)
    return data


@transaction.atomic
def user_erase(*, user) -> None:
    """Erase `user`: what each app registered first (e.g. statements), then the account and its cascade."""
    for _name, function in sorted(_erasers.items()):
        function(user)
    user.delete()
