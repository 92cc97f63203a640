import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from lms.models import School
from tests.lms.annuaire import VAL_DE_MARNE, annuaire_text, doisneau_row, header_2026, write_annuaire

pytestmark = pytest.mark.django_db


def test_prints_a_summary_then_unchanged_on_the_second_run(capsys):
    call_command("import_schools", str(VAL_DE_MARNE))
    assert "613 lignes lues : 613 créés, 0 mis à jour, 0 inchangés, 0 rejetées." in capsys.readouterr().out

    call_command("import_schools", str(VAL_DE_MARNE))
    assert "0 créés, 0 mis à jour, 613 inchangés" in capsys.readouterr().out


def test_shows_its_progress_on_stderr(capsys):
    call_command("import_schools", str(VAL_DE_MARNE))
    err = capsys.readouterr().err
    # The file's lines estimate the total; the last line says how long the import took.
    assert "lignes lues : " in err and "terminé en " in err


def test_prints_the_skip_reasons_with_lines(tmp_path, capsys):
    path = write_annuaire(
        tmp_path / "a.csv",
        rows=[doisneau_row(Identifiant_de_l_etablissement="0940176A"), doisneau_row(latitude="abc")],
    )

    call_command("import_schools", str(path))

    out = capsys.readouterr().out
    assert "1 rejetées" in out
    assert "1 × code UAI invalide" in out
    assert "ligne 2, UAI 0940176A : code UAI invalide (0940176A : lettre de contrôle incorrecte)" in out
    assert "ligne 3, UAI 0940176F : coordonnées invalides" in out


def test_departement_and_dry_run_options(capsys):
    call_command("import_schools", str(VAL_DE_MARNE), "--departement", "35", "--dry-run")

    out = capsys.readouterr().out
    assert "Simulation" in out and "613 hors des départements demandés" in out
    assert not School.objects.exists()


def test_departement_accepts_several_codes():
    call_command("import_schools", str(VAL_DE_MARNE), "--departement", "35", "094", "--departement", "2A")

    assert School.objects.count() == 613


def latin1_file(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.csv"
    path.write_text(annuaire_text(rows=[doisneau_row()]), encoding="latin-1")
    return path


def late_latin1_file(tmp_path: Path) -> Path:
    # UTF-8 for the first 64 KB the import samples, then one Latin-1 row.
    text = VAL_DE_MARNE.read_text(encoding="utf-8")
    bad = ";".join(
        doisneau_row(Nom_etablissement="Ecole élémentaire", Identifiant_de_l_etablissement="0940177G")[n]
        for n in header_2026()
    )
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("utf-8") + bad.encode("latin-1") + b"\n")
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda tmp: tmp / "absent.csv", "Fichier introuvable"),
        (lambda tmp: tmp, "n'est pas un fichier"),
        (lambda tmp: write_bytes(tmp / "empty.csv", b""), "est vide"),
        (lambda tmp: write_bytes(tmp / "blank.csv", b"\n\n"), "est vide"),
        (
            lambda tmp: write_bytes(tmp / "comma.csv", annuaire_text(rows=[doisneau_row()]).replace(";", ",").encode()),
            "Séparateur incorrect : ce fichier utilise « , »",
        ),
        (
            lambda tmp: write_bytes(tmp / "tab.csv", annuaire_text(rows=[doisneau_row()]).replace(";", "\t").encode()),
            "Séparateur incorrect : ce fichier utilise tabulation",
        ),
        (latin1_file, "n'est pas encodé en UTF-8"),
        (
            lambda tmp: write_bytes(tmp / "utf16.csv", annuaire_text(rows=[doisneau_row()]).encode("utf-16")),
            "UTF-16",
        ),
        (lambda tmp: write_bytes(tmp / "annuaire.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(100)), "classeur Excel"),
        (lambda tmp: write_bytes(tmp / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "fichier binaire"),
        (
            lambda tmp: write_bytes(tmp / "notes.txt", "Liste des écoles du Val-de-Marne\nà compléter\n".encode()),
            "n'est pas un export CSV de l'Annuaire",
        ),
        (
            lambda tmp: write_bytes(tmp / "other.csv", b"uai;nom;ville\n0940176F;Doisneau;Fresnes\n"),
            "Colonnes manquantes dans le fichier : Identifiant_de_l_etablissement, Nom_etablissement, "
            "Type_etablissement, Statut_public_prive, Code_departement.",
        ),
        (late_latin1_file, "n'est pas entièrement en UTF-8"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_clear_command_error(tmp_path, make_file, message):
    with pytest.raises(CommandError) as error:
        call_command("import_schools", str(make_file(tmp_path)))

    assert message in str(error.value)
    # A file broken half-way leaves nothing behind.
    assert not School.objects.exists()


def test_the_missing_columns_are_named(tmp_path):
    header = [name for name in header_2026() if name not in {"Statut_public_prive", "Type_etablissement"}]
    path = write_annuaire(tmp_path / "a.csv", rows=[doisneau_row()], header=header)

    with pytest.raises(
        CommandError, match=r"Colonnes manquantes dans le fichier : Type_etablissement, Statut_public_prive\."
    ):
        call_command("import_schools", str(path))


def test_an_unknown_departement_option_is_a_command_error():
    with pytest.raises(CommandError, match="Département\\(s\\) inconnu\\(s\\) : 99"):
        call_command("import_schools", str(VAL_DE_MARNE), "--departement", "99")


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_the_shell_gets_a_message_and_a_non_zero_status_not_a_traceback(tmp_path):
    environment = {**os.environ, "RELAIS_TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_schools", "--skip-checks", str(tmp_path / "absent.csv")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "CommandError: Fichier introuvable" in result.stderr
    assert "Traceback" not in result.stderr
