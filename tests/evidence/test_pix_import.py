"""Pix Orga results exports become certified evidence."""

import pytest
from django.core.management import CommandError, call_command

from evidence.models import CompetencyState, Evidence
from evidence.pix_import import PixFileError, pix_results_import
from frameworks.models import Competency
from tests.conftest import make_user
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def export(rows, competences, *, id_label="Adresse e-mail académique"):
    header = [
        "Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
        "Prénom du Participant", id_label, "Envoi (O/N)", "Date et heure de l'envoi (Europe/Paris)",
        "Nombre de pix total", "Certifiable (O/N)", "Nombre de compétences certifiables",
    ]  # fmt: skip
    for name in competences:
        header += [f"Niveau pour la compétence {name}", f"Nombre de pix pour la compétence {name}"]
    lines = [";".join(f'"{h}"' for h in header)]
    for row in rows:
        lines.append(";".join(f'"{v}"' for v in row))
    return "\ufeff" + "\n".join(lines) + "\n"


def row(email, sent, levels):
    base = ["Collège Jean Moulin", "42", "ABC123", "Profils 2026", "Durand", "Camille", email, sent, "15/10/2026 14:05"]
    base += ["100", "Oui", "5"]
    for level, pix in levels:
        base += [level, pix]
    return base


@pytest.fixture
def names(frameworks):
    return [c.pix_label or c.name for c in Competency.objects.filter(framework__slug="crcn").order_by("code")[:3]]


def test_import_creates_certified_levels(tmp_path, names, teacher, django_capture_on_commit_callbacks):
    other = make_user("autre@example.fr")
    path = tmp_path / "export.csv"
    path.write_text(
        export(
            [
                row(teacher.email.upper(), "Oui", [("3", "27"), ("NA", "NA"), ("5", "33")]),
                row(other.email, "Non", [("4", "32"), ("4", "32"), ("4", "32")]),
                row("inconnu@example.fr", "Oui", [("2", "16"), ("2", "16"), ("2", "16")]),
            ],
            names,
        ),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = pix_results_import(path=path)
    assert (report.rows, report.teachers, report.statements, report.new_statements) == (3, 1, 2, 2)
    assert [reason for _, reason in report.skipped] == [
        "profil non partagé par le participant",
        "aucun enseignant avec l'adresse « inconnu@example.fr »",
    ]
    assert report.warnings == [(2, "1.3 : 33 pix ne font pas le niveau 5")]
    levels = dict(CompetencyState.objects.filter(user=teacher).values_list("competency__code", "level"))
    assert levels == {"1.1": 3, "1.3": 5}
    assert set(Evidence.objects.values_list("kind", flat=True)) == {"certified"}
    assert not CompetencyState.objects.filter(user=other).exists()
    statement = Statement.objects.filter(verb_id="http://adlnet.gov/expapi/verbs/passed").first().payload
    assert statement["timestamp"].startswith("2026-10-15T")
    assert statement["authority"]["account"]["name"] == "import-pix"

    with django_capture_on_commit_callbacks(execute=True):
        again = pix_results_import(path=path)
    assert again.new_statements == 0
    assert Statement.objects.count() == 2


def test_command_reports_and_refuses_bad_files(tmp_path, names, teacher, capsys):
    path = tmp_path / "export.csv"
    path.write_text(export([row(teacher.email, "Oui", [("2", "16"), ("1", "8"), ("1", "8")])], names), encoding="utf-8")
    call_command("import_pix", str(path), "--dry-run")
    assert "3 results (dry run: nothing stored)" in capsys.readouterr().out
    assert not Statement.objects.exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="pas un export de résultats Pix"):
        call_command("import_pix", str(bad))
    with pytest.raises(CommandError, match="Fichier illisible"):
        call_command("import_pix", str(tmp_path / "absent.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Niveau pour la compétence é;x\n".encode("latin-1"))
    with pytest.raises(CommandError, match="pas en UTF-8"):
        call_command("import_pix", str(latin))


def test_an_export_without_an_email_column_needs_id_column(tmp_path, names, teacher):
    path = tmp_path / "export.csv"
    path.write_text(export([row(teacher.email, "Oui", [("2", "16")] * 3)], names, id_label="Identifiant"), "utf-8")
    with pytest.raises(PixFileError, match="--id-column"):
        pix_results_import(path=path)
    report = pix_results_import(path=path, id_column="Identifiant", dry_run=True)
    assert report.statements == 3


def test_crcn_edu_results(tmp_path, frameworks, teacher, django_capture_on_commit_callbacks):
    names = ["Concevoir", "Mettre en œuvre"]
    path = tmp_path / "pix-edu.csv"
    path.write_text(export([row(teacher.email, "Oui", [("4", ""), ("5", "")])], names), "utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        report = pix_results_import(path=path, framework_slug="crcn-edu")
    assert report.new_statements == 2
    levels = dict(
        CompetencyState.objects.filter(user=teacher, competency__framework__slug="crcn-edu").values_list(
            "competency__code", "level"
        )
    )
    assert levels == {"3.1": 4, "3.2": 5}
