"""The evaluators' export: a pseudonymised dataset, one row per teacher × module, with its dictionary.

Teachers are re-keyed for each export: HMAC-SHA256 of their pseudonym under a random key drawn for
that export and never stored, so that two exports cannot be joined on the person (nor to the LRS's
pseudonyms). Schools appear only by their type, département and TNE flag. Read from the derived
`Participation` table (`refresh.py`).
"""

import csv
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Participation, ResponseStat

KEY_BYTES = 32
CSV_ROWS = 500


@dataclass
class Dataset:
    headers: list[str]
    rows: list[list]
    dictionary: list[tuple[str, str, str]]  # (column, type, meaning)


def rekey(pseudonym: str, key: bytes) -> str:
    """The export's identifier of one person: 16 hex digits of HMAC-SHA256 under the export's key.

    `hmac.digest` (one call into OpenSSL) gives what `hmac.new(...).hexdigest()` gives, without
    building two hash objects per row: that was a third of a national course's export."""
    return hmac.digest(key, pseudonym.encode(), hashlib.sha256).hex()[:16]


def dataset_build(
    *, departement_ids: list[int] | None, course_id: int | None = None, key: bytes | None = None
) -> Dataset:
    """The rows for the teachers of these départements (all when None); `key` only for tests.

    Everything per row but the re-keyed person is in `Participation` (the refresh wrote it): one
    read of plain values, no model instance, no other table."""
    key = key or secrets.token_bytes(KEY_BYTES)
    participations = Participation.objects.order_by("module__course__title", "module__position", "user_id")
    if course_id is not None:
        participations = participations.filter(module__course_id=course_id)
    wanted = None if departement_ids is None else set(departement_ids)
    # The JSON columns come as their text and are read by orjson: Django's converter (json.loads
    # per value) cost a fifth of the export of a national course.
    texts = {name: Cast(name, TextField()) for name in ("levels_before", "levels_after", "answers", "places")}
    read = []
    for row in (
        participations.annotate(**{f"{name}_text": text for name, text in texts.items()})
        .values_list(
            "user__xapi_uuid",
            "module__course__title",
            "module__title",
            "started_on",
            "completed_on",
            "seconds",
            *(f"{name}_text" for name in texts),
        )
        .iterator(chunk_size=2000)
    ):
        values = (*row[:6], *(orjson.loads(text) for text in row[6:]))
        places = values[-1]
        where = sorted({(kind, code, tne) for kind, code, tne, dep_id in places if wanted is None or dep_id in wanted})
        if wanted is not None and not where:
            continue
        read.append((values[:-1], where))
    competencies = sorted({k for v, _w in read for k in (*v[6], *v[7])})
    questions = sorted({q for v, _w in read for q in v[8]})
    prompts = dict(ResponseStat.objects.filter(question_iri__in=questions).values_list("question_iri", "question"))
    headers = [
        "personne",
        "parcours",
        "module",
        "type_etablissement",
        "departement",
        "tne",
        "commence_le",
        "termine_le",
        "temps_minutes",
        *[f"niveau_avant_{c}" for c in competencies],
        *[f"niveau_apres_{c}" for c in competencies],
        *[f"reponse_{i + 1}" for i in range(len(questions))],
    ]
    rows = []
    keys: dict[str, str] = {}  # a person has a row per module: re-keyed once
    for (uuid, course, module, started_on, completed_on, seconds, before, after, answers), where in read:
        rows.append(
            [
                keys.get(uuid) or keys.setdefault(uuid, rekey(str(uuid), key)),
                course,
                module,
                "|".join(sorted({kind for kind, _code, _tne in where})),
                "|".join(sorted({code for _kind, code, _tne in where})),
                int(any(tne for _kind, _code, tne in where)) if where else "",
                started_on.isoformat() if started_on else "",
                completed_on.isoformat() if completed_on else "",
                round(seconds / 60, 1) if seconds else "",
                *[before.get(c, "") for c in competencies],
                *[after.get(c, "") for c in competencies],
                *[answers.get(q, "") for q in questions],
            ]
        )
    dictionary = [
        ("personne", "texte", _personne()),
        ("parcours", "texte", _("Titre du parcours.")),
        ("module", "texte", _("Titre du module.")),
        ("type_etablissement", "texte", _("Types des établissements où la personne enseigne, séparés par |.")),
        ("departement", "texte", _("Codes des départements de ces établissements, séparés par |.")),
        ("tne", "0/1", _("1 si l'un de ces départements est un territoire numérique éducatif.")),
        ("commence_le", "date", _("Jour de la première déclaration de la personne dans le module (UTC).")),
        ("termine_le", "date", _("Jour où le module a été terminé ; vide s'il ne l'est pas.")),
        ("temps_minutes", "nombre", _("Temps déclaré par les activités (result.duration), en minutes.")),
    ]
    for c in competencies:
        meaning = _("Niveau en %(c)s (visée par le parcours) la veille du début ; 0 : aucun niveau attesté.")
        dictionary.append((f"niveau_avant_{c}", "entier", meaning % {"c": c}))
    for c in competencies:
        meaning = _("Niveau en %(c)s trois mois après la fin du module ; vide si pas terminé ou pas encore venu.")
        dictionary.append((f"niveau_apres_{c}", "entier", meaning % {"c": c}))
    for i, q in enumerate(questions):
        meaning = _("Réponse la plus récente à « %(prompt)s » (%(iri)s) ; plusieurs valeurs séparées par |.")
        dictionary.append((f"reponse_{i + 1}", "texte", meaning % {"prompt": prompts.get(q, q), "iri": q}))
    return Dataset(headers, rows, dictionary)


def _personne() -> str:
    return _(
        "Identifiant de la personne propre à cet export (HMAC-SHA256 sous une clé tirée au hasard pour "
        "l'export et jamais conservée) : deux exports ne peuvent pas être recoupés."
    )


def dataset_csv(dataset: Dataset) -> Iterator[bytes]:
    """The CSV in pieces of `CSV_ROWS` rows, for a streamed response."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(dataset.headers)
    for start in range(0, len(dataset.rows), CSV_ROWS):
        writer.writerows(dataset.rows[start : start + CSV_ROWS])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


def dictionary_csv(dataset: Dataset) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("colonne"), _("type"), _("signification")])
    writer.writerows(dataset.dictionary)
    return out.getvalue().encode()


def dictionary_markdown(dataset: Dataset) -> bytes:
    lines = [
        f"# {_('Dictionnaire des données')}",
        "",
        f"| {_('colonne')} | {_('type')} | {_('signification')} |",
        "| --- | --- | --- |",
    ]
    for column, kind, meaning in dataset.dictionary:
        escaped = meaning.replace("|", "\\|")
        lines.append(f"| `{column}` | {kind} | {escaped} |")
    return ("\n".join(lines) + "\n").encode()


def _bold(sheet, values) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def dataset_xlsx(dataset: Dataset) -> bytes:
    # Write-only workbook: rows streamed to the file, not a cell object per value held until the save.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("donnees")[:31])
    sheet.freeze_panes = "B2"
    sheet.append(_bold(sheet, dataset.headers))
    for row in dataset.rows:
        sheet.append(row)
    dictionary = workbook.create_sheet(_("dictionnaire")[:31])
    dictionary.column_dimensions["A"].width = 28  # column styles before the first row (write-only)
    dictionary.column_dimensions["C"].width = 100
    dictionary.append(_bold(dictionary, [_("colonne"), _("type"), _("signification")]))
    for entry in dataset.dictionary:
        dictionary.append(list(entry))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
