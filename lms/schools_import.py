"""Import schools from the official *Annuaire de l'éducation* CSV export.

The file (data.education.gouv.fr, dataset `fr-en-annuaire-education`) is
`;`-separated UTF-8 with one row per UAI. The national file has ~65,000 rows:
it is streamed and written in chunks (one SELECT, one bulk INSERT and one bulk
UPDATE per chunk), inside one transaction so that a file that turns out to be
broken half-way leaves the database as it was.
"""

import codecs
import csv
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TextIO

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .circonscription_codes import CirconscriptionCodes, code_is_derived
from .models import Departement, School, uai_is_valid
from .territories import departements_reference, territories_load

CHUNK_SIZE = 2000

# Columns without which a row cannot become a School (official 2026 spelling).
REQUIRED_COLUMNS = (
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Code_departement",
)
# School fields and the columns they are read from. A field whose columns are
# all absent from the file (e.g. code_circonscription in the 2023 export) is
# left untouched on existing schools rather than blanked.
FIELD_COLUMNS = {
    "commune_code": ("Code_commune",),
    "commune": ("Nom_commune",),
    "latitude": ("latitude", "position"),
    "longitude": ("longitude", "position"),
    "circonscription_code": ("code_circonscription",),
    "circonscription": ("nom_circonscription",),
    "bassin_code": ("code_bassin_formation",),
    "bassin": ("libelle_bassin_formation",),
    "is_open": ("etat",),
}
ALWAYS_WRITTEN = ("name", "kind", "sector", "departement_id")
MAX_LENGTHS = {
    name: School._meta.get_field(name).max_length
    for name in ("name", "commune_code", "commune", "circonscription_code", "circonscription", "bassin_code", "bassin")
}

# Types that are not places where teachers teach: CIO (psychologues de
# l'Éducation nationale) and administrative offices (rectorats, DSDEN).
NON_SCHOOL_TYPES = {"INFORMATION ET ORIENTATION", "SERVICE ADMINISTRATIF"}
# "A FERMER" is still open until the closing date; "A OUVRIR" is not open yet.
OPEN_STATES = {"OUVERT", "A FERMER"}
# Corsican UAIs and some exports use 620 / 720 for Corse-du-Sud / Haute-Corse.
CORSICA_CODES = {"620": "2A", "02A": "2A", "720": "2B", "02B": "2B"}


class SkipReason(models.TextChoices):
    MALFORMED_ROW = "malformed_row", gettext_lazy("ligne mal formée")
    INVALID_UAI = "invalid_uai", gettext_lazy("code UAI invalide")
    DUPLICATE_UAI = "duplicate_uai", gettext_lazy("UAI en double dans le fichier")
    MISSING_NAME = "missing_name", gettext_lazy("nom de l'établissement manquant")
    MISSING_TYPE = "missing_type", gettext_lazy("type d'établissement manquant")
    NOT_A_SCHOOL = "not_a_school", gettext_lazy("pas un lieu d'enseignement (CIO, service administratif)")
    UNKNOWN_SECTOR = "unknown_sector", gettext_lazy("statut public/privé inconnu")
    UNKNOWN_DEPARTEMENT = "unknown_departement", gettext_lazy("département inconnu")


class WarningReason(models.TextChoices):
    BAD_COORDINATES = "bad_coordinates", gettext_lazy("coordonnées invalides : établissement importé sans position")
    VALUE_TOO_LONG = "value_too_long", gettext_lazy("valeur trop longue")


class RowIssue(NamedTuple):
    line: int
    uai: str
    reason: str  # a SkipReason or WarningReason value
    detail: str = ""

    @property
    def label(self) -> str:
        choices = SkipReason if self.reason in SkipReason.values else WarningReason
        return str(choices(self.reason).label)


@dataclass
class SchoolsImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows outside the départements asked for: neither imported nor errors.
    ignored: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    # Rows imported with a value dropped (e.g. coordinates out of range).
    warnings: list[RowIssue] = field(default_factory=list)
    # Optional columns the file lacks: their fields were left untouched.
    absent_columns: list[str] = field(default_factory=list)
    # Schools whose circonscription code was derived from its name (a file without code_circonscription).
    circonscription_codes_derived: int = 0
    dry_run: bool = False


class SchoolsFileError(Exception):
    """The file cannot be imported at all; the message is for the person running the import."""


def departement_code_normalize(*, raw: str) -> str:
    """The INSEE code of a département as Relais stores it: '094' → '94', '02A'/'620' → '2A', '971' → '971'."""
    code = raw.strip().upper()
    if code in CORSICA_CODES:
        return CORSICA_CODES[code]
    if len(code) == 3 and code.startswith("0"):
        return code[1:]
    if len(code) == 1 and code.isdigit():
        # Spreadsheets drop leading zeros: 1 → 01.
        return "0" + code
    return code


def schools_import(
    *,
    path: str | Path,
    departements: Iterable[str] | None = None,
    dry_run: bool = False,
    chunk_size: int = CHUNK_SIZE,
    expected_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SchoolsImportReport:
    """Create or update the schools of an Annuaire de l'éducation CSV, by UAI.

    `departements` limits the import to these codes (any spelling: 94, 094, 2A).
    With `dry_run`, everything is computed and then rolled back.
    `expected_rows`: the number of rows the export announced; any other count means a truncated file.
    Raises SchoolsFileError when the file as a whole cannot be read, or looks truncated: then nothing
    is imported. ``progress`` is called with the number of rows read so far (lms.progress).
    """
    wanted = _wanted_departements(codes=departements)
    report = SchoolsImportReport(dry_run=dry_run)
    with _open_annuaire(path=Path(path)) as handle:
        reader = csv.DictReader(handle, delimiter=";")
        columns = _check_columns(header=reader.fieldnames or [])
        reader.fieldnames = [columns.get(_column_key(name), name) for name in reader.fieldnames]
        written = list(ALWAYS_WRITTEN)
        for school_field, sources in FIELD_COLUMNS.items():
            if any(source in columns.values() for source in sources):
                written.append(school_field)
            else:
                report.absent_columns.extend(source for source in sources if source not in report.absent_columns)
        circonscriptions = None
        if "circonscription_code" not in written and "circonscription" in written:
            # The 2023 export names circonscriptions without their code: derive one from the name, so
            # that its schools still take part in the drill-down and in "covered through the circonscription".
            written.append("circonscription_code")
            report.absent_columns.remove("code_circonscription")
            circonscriptions = CirconscriptionCodes()
        with transaction.atomic():
            _import_rows(
                reader=reader,
                written=written,
                wanted=wanted,
                report=report,
                chunk_size=chunk_size,
                circonscriptions=circonscriptions,
                progress=progress,
            )
            # Raised inside the transaction: a truncated file leaves the database as it was.
            if expected_rows is not None and report.rows != expected_rows:
                raise SchoolsFileError(
                    _(
                        "Le fichier compte %(rows)d lignes d'établissements au lieu des %(expected)d annoncées : "
                        "il semble tronqué. Rien n'a été importé ; téléchargez-le de nouveau."
                    )
                    % {"rows": report.rows, "expected": expected_rows}
                )
            if dry_run:
                transaction.set_rollback(True)
    return report


def rows_estimate(*, path: str | Path) -> int | None:
    """About how many schools the file holds (its lines but the header), for a progress estimate."""
    try:
        with Path(path).open("rb") as raw:
            lines = sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b""))
    except OSError:
        return None
    return max(lines - 1, 0) or None


def _wanted_departements(*, codes: Iterable[str] | None) -> set[str] | None:
    if not codes:
        return None
    wanted = {departement_code_normalize(raw=code) for code in codes}
    unknown = sorted(wanted - set(departements_reference()))
    if unknown:
        raise SchoolsFileError(_("Département(s) inconnu(s) : %(codes)s.") % {"codes": ", ".join(unknown)})
    return wanted


@contextmanager
def _open_annuaire(*, path: Path) -> Iterator[TextIO]:
    """Open the file as UTF-8 text after checking, on its first bytes, that it can be a CSV export."""
    if not path.exists():
        raise SchoolsFileError(_("Fichier introuvable : %(path)s") % {"path": path})
    if not path.is_file():
        raise SchoolsFileError(_("%(path)s n'est pas un fichier.") % {"path": path})
    try:
        with path.open("rb") as raw:
            sample = raw.read(64 * 1024)
    except OSError as error:
        raise SchoolsFileError(
            _("Impossible de lire %(path)s : %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    _check_sample(sample=sample, path=path)
    _check_complete(path=path)
    # utf-8-sig drops the BOM some exports (and Excel) put first.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield handle


def _check_sample(*, sample: bytes, path: Path) -> None:
    if not sample.strip():
        raise SchoolsFileError(_("Le fichier %(path)s est vide.") % {"path": path})
    if sample.startswith(b"PK\x03\x04"):
        raise SchoolsFileError(
            _(
                "%(path)s est une archive ZIP ou un classeur Excel, pas un CSV : "
                "exportez l'Annuaire de l'éducation au format CSV (séparateur « ; »)."
            )
            % {"path": path}
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SchoolsFileError(_("%(path)s est encodé en UTF-16 : enregistrez-le en UTF-8.") % {"path": path})
    if b"\x00" in sample:
        raise SchoolsFileError(_("%(path)s est un fichier binaire, pas un CSV.") % {"path": path})
    try:
        # Not final: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError as error:
        raise SchoolsFileError(
            _(
                "%(path)s n'est pas encodé en UTF-8 (probablement Latin-1 / Windows-1252, "
                "octet %(position)d) : enregistrez-le en UTF-8."
            )
            % {"path": path, "position": error.start}
        ) from error


def _check_complete(*, path: Path) -> None:
    """Every export line ends with a line break: a file that does not was cut in the middle of a row."""
    with path.open("rb") as raw:
        raw.seek(-1, 2)
        last = raw.read(1)
    if last not in (b"\n", b"\r"):
        raise SchoolsFileError(
            _(
                "%(path)s se termine au milieu d'une ligne : le fichier semble tronqué (téléchargement "
                "interrompu ?). Rien n'a été importé ; téléchargez-le de nouveau."
            )
            % {"path": path}
        )


def _column_key(name: str) -> str:
    # '\ufeffCode postal', 'Code_postal' and 'code_postal' are the same column.
    folded = _fold(name.replace("\ufeff", ""))
    return "_".join("".join(char if char.isalnum() else " " for char in folded).split()).lower()


def _check_columns(*, header: list[str]) -> dict[str, str]:
    """Map the file's normalised column names to the official ones; raise if a required column is missing."""
    if len(header) <= 1:
        line = header[0] if header else ""
        for separator, label in ((",", "« , »"), ("\t", _("tabulation")), ("|", "« | »")):
            if separator in line:
                raise SchoolsFileError(
                    _("Séparateur incorrect : ce fichier utilise %(found)s, l'Annuaire de l'éducation utilise « ; ».")
                    % {"found": label}
                )
        raise SchoolsFileError(
            _(
                "Ce fichier n'est pas un export CSV de l'Annuaire de l'éducation "
                "(une seule colonne, séparateur « ; » attendu)."
            )
        )
    known = {_column_key(name): name for name in (*REQUIRED_COLUMNS, *_optional_columns())}
    present = {_column_key(name) for name in header}
    missing = [name for name in REQUIRED_COLUMNS if _column_key(name) not in present]
    if missing:
        raise SchoolsFileError(
            _("Colonnes manquantes dans le fichier : %(columns)s. Est-ce bien un export de l'Annuaire de l'éducation ?")
            % {"columns": ", ".join(missing)}
        )
    return {key: name for key, name in known.items() if key in present}


def _optional_columns() -> list[str]:
    sources = [source for sources in FIELD_COLUMNS.values() for source in sources]
    return [*dict.fromkeys(sources), "libelle_nature", "Voie_generale", "Voie_technologique", "Voie_professionnelle"]


def _import_rows(
    *,
    reader: csv.DictReader,
    written: list[str],
    wanted: set[str] | None,
    report: SchoolsImportReport,
    chunk_size: int,
    circonscriptions: CirconscriptionCodes | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    departement_ids = dict(Departement.objects.values_list("code", "id"))
    territories_loaded = False
    seen: dict[str, int] = {}
    chunk: list[dict] = []
    last_row_short: RowIssue | None = None
    for line, row in _rows(reader=reader):
        report.rows += 1
        if progress is not None:
            progress(report.rows)
        values, issue = _school_values(row=row, line=line)
        # A row with too few fields is skipped; as the file's last row, it is where a download stopped.
        last_row_short = issue if issue and None in row.values() else None
        if issue:
            report.skipped.append(issue)
            continue
        code = values.pop("departement_code")
        if wanted is not None and code not in wanted:
            report.ignored += 1
            continue
        if code not in departement_ids and code in departements_reference() and not territories_loaded:
            # A fresh database: create the 101 départements once, from the shipped reference data.
            territories_load()
            territories_loaded = True
            departement_ids = dict(Departement.objects.values_list("code", "id"))
        if code not in departement_ids:
            report.skipped.append(RowIssue(line, values["uai"], SkipReason.UNKNOWN_DEPARTEMENT, code))
            continue
        if values["uai"] in seen:
            detail = _("déjà vu ligne %(line)d") % {"line": seen[values["uai"]]}
            report.skipped.append(RowIssue(line, values["uai"], SkipReason.DUPLICATE_UAI, detail))
            continue
        seen[values["uai"]] = line
        values["departement_id"] = departement_ids[code]
        report.warnings.extend(values.pop("warnings"))
        if circonscriptions is not None and values["circonscription"]:
            values["circonscription_code"] = circonscriptions.code(
                departement_id=values["departement_id"], departement_code=code, name=values["circonscription"]
            )
            report.circonscription_codes_derived += 1
        chunk.append(values)
        if len(chunk) >= chunk_size:
            _write_chunk(chunk=chunk, written=written, report=report)
            chunk = []
    if last_row_short is not None:
        raise SchoolsFileError(
            _(
                "La dernière ligne (%(line)d) n'a que %(detail)s : le fichier semble tronqué "
                "(téléchargement interrompu ?). Rien n'a été importé ; téléchargez-le de nouveau."
            )
            % {"line": last_row_short.line, "detail": last_row_short.detail}
        )
    if chunk:
        _write_chunk(chunk=chunk, written=written, report=report)


def _rows(*, reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError as error:
        raise SchoolsFileError(
            _("Le fichier n'est pas entièrement en UTF-8 (après la ligne %(line)d) : enregistrez-le en UTF-8.")
            % {"line": reader.line_num}
        ) from error
    except csv.Error as error:
        raise SchoolsFileError(
            _("CSV illisible ligne %(line)d : %(error)s") % {"line": reader.line_num, "error": error}
        ) from error


def _school_values(*, row: dict, line: int) -> tuple[dict, RowIssue | None]:
    """The School field values of one row, or the reason it is skipped."""
    uai = (row.get("Identifiant_de_l_etablissement") or "").strip().upper()
    # DictReader puts surplus fields under the key None and fills missing ones with None.
    expected = len(row) - (None in row)
    if None in row:
        detail = _("%(count)d champs au lieu de %(expected)d") % {
            "count": expected + len(row[None]),
            "expected": expected,
        }
        return {}, RowIssue(line, uai, SkipReason.MALFORMED_ROW, detail)
    if None in row.values():
        count = sum(value is not None for value in row.values())
        detail = _("%(count)d champs au lieu de %(expected)d") % {"count": count, "expected": expected}
        return {}, RowIssue(line, uai, SkipReason.MALFORMED_ROW, detail)
    if not uai_is_valid(uai):
        return {}, RowIssue(line, uai, SkipReason.INVALID_UAI, _uai_problem(uai=uai))
    warnings: list[RowIssue] = []
    name = _text(value=row["Nom_etablissement"], school_field="name", line=line, uai=uai, warnings=warnings)
    if not name:
        return {}, RowIssue(line, uai, SkipReason.MISSING_NAME)
    kind = _kind(row=row)
    if isinstance(kind, RowIssue):
        return {}, kind._replace(line=line, uai=uai)
    sector = _fold(row["Statut_public_prive"])
    if sector == "PUBLIC":
        sector = School.Sector.PUBLIC
    elif sector.startswith("PRIVE"):
        sector = School.Sector.PRIVATE
    else:
        return {}, RowIssue(line, uai, SkipReason.UNKNOWN_SECTOR, row["Statut_public_prive"].strip())
    # The UAI's first three characters are the département: a fallback for a blank column.
    code = departement_code_normalize(raw=row["Code_departement"] or uai[:3])

    values = {"uai": uai, "name": name, "kind": kind, "sector": sector, "departement_code": code, "warnings": warnings}
    for school_field, column in (
        ("commune_code", "Code_commune"),
        ("commune", "Nom_commune"),
        ("circonscription_code", "code_circonscription"),
        ("circonscription", "nom_circonscription"),
        ("bassin_code", "code_bassin_formation"),
        ("bassin", "libelle_bassin_formation"),
    ):
        values[school_field] = _text(
            value=row.get(column), school_field=school_field, line=line, uai=uai, warnings=warnings
        )
    try:
        values["latitude"], values["longitude"] = _coordinates(row=row)
    except ValueError:
        # A school without a position is still a school: keep it, off the map.
        given = f"{row.get('latitude') or ''}, {row.get('longitude') or ''}".strip(", ") or row.get("position") or ""
        warnings.append(RowIssue(line, uai, WarningReason.BAD_COORDINATES, given.strip()))
        values["latitude"] = values["longitude"] = None
    state = _fold(row.get("etat") or "")
    values["is_open"] = not state or state in OPEN_STATES
    return values, None


def _uai_problem(*, uai: str) -> str:
    if not uai:
        return _("UAI vide")
    if len(uai) == 8 and uai[:7].isdigit() and uai[7].isalpha():
        return _("%(uai)s : lettre de contrôle incorrecte") % {"uai": uai}
    return _("%(uai)s : 7 chiffres et une lettre attendus") % {"uai": uai}


def _kind(*, row: dict) -> str | RowIssue:
    kind = _fold(row["Type_etablissement"])
    if not kind:
        return RowIssue(0, "", SkipReason.MISSING_TYPE)
    if kind in NON_SCHOOL_TYPES:
        return RowIssue(0, "", SkipReason.NOT_A_SCHOOL, row["Type_etablissement"].strip())
    if kind == "ECOLE":
        return School.Kind.ECOLE
    if kind == "COLLEGE":
        return School.Kind.COLLEGE
    if kind == "LYCEE":
        nature = _fold(row.get("libelle_nature") or "")
        general, techno, professional = (
            (row.get(column) or "").strip() == "1"
            for column in ("Voie_generale", "Voie_technologique", "Voie_professionnelle")
        )
        # Lycée professionnel, section d'enseignement professionnel, lycée professionnel agricole.
        if "PROFESSIONNEL" in nature or (professional and not general and not techno):
            return School.Kind.LP
        return School.Kind.LYCEE
    # EREA, établissements médico-sociaux and the like: teachers work there too.
    return School.Kind.OTHER


def _coordinates(*, row: dict) -> tuple[float | None, float | None]:
    """(latitude, longitude), (None, None) when absent; ValueError when present but unusable."""
    latitude, longitude = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
    if not latitude and not longitude:
        # 'position' holds "lat, lon" and is sometimes the only one filled.
        position = (row.get("position") or "").strip()
        if not position:
            return None, None
        latitude, _separator, longitude = position.partition(", ")
    lat, lon = _decimal(value=latitude), _decimal(value=longitude)
    # (0, 0) is in the Gulf of Guinea: a default value, not a school.
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise ValueError(f"{latitude}, {longitude}")
    return lat, lon


def _decimal(*, value: str) -> float:
    if "," in value and "." not in value:
        # A spreadsheet in a French locale writes 48,75.
        value = value.replace(",", ".")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _text(*, value: str | None, school_field: str, line: int, uai: str, warnings: list[RowIssue]) -> str:
    text = " ".join((value or "").split())
    max_length = MAX_LENGTHS[school_field]
    if len(text) > max_length:
        warnings.append(RowIssue(line, uai, WarningReason.VALUE_TOO_LONG, f"{school_field}: {text}"))
        # A truncated code would point at another circonscription or commune: drop it; keep the start of a name.
        text = text[:max_length] if not school_field.endswith("_code") else ""
    return text


@lru_cache(maxsize=4096)
def _fold(value: str) -> str:
    """Upper case without accents: 'Collège' and 'COLLEGE' compare equal."""
    decomposed = unicodedata.normalize("NFKD", value.strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def _write_chunk(*, chunk: list[dict], written: list[str], report: SchoolsImportReport) -> None:
    # Plain tuples, not model instances: on a re-import almost every row is unchanged.
    stored = {
        row[0]: row[1:]
        for row in School.objects.filter(uai__in=[values["uai"] for values in chunk]).values_list("uai", "pk", *written)
    }
    to_create: list[School] = []
    to_update: list[School] = []
    # A file without code_circonscription never replaces a real code with a derived one.
    code_at = 1 + written.index("circonscription_code") if "circonscription_code" in written else None
    for values in chunk:
        row = stored.get(values["uai"])
        keeps_real_code = (
            row is not None
            and code_at is not None
            and code_is_derived(values["circonscription_code"])
            and row[code_at]
            and not code_is_derived(row[code_at])
        )
        if keeps_real_code:
            values["circonscription_code"] = row[code_at]
        if row is None:
            to_create.append(School(uai=values["uai"], **{name: values[name] for name in written}))
        elif tuple(values[name] for name in written) != row[1:]:
            to_update.append(School(pk=row[0], uai=values["uai"], **{name: values[name] for name in written}))
        else:
            report.unchanged += 1
    if to_create:
        School.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        School.objects.bulk_update(to_update, fields=[name.removesuffix("_id") for name in written], batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)
