import pytest

from lms.models import Departement, School
from lms.schools_import import SchoolsFileError, SkipReason, WarningReason, departement_code_normalize, schools_import
from tests.lms.annuaire import HEADER_2023, VAL_DE_MARNE, doisneau_row, header_2026, write_annuaire
from tests.lms.factories import SchoolFactory, uai_make

pytestmark = pytest.mark.django_db


def import_rows(tmp_path, rows, **kwargs):
    return schools_import(path=write_annuaire(tmp_path / "annuaire.csv", rows=rows), **kwargs)


def reasons(report):
    return [(issue.line, issue.uai, issue.reason) for issue in report.skipped]


# --- The real Val-de-Marne extract ------------------------------------------------


def test_imports_the_613_ecoles_of_val_de_marne():
    report = schools_import(path=VAL_DE_MARNE)

    assert (report.rows, report.created, report.updated, report.unchanged) == (613, 613, 0, 0)
    assert report.skipped == [] and report.warnings == [] and report.absent_columns == []
    assert School.objects.count() == 613
    assert set(School.objects.values_list("kind", "sector", "departement__code").distinct()) == {
        ("ecole", "public", "94")
    }
    # Two écoles are "A FERMER": still open until they close.
    assert School.objects.filter(is_open=True).count() == 613


def test_a_known_school_has_every_field():
    schools_import(path=VAL_DE_MARNE)

    school = School.objects.select_related("departement__academie").get(uai="0940176F")
    assert school.name == "Ecole élémentaire Robert Doisneau"
    assert (school.kind, school.sector, school.is_open) == (School.Kind.ECOLE, School.Sector.PUBLIC, True)
    assert (school.commune_code, school.commune) == ("94034", "Fresnes")
    assert school.departement.code == "94" and school.departement.academie.name == "Créteil"
    assert school.latitude == pytest.approx(48.75113972238502)
    assert school.longitude == pytest.approx(2.3235583553613646)
    assert school.circonscription == "Circonscription d'inspection du 1er degré de Fresnes"
    assert school.circonscription_code == "0940927X"
    # Bassins de formation group collèges and lycées: blank for an école.
    assert (school.bassin_code, school.bassin) == ("", "")


def test_creates_the_territories_on_an_empty_database():
    assert not Departement.objects.exists()

    schools_import(path=VAL_DE_MARNE)

    assert Departement.objects.count() == 101


def test_a_second_import_changes_nothing():
    schools_import(path=VAL_DE_MARNE)

    report = schools_import(path=VAL_DE_MARNE)

    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, 613, [])


def test_a_changed_row_updates_only_that_school(tmp_path):
    schools_import(path=VAL_DE_MARNE)

    report = import_rows(tmp_path, [doisneau_row(Nom_etablissement="Ecole élémentaire Robert-Doisneau", etat="FERME")])

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    school = School.objects.get(uai="0940176F")
    assert (school.name, school.is_open) == ("Ecole élémentaire Robert-Doisneau", False)


def test_dry_run_writes_nothing_but_counts_everything():
    report = schools_import(path=VAL_DE_MARNE, dry_run=True)

    assert report.dry_run and report.created == 613
    assert not School.objects.exists() and not Departement.objects.exists()


def test_small_chunks_give_the_same_result():
    report = schools_import(path=VAL_DE_MARNE, chunk_size=50)

    assert report.created == School.objects.count() == 613


def test_the_number_of_queries_does_not_grow_with_the_rows(territories, django_assert_max_num_queries):
    # 613 rows in chunks of 100: a few queries per chunk, never one per row.
    with django_assert_max_num_queries(30):
        schools_import(path=VAL_DE_MARNE, chunk_size=100)
    schools_import(path=VAL_DE_MARNE)  # warm
    School.objects.update(name="À renommer")
    with django_assert_max_num_queries(30):
        report = schools_import(path=VAL_DE_MARNE, chunk_size=100)
    assert report.updated == 613


# --- Header variants ------------------------------------------------------------------


def test_the_2023_header_imports():
    report = schools_import(path=HEADER_2023)

    assert report.created == 3 and report.skipped == []
    # The 2023 export had no code_circonscription column: codes are derived from the names.
    assert report.absent_columns == [] and report.circonscription_codes_derived == 3
    school = School.objects.get(uai="0350122T")
    assert (school.name, school.commune, school.departement.code) == (
        "Ecole primaire publique les Lucioles",
        "Baulon",
        "35",
    )
    assert school.circonscription == "Circonscription d'inspection du 1er degré de Bruz"
    assert school.latitude == pytest.approx(47.98614492070133)


def test_a_2023_file_leaves_the_circonscription_code_it_does_not_have(territories):
    SchoolFactory(uai="0350122T", departement=Departement.objects.get(code="35"), circonscription_code="0351881E")

    report = schools_import(path=HEADER_2023)

    assert report.updated == 1
    assert School.objects.get(uai="0350122T").circonscription_code == "0351881E"


def test_a_bom_and_other_spellings_of_the_column_names_are_accepted(tmp_path):
    header = [name.replace("_", " ") if name.startswith("Code") else name for name in header_2026()]
    header[0] = "\ufeff" + header[0]
    row = doisneau_row()
    path = tmp_path / "bom.csv"
    path.write_text(";".join(header) + "\n" + ";".join(row[name] for name in header_2026()) + "\n", encoding="utf-8")

    report = schools_import(path=path)

    assert report.created == 1
    assert School.objects.get(uai="0940176F").commune_code == "94034"


# --- Mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        ({"Type_etablissement": "Ecole"}, School.Kind.ECOLE),
        ({"Type_etablissement": "Collège", "libelle_nature": "COLLEGE"}, School.Kind.COLLEGE),
        (
            {"Type_etablissement": "Lycée", "libelle_nature": "LYCEE D ENSEIGNEMENT GENERAL ET TECHNOLOGIQUE"},
            School.Kind.LYCEE,
        ),
        (
            {"Type_etablissement": "Lycée", "libelle_nature": "LYCEE POLYVALENT", "Voie_generale": "1"}
            | {"Voie_technologique": "1", "Voie_professionnelle": "1"},
            School.Kind.LYCEE,
        ),
        ({"Type_etablissement": "Lycée", "libelle_nature": "LYCEE PROFESSIONNEL"}, School.Kind.LP),
        ({"Type_etablissement": "Lycée", "libelle_nature": "", "Voie_professionnelle": "1"}, School.Kind.LP),
        ({"Type_etablissement": "EREA"}, School.Kind.OTHER),
        ({"Type_etablissement": "Médico-social"}, School.Kind.OTHER),
    ],
)
def test_kind_comes_from_the_type_and_the_nature(tmp_path, columns, kind):
    import_rows(tmp_path, [doisneau_row(**columns)])

    assert School.objects.get(uai="0940176F").kind == kind


@pytest.mark.parametrize(("status", "sector"), [("Public", "public"), ("Privé", "private"), ("PRIVE", "private")])
def test_sector(tmp_path, status, sector):
    import_rows(tmp_path, [doisneau_row(Statut_public_prive=status)])

    assert School.objects.get(uai="0940176F").sector == sector


@pytest.mark.parametrize(("etat", "is_open"), [("OUVERT", True), ("A FERMER", True), ("FERME", False), ("", True)])
def test_closed_schools_are_imported_as_closed(tmp_path, etat, is_open):
    # Not skipped: a school that closes must stop being shown as open.
    import_rows(tmp_path, [doisneau_row(etat=etat)])

    assert School.objects.get(uai="0940176F").is_open is is_open


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("094", "94"),
        ("94", "94"),
        ("035", "35"),
        ("1", "01"),
        ("02A", "2A"),
        ("620", "2A"),
        ("2a", "2A"),
        ("02B", "2B"),
        ("720", "2B"),
        ("971", "971"),
        ("976", "976"),
        (" 094 ", "94"),
    ],
)
def test_departement_code_normalize(raw, code):
    assert departement_code_normalize(raw=raw) == code


def test_corsican_and_overseas_schools_find_their_departement(tmp_path):
    corsica, guadeloupe = uai_make(departement_code="2A", number=1), uai_make(departement_code="971", number=2)

    import_rows(
        tmp_path,
        [
            doisneau_row(Identifiant_de_l_etablissement=corsica, Code_departement="620"),
            doisneau_row(Identifiant_de_l_etablissement=guadeloupe, Code_departement="971"),
        ],
    )

    assert School.objects.get(uai=corsica).departement.name == "Corse-du-Sud"
    assert School.objects.get(uai=guadeloupe).departement.name == "Guadeloupe"


def test_a_blank_departement_column_falls_back_on_the_uai(tmp_path):
    import_rows(tmp_path, [doisneau_row(Code_departement="")])

    assert School.objects.get(uai="0940176F").departement.code == "94"


def test_coordinates_may_be_empty_or_only_in_position(tmp_path):
    other = uai_make(departement_code="94", number=9001)

    report = import_rows(
        tmp_path,
        [
            doisneau_row(latitude="", longitude="", position=""),
            doisneau_row(Identifiant_de_l_etablissement=other, latitude="", longitude="", position="48.7, 2.3"),
        ],
    )

    assert report.warnings == []
    assert School.objects.values_list("latitude", "longitude").get(uai="0940176F") == (None, None)
    assert School.objects.values_list("latitude", "longitude").get(uai=other) == (48.7, 2.3)


def test_comma_decimals_from_a_spreadsheet_are_read(tmp_path):
    import_rows(tmp_path, [doisneau_row(latitude="48,75", longitude="2,32")])

    assert School.objects.values_list("latitude", "longitude").get(uai="0940176F") == (48.75, 2.32)


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("n/a", "2.3"), ("148.7", "2.3"), ("48.7", ""), ("0", "0"), ("nan", "2.3")]
)
def test_bad_coordinates_keep_the_school_without_a_position(tmp_path, latitude, longitude):
    report = import_rows(tmp_path, [doisneau_row(latitude=latitude, longitude=longitude)])

    assert report.created == 1 and report.skipped == []
    assert [(issue.line, issue.uai, issue.reason) for issue in report.warnings] == [
        (2, "0940176F", WarningReason.BAD_COORDINATES)
    ]
    assert School.objects.values_list("latitude", "longitude").get(uai="0940176F") == (None, None)


def test_a_too_long_code_is_dropped_with_a_warning(tmp_path):
    report = import_rows(tmp_path, [doisneau_row(code_circonscription="0940927X-ANCIEN")])

    assert [issue.reason for issue in report.warnings] == [WarningReason.VALUE_TOO_LONG]
    assert School.objects.get(uai="0940176F").circonscription_code == ""


# --- Skipped rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "uai", "reason"),
    [
        ({"Identifiant_de_l_etablissement": "0940176A"}, "0940176A", SkipReason.INVALID_UAI),
        ({"Identifiant_de_l_etablissement": "094017F"}, "094017F", SkipReason.INVALID_UAI),
        ({"Identifiant_de_l_etablissement": ""}, "", SkipReason.INVALID_UAI),
        ({"Nom_etablissement": "  "}, "0940176F", SkipReason.MISSING_NAME),
        ({"Type_etablissement": ""}, "0940176F", SkipReason.MISSING_TYPE),
        ({"Type_etablissement": "Information et orientation"}, "0940176F", SkipReason.NOT_A_SCHOOL),
        ({"Type_etablissement": "Service Administratif"}, "0940176F", SkipReason.NOT_A_SCHOOL),
        ({"Statut_public_prive": ""}, "0940176F", SkipReason.UNKNOWN_SECTOR),
        # Saint-Pierre-et-Miquelon has UAIs but is not one of the 101 départements.
        ({"Code_departement": "975"}, "0940176F", SkipReason.UNKNOWN_DEPARTEMENT),
    ],
)
def test_skipped_rows_say_why(tmp_path, columns, uai, reason):
    report = import_rows(tmp_path, [doisneau_row(**columns)])

    assert reasons(report) == [(2, uai, reason)]
    assert report.skipped[0].label
    assert not School.objects.exists()


def test_a_wrong_check_letter_is_named(tmp_path):
    report = import_rows(tmp_path, [doisneau_row(Identifiant_de_l_etablissement="0940176a")])

    assert "lettre de contrôle" in report.skipped[0].detail


def test_a_duplicate_uai_keeps_the_first_row(tmp_path):
    report = import_rows(tmp_path, [doisneau_row(), doisneau_row(Nom_etablissement="Doublon")])

    assert reasons(report) == [(3, "0940176F", SkipReason.DUPLICATE_UAI)]
    assert "ligne 2" in report.skipped[0].detail
    assert School.objects.get().name == "Ecole élémentaire Robert Doisneau"


def test_rows_with_too_few_or_too_many_fields_are_skipped(tmp_path):
    good = doisneau_row()
    line = ";".join(good[name] for name in header_2026())
    path = tmp_path / "ragged.csv"
    path.write_text(
        "\n".join([";".join(header_2026()), line, line.rsplit(";", 5)[0], line + ";en trop"]) + "\n",
        encoding="utf-8",
    )

    report = schools_import(path=path)

    assert report.created == 1
    assert [(issue.line, issue.reason) for issue in report.skipped] == [
        (3, SkipReason.MALFORMED_ROW),
        (4, SkipReason.MALFORMED_ROW),
    ]
    assert report.skipped[0].detail == "66 champs au lieu de 71"
    assert report.skipped[1].detail == "72 champs au lieu de 71"


def test_skipped_rows_do_not_stop_the_others(tmp_path):
    report = import_rows(
        tmp_path,
        [doisneau_row(Identifiant_de_l_etablissement="0940176A"), doisneau_row()],
    )

    assert report.created == 1 and len(report.skipped) == 1


# --- Départements filter ----------------------------------------------------------------------


def test_only_the_departements_asked_for(tmp_path):
    corsica = uai_make(departement_code="2A", number=1)

    report = import_rows(
        tmp_path,
        [doisneau_row(), doisneau_row(Identifiant_de_l_etablissement=corsica, Code_departement="620")],
        departements=["2A"],
    )

    assert (report.created, report.ignored, report.skipped) == (1, 1, [])
    assert list(School.objects.values_list("uai", flat=True)) == [corsica]


def test_an_unknown_departement_filter_is_an_error():
    with pytest.raises(SchoolsFileError, match=r"inconnu.*99"):
        schools_import(path=VAL_DE_MARNE, departements=["094", "99"])


def test_a_too_long_name_is_cut_with_a_warning(tmp_path):
    # PostgreSQL would refuse the whole chunk for one name over 200 characters.
    report = import_rows(tmp_path, [doisneau_row(Nom_etablissement="Ecole " + "très " * 60)])

    assert [issue.reason for issue in report.warnings] == [WarningReason.VALUE_TOO_LONG]
    assert len(School.objects.get(uai="0940176F").name) == 200
