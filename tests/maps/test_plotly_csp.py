"""The Content-Security-Policy's allowances for plotly.js match the plotly.js the site serves.

The policy allows two fixed style attributes and an empty <style> by hash, and the pilotage page
pre-empts the maplibre stylesheet plotly.js would inject by id. A plotly upgrade that changes any of
them fails here, before Chromium reports violations in the journeys.
"""

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

import plotly
from django.conf import settings

TEMPLATE = Path(__file__).resolve().parents[2] / "maps/templates/competencies/pilotage.html"


@cache
def plotly_js() -> str:
    return (Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directive(name: str) -> list[str]:
    return settings.CONTENT_SECURITY_POLICY["DIRECTIVES"][name]


def test_the_heatmap_image_style_is_allowed_by_its_hash():
    declarations = re.search(r"CSS_DECLARATIONS=(\[\[.*?\]\])", plotly_js()).group(1)
    # plotly.js joins them as "name: value; " (STYLE), and writes that as the image's style attribute.
    style = "".join(f"{name}: {value}; " for name, value in json.loads(declarations))
    assert 'STYLE=ML.CSS_DECLARATIONS.map(function(e){return e.join(": ")+"; "}).join("")' in plotly_js()
    assert csp_hash(style) in directive("style-src-attr")


def test_the_empty_style_attribute_and_element_are_allowed_by_their_hash():
    assert '.attr("style","")' in plotly_js()
    assert 'document.createElement("style"),n.setAttribute("id",i),n.appendChild(document.createTextNode(""))' in (
        plotly_js()
    )
    assert csp_hash("") in directive("style-src-attr")
    assert csp_hash("") in directive("style-src")
    assert "'unsafe-inline'" not in directive("style-src") + directive("style-src-attr")


def test_the_maplibre_stylesheet_is_pre_empted_by_its_id():
    injected = re.search(
        r'if\(!document\.getElementById\("([0-9a-f]{64})"\)\)\{var e=document\.createElement\("style"\)', plotly_js()
    )
    assert injected, "plotly.js no longer injects maplibre's stylesheet this way: look again"
    assert f'<template id="{injected.group(1)}"></template>' in TEMPLATE.read_text(encoding="utf-8")
