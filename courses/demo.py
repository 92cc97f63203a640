"""A demo territory: Val-d'Oise (a TNE), 20 real-looking schools, 100 teachers, three courses.

The schools are fictional but shaped like the Annuaire de l'éducation (valid
UAI check letters, real communes and coordinates). Every learning event of the
history goes through the same services as the site, so statements, evidence
and levels are exactly what real use would give. Running it twice creates
nothing new.
"""

import random
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from wagtail.models import Page, Site

from competencies.ambassadors import ambassadors_propose, consent_set
from competencies.frameworks import frameworks_load_shipped
from competencies.models import AmbassadorConsent
from lms.models import UAI_LETTERS, Departement, Membership, School
from lms.territories import territories_load

from . import services
from .codesign import codesign_workflow_setup, trainer_group_for
from .demo_codesign import PARTNERS, every_block_course, partners_load
from .models import CatalogPage, CoursePage, Enrollment, ModulePage
from .signature import CertificateSettings

DEMO_PASSWORD = "relais-demo-2026"  # noqa: S105 (printed for the demo)
DEMO_DOMAIN = "demo.relais.fr"

# (commune, INSEE code, latitude, longitude, circonscription / bassin)
COMMUNES = [
    ("Cergy", "95127", 49.0364, 2.0761, "Cergy"),
    ("Pontoise", "95500", 49.0508, 2.1008, "Pontoise"),
    ("Argenteuil", "95018", 48.9472, 2.2467, "Argenteuil"),
    ("Sarcelles", "95585", 48.9973, 2.3797, "Sarcelles"),
    ("Garges-lès-Gonesse", "95268", 48.9727, 2.4009, "Garges-lès-Gonesse"),
    ("Franconville", "95252", 48.9889, 2.2303, "Franconville"),
    ("Goussainville", "95280", 49.0325, 2.4653, "Goussainville"),
    ("Bezons", "95063", 48.9261, 2.2178, "Bezons"),
    ("Ermont", "95219", 48.9901, 2.2584, "Ermont"),
    ("Villiers-le-Bel", "95680", 49.0087, 2.3906, "Villiers-le-Bel"),
]
SCHOOL_NAMES = [
    ("ecole", "École élémentaire Jules Ferry"),
    ("ecole", "École primaire Paul Langevin"),
    ("ecole", "École maternelle Les Tilleuls"),
    ("ecole", "École élémentaire Louise Michel"),
    ("ecole", "École primaire Jean Jaurès"),
    ("ecole", "École élémentaire Victor Hugo"),
    ("ecole", "École primaire Marie Curie"),
    ("ecole", "École élémentaire Jacques Prévert"),
    ("ecole", "École primaire Simone Veil"),
    ("ecole", "École élémentaire Pablo Picasso"),
    ("college", "Collège Jean Moulin"),
    ("college", "Collège Gérard Philipe"),
    ("college", "Collège Camille Claudel"),
    ("college", "Collège Georges Brassens"),
    ("college", "Collège Aimé Césaire"),
    ("college", "Collège Germaine Tillion"),
    ("lycee", "Lycée Camille Pissarro"),
    ("lycee", "Lycée Alfred Kastler"),
    ("lycee", "Lycée Jean Monnet"),
    ("lp", "Lycée professionnel Ferdinand Buisson"),
]
FIRST_NAMES = [
    "Camille", "Léa", "Nicolas", "Sophie", "Thomas", "Julie", "Mehdi", "Claire", "Antoine", "Nadia",
    "Julien", "Aurélie", "Karim", "Émilie", "Pierre", "Fatou", "Hugo", "Marion", "Yann", "Inès",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux",
    "Diallo", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Benali", "Mercier",
]  # fmt: skip


def uai_for(number: int) -> str:
    """A well-formed UAI of the Val-d'Oise (095…) with its check letter."""
    digits = f"095{number:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


@dataclass
class DemoReport:
    schools: int = 0
    teachers: int = 0
    courses: int = 0
    statements_before: int = 0
    statements_after: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _quiz(title, questions, competencies, level, pass_mark=70):
    return {
        "type": "quiz",
        "value": {
            "title": title,
            "pass_mark": pass_mark,
            "alignment": {"framework": "crcn-edu", "competencies": competencies, "level": level},
            "questions": [
                {
                    "prompt": prompt,
                    "choices": [
                        {"text": text, "correct": correct, "feedback": feedback} for text, correct, feedback in choices
                    ],
                }
                for prompt, choices in questions
            ],
        },
    }


def _content(title, html, competencies, level):
    return {
        "type": "content_step",
        "value": {
            "title": title,
            "body": html,
            "alignment": {"framework": "crcn-edu", "competencies": competencies, "level": level},
        },
    }


COURSES = [
    {
        "slug": "enseigner-en-hybride",
        "title": "Enseigner en hybride : premiers pas",
        "summary": "Concevoir et animer une séquence qui articule temps en présence et temps à distance.",
        "objectives": (
            "Concevoir une séance qui articule temps en présence et temps à distance\n"
            "Choisir les outils de l'ENT adaptés à chaque temps\n"
            "Suivre le travail des élèves à distance"
        ),
        "prerequisites": "Savoir se connecter à l'ENT de son établissement.",
        "format": "hybride",
        "audience": "all",
        "hours": 6,
        "modules": [
            {
                "slug": "concevoir-une-seance-hybride",
                "title": "Concevoir une séance hybride",
                "activities": [
                    _content(
                        "Ce que l'hybridation change",
                        "<p>Une séance hybride répartit les activités entre présence et distance selon ce que "
                        "chaque temps fait le mieux : l'explication et l'échange en classe, l'entraînement et "
                        "la production à distance.</p>",
                        ["crcn-edu/3.1"],
                        3,
                    ),
                    _quiz(
                        "Vérifier ses acquis",
                        [
                            (
                                "Quel temps convient le mieux à l'entraînement individuel ?",
                                [
                                    ("Le temps à distance", True, "Oui : chacun avance à son rythme."),
                                    ("Le temps en présence uniquement", False, "La présence sert surtout l'échange."),
                                ],
                            ),
                            (
                                "Que faut-il prévoir pour le temps à distance ?",
                                [
                                    ("Des consignes claires et un retour", True, ""),
                                    ("Rien : les élèves s'organisent seuls", False, ""),
                                ],
                            ),
                        ],
                        ["crcn-edu/3.1", "crcn-edu/2.1"],
                        3,
                    ),
                ],
            },
            {
                "slug": "animer-une-classe-virtuelle",
                "title": "Animer une classe virtuelle",
                "activities": [
                    _content(
                        "Préparer la classe virtuelle",
                        "<p>Testez le lien, préparez un déroulé court et des moments d'interaction toutes les "
                        "dix minutes.</p>",
                        ["crcn-edu/3.2"],
                        3,
                    ),
                    _quiz(
                        "Les bons réflexes",
                        [
                            (
                                "Toutes les combien de minutes prévoir une interaction ?",
                                [("Environ dix", True, ""), ("Une fois par heure", False, "")],
                            )
                        ],
                        ["crcn-edu/3.2", "crcn-edu/1.1"],
                        4,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "evaluer-avec-le-numerique",
        "title": "Évaluer avec le numérique",
        "summary": "Construire des évaluations formatives avec des outils numériques et en exploiter les résultats.",
        "objectives": (
            "Construire une évaluation formative avec un outil numérique\n"
            "Exploiter ses résultats pour ajuster l'enseignement"
        ),
        "format": "distanciel",
        "audience": "2d",
        "hours": 3,
        "modules": [
            {
                "slug": "quiz-et-retroaction",
                "title": "Quiz et rétroaction",
                "activities": [
                    _content(
                        "L'évaluation formative outillée",
                        "<p>Un quiz n'évalue bien que s'il donne un retour immédiat et exploitable.</p>",
                        ["crcn-edu/3.3"],
                        3,
                    ),
                    _quiz(
                        "Quiz final",
                        [
                            (
                                "Qu'apporte un retour immédiat ?",
                                [("Il aide l'élève à corriger", True, ""), ("Rien de plus", False, "")],
                            ),
                            (
                                "Quelles données exploiter ?",
                                [("Les erreurs fréquentes", True, ""), ("La vitesse de connexion", False, "")],
                            ),
                        ],
                        ["crcn-edu/3.3", "crcn-edu/5.2"],
                        4,
                    ),
                ],
            }
        ],
    },
]


def _catalogue() -> CatalogPage:
    catalogue = CatalogPage.objects.filter(slug="catalogue-val-d-oise").first()
    if catalogue:
        if catalogue.territory_id is None:
            catalogue.territory = Departement.objects.filter(code="95").first()
            catalogue.save(update_fields=["territory"])
        return catalogue
    root = Page.get_first_root_node()
    catalogue = CatalogPage(
        title="Formations au numérique éducatif — Val-d'Oise",
        slug="catalogue-val-d-oise",
        intro="<p>Parcours hybrides co-construits par Réseau Canopé, la DRANE de Versailles et le "
        "Département du Val-d'Oise.</p>",
        territory=Departement.objects.filter(code="95").first(),
    )
    root.add_child(instance=catalogue)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=catalogue, is_default_site=True)
    else:
        old_root = site.root_page
        site.root_page = catalogue
        site.site_name = "Relais Val-d'Oise"
        site.save()
        # Wagtail's placeholder "Welcome" page has no template of ours: drop it.
        if old_root.pk != catalogue.pk and old_root.content_type.model == "page" and not old_root.get_children():
            old_root.delete()
    return catalogue


def _courses(catalogue: CatalogPage) -> list[CoursePage]:
    courses = []
    for data in COURSES:
        course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
        if course is None:
            course = CoursePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                format=data["format"],
                audience=data["audience"],
                duration_hours=data["hours"],
                objectives=data.get("objectives", ""),
                prerequisites=data.get("prerequisites", ""),
            )
            catalogue.add_child(instance=course)
            course.save_revision().publish()
        for module_data in data["modules"]:
            if ModulePage.objects.child_of(course).filter(slug=module_data["slug"]).exists():
                continue
            module = ModulePage(
                title=module_data["title"], slug=module_data["slug"], activities=module_data["activities"]
            )
            course.add_child(instance=module)
            module.save_revision().publish()
        courses.append(course)
    return courses


def _schools() -> list[School]:
    departement = Departement.objects.get(code="95")
    schools = []
    for index, (kind, name) in enumerate(SCHOOL_NAMES):
        commune, insee, lat, lon, area = COMMUNES[index % len(COMMUNES)]
        school, _ = School.objects.update_or_create(
            uai=uai_for(1000 + index * 7),
            defaults={
                "name": f"{name} ({commune})" if kind == "ecole" else name,
                "kind": kind,
                "sector": School.Sector.PUBLIC,
                "departement": departement,
                "commune_code": insee,
                "commune": commune,
                "latitude": round(lat + (index % 3) * 0.004, 6),
                "longitude": round(lon + (index % 4) * 0.004, 6),
                "circonscription": f"Circonscription d'inspection du 1er degré de {area}" if kind == "ecole" else "",
                "circonscription_code": f"0951{index % 10:03d}" if kind == "ecole" else "",
                "bassin": f"Bassin de {area}" if kind != "ecole" else "",
                "bassin_code": f"095BF{index % len(COMMUNES):02d}" if kind != "ecole" else "",
            },
        )
        schools.append(school)
    return schools


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo account shares one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, **fields):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, password=_demo_password_hash(), **fields)
        user.save()
    return user


def _history(teacher, courses: list[CoursePage]) -> None:
    """A plausible past: some teachers enrolled, worked through modules, passed or failed quizzes.

    Each teacher's dice are seeded by their e-mail, so a second run rolls the same and adds nothing.
    """
    if Enrollment.objects.filter(user=teacher).exists():
        return
    rng = random.Random(f"relais-demo/{teacher.email}")
    for course in courses:
        if rng.random() < 0.4:
            continue
        services.course_enroll(user=teacher, course=course)
        for module in course.modules():
            if rng.random() < 0.3:
                break
            for block in module.activities:
                if block.block_type == "content_step":
                    services.content_step_complete(user=teacher, module=module, block_id=block.id)
                else:
                    good = rng.random() < 0.75
                    answers = {
                        i: [j for j, c in enumerate(q["choices"]) if c["correct"] == good] or [0]
                        for i, q in enumerate(block.value["questions"])
                    }
                    if not services.quiz_submit(user=teacher, module=module, block_id=block.id, answers=answers).passed:
                        return
            services.module_complete(user=teacher, module=module)


def demo_load(*, teachers_per_school: int = 5, with_history: bool = True) -> DemoReport:
    """Load (or complete) the demo territory. Idempotent."""
    from xapi.models import Statement

    report = DemoReport(statements_before=Statement.objects.count())
    territories_load()
    frameworks_load_shipped()
    with transaction.atomic():
        catalogue = _catalogue()
        courses = _courses(catalogue)
        partners = partners_load()
        every_block_course(catalogue, partners)
        codesign_workflow_setup(catalogue=catalogue, partners=partners[:2])
        schools = _schools()
        _territory_settings(catalogue)
    User = get_user_model()
    demo_teacher_school = schools[0]
    teacher_number = 0
    for school in schools:
        for _ in range(teachers_per_school):
            teacher_number += 1
            first = FIRST_NAMES[teacher_number % len(FIRST_NAMES)]
            last = LAST_NAMES[(teacher_number * 7) % len(LAST_NAMES)]
            teacher = _user(f"enseignant{teacher_number:03d}@{DEMO_DOMAIN}", first_name=first, last_name=last)
            Membership.objects.get_or_create(user=teacher, school=school)
            if with_history:
                _history(teacher, courses)
                # About 60 % opt in; a teacher's own later choice is never overwritten.
                has_chosen = AmbassadorConsent.objects.filter(user=teacher).exists()
                if not has_chosen and random.Random(f"consent/{teacher.email}").random() < 0.6:
                    consent_set(user=teacher, consented=True)
    demo_teacher = _user(f"enseignante@{DEMO_DOMAIN}", first_name="Camille", last_name="Durand")
    Membership.objects.get_or_create(user=demo_teacher, school=demo_teacher_school)
    trainer = _user(
        f"formatrice@{DEMO_DOMAIN}", first_name="Hélène", last_name="Garnier", role=User.Role.TRAINER, is_staff=True
    )
    _trainer_permissions(trainer, catalogue)
    for name, _kind, _url, reviewer_login in PARTNERS:
        if reviewer_login:
            reviewer = _user(
                f"{reviewer_login}@{DEMO_DOMAIN}", first_name="Relecteur", last_name=name, role=User.Role.TRAINER
            )
            partner = next(p for p in partners if p.name == name)
            reviewer.groups.add(partner.reviewer_group)
    _user(
        f"gestionnaire@{DEMO_DOMAIN}",
        first_name="Marc",
        last_name="Petit",
        role=User.Role.MANAGER,
        scope_departement=Departement.objects.get(code="95"),
    )
    # The ambassador rules are the académie's: only a manager of the whole académie sets them.
    _user(
        f"rectorat@{DEMO_DOMAIN}",
        first_name="Claire",
        last_name="Moreau",
        role=User.Role.MANAGER,
        scope_academie=Departement.objects.get(code="95").academie,
    )
    if not User.objects.filter(email=f"admin@{DEMO_DOMAIN}").exists():
        User.objects.create_superuser(email=f"admin@{DEMO_DOMAIN}", password=DEMO_PASSWORD, first_name="Admin")
    ambassadors_propose(schools=School.objects.filter(pk__in=[s.pk for s in schools]))
    report.schools = len(schools)
    report.teachers = Membership.objects.filter(school__in=schools, role=Membership.Role.TEACHER).count()
    report.courses = CoursePage.objects.child_of(catalogue).count()
    report.statements_after = Statement.objects.count()
    report.logins = [
        (str(User.Role.TEACHER.label), f"enseignante@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.TRAINER.label), f"formatrice@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.MANAGER.label), f"gestionnaire@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.MANAGER.label), f"rectorat@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.ADMIN.label), f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD),
        ("Relecteur Canopé", f"partenaire-canope@{DEMO_DOMAIN}", DEMO_PASSWORD),
        ("Relecteur DRANE", f"partenaire-drane@{DEMO_DOMAIN}", DEMO_PASSWORD),
    ]
    return report


def _territory_settings(catalogue: CatalogPage) -> None:
    # Looked up by name: themes sits above courses and is not imported from here.
    try:
        TerritorySettings = apps.get_model("themes", "TerritorySettings")
    except LookupError:
        return
    site = Site.objects.get(root_page=catalogue)
    settings_row = TerritorySettings.for_site(site)
    if not settings_row.territory_name:
        settings_row.territory_name = "Val-d'Oise — Territoire numérique éducatif"
        settings_row.save()
    signing = CertificateSettings.for_site(site)
    if not signing.signatory_name:
        signing.signatory_name = "Claire Martin"
        signing.signatory_title = "La directrice académique du numérique"
        signing.save()


def _trainer_permissions(trainer, catalogue: CatalogPage) -> None:
    """The demo trainer edits the Val-d'Oise catalogue only, and publishes through the partners' workflow."""
    from django.contrib.auth.models import Group

    trainer.groups.add(trainer_group_for(catalogue))
    editors = Group.objects.filter(name="Editors").first()  # Wagtail's, too broad for a territory's trainer
    if editors:
        trainer.groups.remove(editors)
