"""The base template: territory branding, navigation, language, for anonymous and signed-in users."""

import pytest
from wagtail.models import Site

from themes.models import TerritorySettings

PAGE = "/comptes/login/"

pytestmark = pytest.mark.django_db


def test_renders_with_no_settings_row(client):
    assert not TerritorySettings.objects.exists()
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="fr-header__service-title">Relais</p>' in html
    assert "<title>Se connecter — Relais</title>" in html
    assert '<html lang="fr"' in html


def test_renders_with_no_wagtail_site_at_all(client):
    Site.objects.all().delete()
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="fr-header__service-title">Relais</p>' in html
    assert "fr-logo" not in html


def test_territory_name_tagline_and_contact(client, territory):
    html = client.get(PAGE).content.decode()
    assert "Val-d&#x27;Oise — Territoire numérique éducatif</p>" in html
    assert "Se former au numérique, ensemble" in html
    assert "mailto:tne95@example.fr" in html
    assert 'data-relais-accent="green-menthe"' in html


def test_state_site_carries_the_marianne_brand_block(client, territory):
    html = client.get(PAGE).content.decode()
    assert '<p class="fr-logo">République<br>française</p>' in html
    assert "info.gouv.fr" in html


def test_collectivite_site_shows_its_logo_not_the_marianne(client, territory, logo):
    territory.is_state_site = False
    territory.operator_name = "Conseil départemental du Val-d'Oise"
    territory.operator_logo = logo
    territory.save()
    html = client.get(PAGE).content.decode()
    assert "fr-logo" not in html
    assert "info.gouv.fr" not in html
    assert 'class="fr-responsive-img relais-operator-logo"' in html
    assert 'alt="Conseil départemental du Val-d&#x27;Oise"' in html


def test_state_site_with_operator_logo_shows_both(client, territory, logo):
    territory.operator_logo = logo
    territory.save()
    html = client.get(PAGE).content.decode()
    assert '<p class="fr-logo">' in html
    assert "fr-header__operator" in html


def test_anonymous_sees_sign_in_and_sign_up(client):
    html = client.get(PAGE).content.decode()
    assert 'href="/comptes/signup/"' in html
    assert "Créer un compte" in html
    assert "Se déconnecter" not in html
    assert "Administration" not in html
    assert "Mes compétences" not in html  # a teacher's page: nothing to show before signing in


def test_signed_in_user_sees_their_name_and_a_logout_form(client, member):
    client.force_login(member)
    html = client.get("/comptes/password/change/").content.decode()
    assert "Camille Durand" in html
    assert '<form method="post" action="/comptes/logout/">' in html
    assert "Se connecter</a>" not in html
    assert "Tableau de bord" not in html
    assert "Mes compétences</a>" in html


def test_staff_and_managers_get_their_links(client, member):
    member.is_staff = True
    member.is_superuser = True
    member.save()
    client.force_login(member)
    html = client.get("/comptes/password/change/").content.decode()
    assert 'href="/admin/"' in html


def test_landmarks_and_skip_links(client):
    html = client.get(PAGE).content.decode()
    for target in ("contenu", "navigation-principale", "pied-de-page"):
        assert f'href="#{target}"' in html
        assert f'id="{target}"' in html
    assert '<main id="contenu"' in html
    assert 'aria-label="Menu principal"' in html
    assert html.count("<h1") == 1
    assert 'id="fr-theme-modal"' in html


def test_language_switch_posts_to_set_language(client):
    html = client.get(PAGE).content.decode()
    assert '<form method="post" action="/i18n/setlang/">' in html
    assert 'name="language" value="en"' in html


def test_django_messages_are_dsfr_alerts(client, member):
    client.force_login(member)
    client.post("/comptes/logout/")
    html = client.get(PAGE).content.decode()
    assert 'class="fr-alert fr-alert--sm fr-mb-1w fr-alert--success" role="alert"' in html
    assert "Vous êtes déconnecté(e)." in html


def test_404_page_uses_the_base_template(client):
    response = client.get("/comptes/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html
    assert "fr-header" in html


def test_500_page_needs_no_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur inattendue" in html
    assert "dsfr.min.css" in html
