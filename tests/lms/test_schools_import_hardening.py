"""Truncated files import nothing; 2023 files (no code_circonscription) still group schools by circonscription."""

import csv

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ambassadors.models import AmbassadorProposal
from lms.models import Departement, School
from lms.schools_import import SchoolsFileError, schools_import
from lms.scope import area_resolve, children
from maps.coverage import ambassador_coverage
from maps.models import SchoolStat
from maps.stats import stats_refresh
from tests.conftest import make_user
from tests.lms.annuaire import HEADER_2023, VAL_DE_MARNE
from tests.lms.factories import SchoolFactory, uai_make

pytestmark = pytest.mark.django_db

BRUZ = "Circonscription d'inspection du 1er degré de Bruz"


def val_de_marne_lines() -> list[str]:
    return VAL_DE_MARNE.read_text(encoding="utf-8").splitlines(keepends=True)


def write(tmp_path, text: str):
    path = tmp_path / "annuaire.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- Truncated files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda line: line[: len(line) // 2], id="in the middle of a row"),
        # The last field cut short: the row still has all its fields, only the line break is missing.
        pytest.param(lambda line: line[:-3], id="in the last field"),
        pytest.param(lambda line: line.rstrip("\n"), id="just before the line break"),
    ],
)
def test_a_file_cut_inside_a_row_imports_nothing_and_says_so(tmp_path, cut):
    lines = val_de_marne_lines()[:101]
    path = write(tmp_path, "".join(lines[:-1]) + cut(lines[-1]))

    with pytest.raises(SchoolsFileError, match=r"se termine au milieu d'une ligne.*Rien n'a été importé"):
        schools_import(path=path, chunk_size=10)
    assert not School.objects.exists()


def test_a_short_last_row_is_a_cut_even_with_a_line_break(tmp_path):
    """A cut row that something ended with a line break: too few fields on the last line."""
    lines = val_de_marne_lines()[:101]
    path = write(tmp_path, "".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2] + "\n")

    # Chunks of 10: rows were written before the last one was read, and are rolled back.
    with pytest.raises(SchoolsFileError, match=r"dernière ligne \(101\).*tronqué.*Rien n'a été importé"):
        schools_import(path=path, chunk_size=10)
    assert not School.objects.exists()


def test_a_short_row_in_the_middle_is_only_skipped(tmp_path):
    lines = val_de_marne_lines()[:101]
    lines[50] = lines[50][: len(lines[50]) // 2] + "\n"

    report = schools_import(path=write(tmp_path, "".join(lines)))

    assert report.created == 99 and [issue.line for issue in report.skipped] == [51]


def test_a_file_cut_on_a_line_boundary_is_caught_by_the_announced_row_count(tmp_path):
    path = write(tmp_path, "".join(val_de_marne_lines()[:401]))  # 400 of the 613 écoles

    with pytest.raises(SchoolsFileError, match="400 lignes d'établissements au lieu des 613 annoncées"):
        schools_import(path=path, expected_rows=613, chunk_size=50)
    assert not School.objects.exists()
    assert schools_import(path=VAL_DE_MARNE, expected_rows=613).created == 613


def test_a_truncated_file_leaves_the_schools_already_there_as_they_were(tmp_path):
    schools_import(path=VAL_DE_MARNE)
    before = list(School.objects.order_by("uai").values_list("uai", "name", "circonscription_code"))
    lines = val_de_marne_lines()
    renamed = [lines[0]] + [line.replace(";Ecole ", ";École renommée ", 1) for line in lines[1:300]]

    with pytest.raises(SchoolsFileError):
        schools_import(path=write(tmp_path, "".join(renamed)), expected_rows=613, chunk_size=50)
    assert list(School.objects.order_by("uai").values_list("uai", "name", "circonscription_code")) == before


def test_the_command_refuses_a_truncated_file_and_says_nothing_was_imported(tmp_path, capsys):
    path = write(tmp_path, "".join(val_de_marne_lines()[:401]))
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command("import_schools", str(path), "--lignes", "613")
    assert not School.objects.exists()
    call_command("import_schools", str(path), "--lignes", "400")
    assert "400 créés" in capsys.readouterr().out


# --- The 2023 header: circonscriptions without codes -----------------------------------------


def rows_2023() -> tuple[list[str], list[dict]]:
    with HEADER_2023.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return reader.fieldnames, list(reader)


def write_2023(tmp_path, rows: list[dict], header: list[str]):
    path = tmp_path / "annuaire-2023.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def two_more_in_bruz(tmp_path):
    """The 2023 extract, plus two écoles of the Bruz circonscription (one spelled without its accent)."""
    header, rows = rows_2023()
    bruz = next(row for row in rows if row["nom_circonscription"] == BRUZ)
    extra = [
        {
            **bruz,
            "Identifiant_de_l_etablissement": uai_make(departement_code="35", number=9001),
            "Nom_etablissement": "Ecole A",
        },
        {
            **bruz,
            "Identifiant_de_l_etablissement": uai_make(departement_code="35", number=9002),
            "Nom_etablissement": "Ecole B",
            "nom_circonscription": "Circonscription d'inspection  du 1er degre de Bruz",
        },
    ]
    return write_2023(tmp_path, rows + extra, header), [row["Identifiant_de_l_etablissement"] for row in extra]


def test_schools_of_one_circonscription_share_a_code_without_the_column(tmp_path):
    path, (a, b) = two_more_in_bruz(tmp_path)
    report = schools_import(path=path)

    assert report.created == 5 and report.circonscription_codes_derived == 5
    codes = dict(School.objects.values_list("uai", "circonscription_code"))
    bruz = codes["0350122T"]
    assert bruz and codes[a] == bruz and codes[b] == bruz
    assert len(set(codes.values())) == 3  # Bruz, Saint-Grégoire, Pacé
    # A derived code can never be taken for a real one (a UAI) and fits the column.
    assert all(code.startswith("~") and len(code) == 8 for code in codes.values())
    # The same file again changes nothing: the codes are stable.
    assert schools_import(path=path).unchanged == 5


def test_a_circonscription_already_known_by_its_real_code_keeps_it(tmp_path, territories):
    ille_et_vilaine = Departement.objects.get(code="35")
    SchoolFactory(uai=uai_make(departement_code="35", number=8000), departement=ille_et_vilaine,
                  circonscription=BRUZ.upper(), circonscription_code="0351881E")  # fmt: skip
    path, (a, _b) = two_more_in_bruz(tmp_path)

    schools_import(path=path)

    assert School.objects.get(uai=a).circonscription_code == "0351881E"
    assert School.objects.get(uai="0350122T").circonscription_code == "0351881E"


def test_2023_schools_take_part_in_the_drill_down_and_in_circonscription_coverage(tmp_path, frameworks):
    path, (a, b) = two_more_in_bruz(tmp_path)
    schools_import(path=path)
    ille_et_vilaine = Departement.objects.get(code="35")
    manager = make_user("gestion35@example.fr", role="manager", scope_departement=ille_et_vilaine)

    area = area_resolve(user=manager, params={})
    zones = {label: (params, n) for label, params, n in children(area)}
    assert zones[BRUZ][1] == 3
    inside = area_resolve(user=manager, params=zones[BRUZ][0])
    assert set(inside.schools.values_list("uai", flat=True)) == {"0350122T", a, b}

    ambassador = make_user("ambassadrice@example.fr")
    AmbassadorProposal.objects.create(
        school=School.objects.get(uai=a), user=ambassador, score=1, status="confirmed", computed_at=timezone.now()
    )
    # The ambassadors page reads coverage from the maps' aggregates (one source for both pages).
    stats_refresh(None)
    coverage = {
        c.school.uai: c.status for c in ambassador_coverage(schools=School.objects.all(), with_suggestions=False)
    }
    assert coverage[a] == "covered"
    assert coverage[b] == "circonscription" and coverage["0350122T"] == "circonscription"
    assert "uncovered" in coverage.values()  # the other two circonscriptions
    assert SchoolStat.objects.get(school__uai=b).coverage == "circonscription"
