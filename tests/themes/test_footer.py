"""The footer: partner logos, the RGAA compliance statement and the legal pages a territory sets."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from courses.models import Partner
from themes.models import TerritoryPartner

PAGE = "/comptes/login/"

pytestmark = pytest.mark.django_db


def child_page(default_site, title, slug):
    page = Page(title=title, slug=slug)
    default_site.root_page.add_child(instance=page)
    return page


def test_no_partner_block_without_partners(client, territory):
    assert "fr-footer__partners" not in client.get(PAGE).content.decode()


def test_partner_logos_in_the_chosen_order(client, territory, logo):
    canope = Partner.objects.create(name="Réseau Canopé", logo=logo, url="https://www.reseau-canope.fr")
    drane = Partner.objects.create(name="DRANE de Versailles")
    TerritoryPartner.objects.create(territory=territory, partner=drane, sort_order=0)
    TerritoryPartner.objects.create(territory=territory, partner=canope, sort_order=1)
    html = client.get(PAGE).content.decode()
    assert '<h2 class="fr-footer__partners-title">Nos partenaires</h2>' in html
    assert html.index('data-partner="DRANE de Versailles"') < html.index('data-partner="Réseau Canopé"')
    assert 'alt="Réseau Canopé"' in html
    assert 'class="fr-footer__logo relais-partner-logo"' in html
    assert (
        'href="https://www.reseau-canope.fr" target="_blank" rel="noopener" title="Réseau Canopé — nouvelle fenêtre"'
        in html
    )
    # A partner with no logo is named in text, with no empty link.
    assert '<span class="fr-text--sm">DRANE de Versailles</span>' in html


def test_accessibility_statement_is_plain_text_without_a_page(client, territory):
    html = client.get(PAGE).content.decode()
    assert '<span class="fr-footer__bottom-link">Accessibilité : non conforme</span>' in html
    assert "Mentions légales" not in html


def test_accessibility_and_legal_pages_are_linked(client, territory, default_site):
    territory.accessibility_compliance = "partiel"
    territory.accessibility_page = child_page(default_site, "Accessibilité", "accessibilite")
    territory.legal_notice_page = child_page(default_site, "Mentions légales", "mentions-legales")
    territory.privacy_page = child_page(default_site, "Données personnelles", "donnees-personnelles")
    territory.save()
    html = client.get(PAGE).content.decode()
    assert '<a class="fr-footer__bottom-link" href="/accessibilite/">Accessibilité : partiellement conforme</a>' in html
    assert '<a class="fr-footer__bottom-link" href="/mentions-legales/">Mentions légales</a>' in html
    assert '<a class="fr-footer__bottom-link" href="/donnees-personnelles/">Données personnelles</a>' in html


def test_unpublished_statement_page_is_not_linked(client, territory, default_site):
    page = child_page(default_site, "Accessibilité", "accessibilite")
    page.unpublish()
    territory.accessibility_page = page
    territory.save()
    assert 'href="/accessibilite/"' not in client.get(PAGE).content.decode()


def test_admin_edits_partners_and_required_pages(client, territory, default_site):
    admin = get_user_model().objects.create_superuser(email="admin@example.fr", password="motdepasse-admin-2026")
    client.force_login(admin)
    response = client.get(f"/admin/settings/themes/territorysettings/{default_site.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("footer_partners-TOTAL_FORMS", "accessibility_page", "legal_notice_page", "privacy_page"):
        assert f'name="{name}"' in html
