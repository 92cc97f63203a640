"""Build Annuaire de l'éducation CSV files for the import tests, from the real Val-de-Marne extract."""

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VAL_DE_MARNE = FIXTURES / "annuaire-education-094-ecoles.csv"
HEADER_2023 = FIXTURES / "annuaire-education-035-2023-header.csv"


def header_2026() -> list[str]:
    with VAL_DE_MARNE.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle, delimiter=";"))


def doisneau_row(**overrides: str) -> dict[str, str]:
    """The real row of 0940176F (Ecole élémentaire Robert Doisneau, Fresnes), with some columns replaced."""
    with VAL_DE_MARNE.open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle, delimiter=";"))
    unknown = set(overrides) - set(row)
    assert not unknown, f"not Annuaire columns: {unknown}"
    return {**row, **overrides}


def annuaire_text(*, rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or header_2026()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=";", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_annuaire(
    path: Path, *, rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8"
) -> Path:
    path.write_text(annuaire_text(rows=rows, header=header), encoding=encoding)
    return path
