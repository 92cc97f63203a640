"""Loading the competency frameworks shipped with Relais (CRCN, CRCN Édu)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .alignment import competency_iri
from .models import Competency, Domain, Framework, Level

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED = {"crcn": ("crcn.json", "CRCN"), "crcn-edu": ("crcn-edu.json", "CRCN Édu")}


@dataclass
class FrameworkLoadReport:
    slug: str
    domains: int
    competencies: int
    levels: int
    created: int


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool]:
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created and any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save(update_fields=list(values))
    return obj, created


@transaction.atomic
def framework_load(*, slug: str, data: dict, short_name: str) -> FrameworkLoadReport:
    """Create or update one framework from its JSON description; idempotent."""
    created = 0
    framework, new = _upsert(
        Framework, {"slug": slug}, {"title": data["title"], "short_name": short_name, "notes": data.get("notes") or ""}
    )
    created += new
    n_competencies = 0
    for domain_data in data["domains"]:
        domain, new = _upsert(
            Domain,
            {"framework": framework, "code": domain_data["code"]},
            {"name": domain_data["name"], "description": domain_data.get("description") or ""},
        )
        created += new
        for item in domain_data["competencies"]:
            _, new = _upsert(
                Competency,
                {"framework": framework, "code": item["code"]},
                {
                    "domain": domain,
                    "name": item["name"],
                    "description": item.get("description") or "",
                    "lsu_code": item.get("lsu_code") or "",
                    "pix_label": item.get("pix_label") or "",
                    "iri": competency_iri(slug, item["code"]),
                },
            )
            created += new
            n_competencies += 1
    for level_data in data["levels"]:
        _, new = _upsert(
            Level,
            {"framework": framework, "number": level_data["level"]},
            {
                "label": level_data["label"],
                "group": level_data.get("group") or "",
                "description": level_data.get("description") or "",
            },
        )
        created += new
    return FrameworkLoadReport(slug, len(data["domains"]), n_competencies, len(data["levels"]), created)


def frameworks_load_shipped() -> list[FrameworkLoadReport]:
    """Load every framework shipped in frameworks/data/."""
    reports = []
    for slug, (filename, short_name) in SHIPPED.items():
        data = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
        reports.append(framework_load(slug=slug, data=data, short_name=short_name))
    return reports
