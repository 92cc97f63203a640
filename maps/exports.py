"""CSV and XLSX of the tables the dashboards show, with the same hidden cells.

The XLSX is made for people who sort and filter it: a frozen header, widths fitted to the content,
numbers as numbers, hidden and non-evaluated cells left empty (with a fill) rather than text in a
numeric column, and a "Légende" sheet stating the filters, the date, the minimum group size and the
sources.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .pilotage import Table, not_evaluated

HIDDEN_FILL = PatternFill("solid", fgColor="BBBBBB")  # the maps' grey for a hidden small group
NOT_EVALUATED_FILL = PatternFill("gray125", fgColor="929292")  # hatched: nobody evaluated
WIDTH_MIN, WIDTH_MAX = 8, 50


def _cell(value, hidden_label: str):
    return hidden_label if value is None else value


def table_csv(table: Table, *, hidden_label: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet software reads UTF-8 with a BOM
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_cell(v, hidden_label) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.key}.csv"'
    return response


def _widths(table: Table) -> list[int]:
    """Each column's width in characters: its longest header word or value, within bounds."""
    widths = []
    for index, header in enumerate(table.headers):
        longest = max([len(word) for word in header.split()] + [min(len(header), 24)])
        for row in table.rows[:500]:  # enough to size a column; a national table need not be read twice
            value = row[index] if index < len(row) else None
            if value is not None:
                longest = max(longest, len(f"{value:.2f}" if isinstance(value, float) else str(value)))
        widths.append(max(WIDTH_MIN, min(WIDTH_MAX, longest + 2)))
    return widths


def _frozen(table: Table) -> str:
    """Below the header, right of the columns that name the row (a code and a name, or one label)."""
    return "C2" if len(table.headers) > 2 and table.headers[0] in (_("UAI"), _("Code")) else "B2"


def table_xlsx(table: Table, *, min_size: int, legend: list[tuple[str, str]] | None = None) -> HttpResponse:
    # Write-only workbook: streamed rows, several times faster than the default mode for the same file.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.key[:31])
    sheet.freeze_panes = _frozen(table)
    for index, width in enumerate(_widths(table)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    header = []
    for value in table.headers:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    not_evaluated_label = not_evaluated()
    for row in table.rows:
        cells = []
        for value in row:
            if value is None:
                cell = WriteOnlyCell(sheet, value=None)
                cell.fill = HIDDEN_FILL
            elif value == not_evaluated_label:
                cell = WriteOnlyCell(sheet, value=None)
                cell.fill = NOT_EVALUATED_FILL
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    _legend_sheet(workbook, table, min_size=min_size, legend=legend or [])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{table.key}.xlsx"'
    return response


def _legend_sheet(workbook, table: Table, *, min_size: int, legend: list[tuple[str, str]]) -> None:
    sheet = workbook.create_sheet(_("Légende")[:31])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    title = WriteOnlyCell(sheet, value=table.title)
    title.font = Font(bold=True)
    sheet.append([title])
    sheet.append([])
    now = timezone.localtime()
    rows = [
        (_("Tableau"), table.title),
        (_("Extrait le"), formats.date_format(now, "DATETIME_FORMAT")),
        *legend,
        (_("Taille minimale d'un groupe"), min_size),
        (_("Sources"), _sources()),
    ]
    if table.note:
        rows.append((_("Note"), table.note))
    for label, value in rows:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        sheet.append([cell, value])
    sheet.append([])
    hidden = WriteOnlyCell(sheet, value=None)
    hidden.fill = HIDDEN_FILL
    sheet.append(
        [hidden, _("Cellule grise vide : moins de %(n)s enseignants (ou évalués), valeur masquée.") % {"n": min_size}]
    )
    hatched = WriteOnlyCell(sheet, value=None)
    hatched.fill = NOT_EVALUATED_FILL
    sheet.append([hatched, _("Cellule hachurée vide : non évalué (aucun enseignant n'a de niveau).")])


def _sources() -> str:
    return _(
        "Relais : niveaux de compétences dérivés des déclarations xAPI reçues par le LRS, modules terminés, "
        "présences aux sessions et propositions d'ambassadeurs ; tableaux agrégés du site, identiques à la page."
    )


def table_export(table: Table, fmt: str, *, min_size: int, legend: list[tuple[str, str]] | None = None) -> HttpResponse:
    hidden_label = _("moins de %(n)s") % {"n": min_size}
    if fmt == "xlsx":
        return table_xlsx(table, min_size=min_size, legend=legend)
    return table_csv(table, hidden_label=hidden_label)
