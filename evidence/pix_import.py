"""Import of Pix and Pix+ Édu results, as Pix Orga exports them, into certified-result statements.

The export is `;`-separated with a BOM, one row per participant, and two columns
per competence: "Niveau pour la compétence <name>" and "Nombre de pix pour la
compétence <name>" ("NA" when the profile was not shared). Each level becomes an
xAPI statement (verb passed, category certifications/pix) stored through the
LRS like any other, so it feeds levels by the one path and survives a rebuild.
Statement ids are derived from the row, so importing the same file twice stores
nothing new.
"""

import csv
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from frameworks.alignment import certification_iri, statement_alignment
from frameworks.models import Competency, Framework
from xapi.models import Statement
from xapi.services import statements_store

from .trust import pix_authority

LEVEL_PREFIX = "niveau pour la competence "
PIX_PREFIX = "nombre de pix pour la competence "
PARIS = ZoneInfo("Europe/Paris")
PINS_PER_LEVEL = 8  # Pix counts 8 pix per level


class PixFileError(Exception):
    """The file cannot be imported at all; the message says why, for a person."""


@dataclass
class PixImportReport:
    rows: int = 0
    statements: int = 0
    new_statements: int = 0
    teachers: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    unmatched_columns: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", " ", text).strip()


def _read(path: Path) -> list[dict[str, str]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise PixFileError(_("Fichier illisible : %(e)s") % {"e": error.strerror or error}) from None
    if not raw.strip():
        raise PixFileError(_("Le fichier est vide."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PixFileError(_("Le fichier n'est pas en UTF-8 : exportez-le à nouveau depuis Pix Orga.")) from None
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if not reader.fieldnames or not any(_norm(h).startswith(LEVEL_PREFIX) for h in reader.fieldnames):
        raise PixFileError(
            _(
                "Ce fichier n'est pas un export de résultats Pix : aucune colonne « Niveau pour la compétence … » "
                "(séparateur attendu : point-virgule)."
            )
        )
    return list(reader)


def _competence_columns(headers: list[str], framework_slug: str, report: PixImportReport) -> dict[str, tuple]:
    """{level column: (pix column or None, Competency)} for the framework's competencies."""
    by_name: dict[str, Competency] = {}
    for competency in Competency.objects.filter(framework__slug=framework_slug).select_related("framework"):
        for label in (competency.name, competency.pix_label, f"{competency.code} {competency.name}"):
            if label:
                by_name[_norm(label)] = competency
    pix_columns = {_norm(h)[len(PIX_PREFIX) :]: h for h in headers if _norm(h).startswith(PIX_PREFIX)}
    columns = {}
    for header in headers:
        key = _norm(header)
        if not key.startswith(LEVEL_PREFIX):
            continue
        name = key[len(LEVEL_PREFIX) :]
        competency = by_name.get(name) or by_name.get(re.sub(r"^\d+\.\d+ ", "", name))
        if competency is None:
            report.unmatched_columns.append(header)
            continue
        columns[header] = (pix_columns.get(name), competency)
    return columns


def _id_column(headers: list[str], requested: str | None) -> str:
    if requested:
        if requested not in headers:
            raise PixFileError(_("Colonne d'identifiant « %(c)s » absente du fichier.") % {"c": requested})
        return requested
    for header in headers:
        if "mail" in _norm(header):
            return header
    raise PixFileError(
        _(
            "Aucune colonne d'adresse électronique pour reconnaître les enseignants : indiquez-la avec "
            "--id-column (l'identifiant demandé aux participants dans la campagne Pix Orga)."
        )
    )


def _sent_at(row: dict[str, str]) -> datetime | None:
    for header, value in row.items():
        if header and _norm(header).startswith("date") and "envoi" in _norm(header) and value:
            for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
                try:
                    return datetime.strptime(value.strip(), fmt).replace(tzinfo=PARIS)
                except ValueError:
                    continue
    return None


def pix_results_import(
    *, path: Path, framework_slug: str = Framework.CRCN, id_column: str | None = None, dry_run: bool = False
) -> PixImportReport:
    """Turn a Pix Orga results export into certified-result statements; see the module docstring."""
    report = PixImportReport()
    rows = _read(path)
    headers = list(rows[0].keys()) if rows else []
    columns = _competence_columns(headers, framework_slug, report)
    if not columns:
        raise PixFileError(
            _("Aucune compétence du référentiel « %(f)s » reconnue dans les colonnes du fichier.")
            % {"f": framework_slug}
        )
    identifier = _id_column(headers, id_column)
    emails = {_norm_email(r.get(identifier, "")) for r in rows}
    users = {u.email: u for u in get_user_model().objects.filter(email__in=emails - {""})}
    authority = pix_authority()
    statements = []
    teachers = set()
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        sent = (row.get("Envoi (O/N)") or "").strip().lower()
        if sent not in {"oui", "o"}:
            report.skipped.append((line, _("profil non partagé par le participant")))
            continue
        user = users.get(_norm_email(row.get(identifier, "")))
        if user is None:
            report.skipped.append(
                (line, _("aucun enseignant avec l'adresse « %(e)s »") % {"e": row.get(identifier, "")})
            )
            continue
        sent_at = _sent_at(row)
        if sent_at is None:
            report.warnings.append((line, _("date d'envoi absente ou illisible : date du jour retenue")))
        for level_column, (pix_column, competency) in columns.items():
            value = (row.get(level_column) or "").strip()
            if value in {"", "NA"}:
                continue
            if not value.isdigit():
                report.warnings.append(
                    (line, _("niveau illisible « %(v)s » (%(c)s)") % {"v": value, "c": competency.code})
                )
                continue
            level = int(value)
            pix = (row.get(pix_column) or "").strip() if pix_column else ""
            if level == 0:
                continue
            if pix.isdigit() and framework_slug == Framework.CRCN and int(pix) // PINS_PER_LEVEL != level:
                report.warnings.append(
                    (
                        line,
                        _("%(c)s : %(p)s pix ne font pas le niveau %(l)s")
                        % {"c": competency.code, "p": pix, "l": level},
                    )
                )
            statements.append(_statement(user, competency, level, pix, sent_at, row))
            teachers.add(user.pk)
    report.statements = len(statements)
    report.teachers = len(teachers)
    if statements and not dry_run:
        before = Statement.objects.count()
        for start in range(0, len(statements), 500):
            statements_store(data=statements[start : start + 500], authority=authority)
        report.new_statements = Statement.objects.count() - before
    return report


def _norm_email(value: str) -> str:
    return (value or "").strip().lower()


def _statement(user, competency: Competency, level: int, pix: str, sent_at: datetime | None, row) -> dict:
    context_activities, extensions = statement_alignment(competencies=[competency], level=level)
    certification = certification_iri("pix")
    context_activities.setdefault("category", []).append(
        {"id": certification, "objectType": "Activity", "definition": {"name": {"fr-FR": "Certification Pix"}}}
    )
    campaign = (row.get("ID Campagne") or "").strip()
    when = sent_at.isoformat() if sent_at else ""
    stable = f"{certification}|{campaign}|{user.xapi_uuid}|{competency.iri}|{level}|{pix}|{when}"
    result: dict = {"success": True, "completion": True, "extensions": extensions}
    if pix.isdigit():
        result["score"] = {
            "raw": int(pix),
            "min": 0,
            "max": max(int(pix), PINS_PER_LEVEL * competency.framework.max_level),
        }
    statement = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, stable)),
        "actor": user.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"fr-FR": "a obtenu"}},
        "object": {
            "objectType": "Activity",
            "id": f"{certification}/{competency.framework.slug}/{competency.code}",
            "definition": {"name": {"fr-FR": f"Pix — {competency.code} {competency.name}"}},
        },
        "result": result,
        "context": {"contextActivities": context_activities, "platform": "Pix"},
    }
    if sent_at:
        statement["timestamp"] = sent_at.isoformat()
    return statement
