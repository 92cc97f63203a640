"""The académies and départements of French public education, loaded from the reference data in `lms/data/`."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from .models import Academie, Departement

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DepartementReference:
    code: str
    name: str
    academie_code: str
    is_tne: bool


@cache
def academies_reference() -> dict[str, str]:
    """The 30 académies from `academies.json`: {code: name}."""
    data = _read_json(name="academies.json")
    return {item["code"]: item["name"] for item in data["academies"]}


@cache
def departements_reference() -> dict[str, DepartementReference]:
    """The 101 départements: name from the geojson, académie from `academies.json`, TNE flag from `tne.json`."""
    academie_of = {
        code: item["code"] for item in _read_json(name="academies.json")["academies"] for code in item["departements"]
    }
    tne_codes = {item["code"] for item in _read_json(name="tne.json")["departements"]}
    geo = _read_json(name="departements.geojson")
    names = {feature["properties"]["code"]: feature["properties"]["nom"] for feature in geo["features"]}
    # The two files come from different sources: a mismatch would silently drop a département.
    if set(names) != set(academie_of):
        raise ValueError(f"departements.geojson and academies.json disagree on {sorted(set(names) ^ set(academie_of))}")
    return {
        code: DepartementReference(
            code=code, name=names[code], academie_code=academie_of[code], is_tne=code in tne_codes
        )
        for code in sorted(names)
    }


def _read_json(*, name: str) -> dict:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def territories_load() -> dict[str, int]:
    """Create or update the 30 académies and 101 départements; safe to run again.

    The reference files are authoritative: a name, an académie or a TNE flag
    changed by hand is set back to the reference value.
    Returns counts: academies, departements, tne, created, updated, unchanged.
    """
    counts = {"academies": 0, "departements": 0, "tne": 0, "created": 0, "updated": 0, "unchanged": 0}

    existing_academies = {academie.code: academie for academie in Academie.objects.all()}
    academies: dict[str, Academie] = {}
    for code, name in academies_reference().items():
        academies[code] = _upsert(
            model=Academie,
            existing=existing_academies.get(code),
            lookup={"code": code},
            values={"name": name},
            counts=counts,
        )
        counts["academies"] += 1

    existing_departements = {departement.code: departement for departement in Departement.objects.all()}
    for code, reference in departements_reference().items():
        _upsert(
            model=Departement,
            existing=existing_departements.get(code),
            lookup={"code": code},
            values={
                "name": reference.name,
                "academie_id": academies[reference.academie_code].pk,
                "is_tne": reference.is_tne,
            },
            counts=counts,
        )
        counts["departements"] += 1
        counts["tne"] += reference.is_tne
    return counts


def _upsert(*, model, existing, lookup: dict, values: dict, counts: dict[str, int]):
    # Compare before saving so that a second run reports (and writes) nothing.
    if existing is None:
        counts["created"] += 1
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(existing, field) != value]
    if changed:
        for field in changed:
            setattr(existing, field, values[field])
        existing.save(update_fields=[field.removesuffix("_id") for field in changed])
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return existing
