"""The national benchmark's scaling report: every figure side by side per scale, and its plot, from a
results JSON (the measuring itself needs PostgreSQL at size: `python -m bench --scales …`)."""

import argparse

import pytest

from bench import scaling


def _national(scale: float, levels: int) -> dict:
    return {
        "scale": scale,
        "teachers": round(850_000 * scale),
        "schools": round(58_000 * scale),
        "statements": round(5_000_000 * scale),
        "evidence_rows": levels * 4,
        "level_rows": levels,
        "levels_per_teacher": levels / (850_000 * scale),
        "rebuild_s": 600 * scale,
        "rebuild_evidence_s": 400 * scale,
        "rebuild_levels_s": 150 * scale,
        "rebuild_vacuum_s": 50 * scale,
        "incremental_p50_ms": 10.0,
        "incremental_p95_ms": 18.5,
        "ambassadors_first_s": 40 * scale,
        "ambassadors_again_s": 30 * scale,
        "postgresql": {"autovacuum": "off", "random_page_cost": "4", "server_version": "15"},
    }


def _results(load: float) -> dict:
    results = {"created": "2026-12-06T17:00:00Z", "scales": [0.25, 0.5], "cpus": 2, "results": {}}
    for scale, levels in ((0.25, 650_000), (0.5, 1_300_000)):
        results["results"][str(scale)] = {
            "load_average_before": load,
            "load_average_after": load,
            "national": {"rows": [], "figures": _national(scale, levels)},
            "pages": {
                "rows": [],
                "figures": {
                    "stats_refresh_s": 3.0,
                    "pages_p95_ms": {"national admin": 120.0 * scale},
                    "evaluation_refresh_s": 100 * scale,
                    "evaluation_refresh_peak_mib": 200.0,
                    "evaluation_p95_ms": {"national admin: home": 80.0 * scale},
                },
            },
        }
    return results


def test_every_figure_is_shown_at_every_scale():
    rows = {row[0]: row[1:] for row in scaling.side_by_side(_results(load=0.5))}
    assert rows["level rows (per teacher)"] == ("650,000 (3.06)", "1,300,000 (3.06)")
    assert rows["full rebuild, s (target ≤ 600)"] == ("150.0", "300.0")
    assert rows["incremental p50 / p95, ms (target p95 ≤ 20)"] == ("10.0 / 18.5", "10.0 / 18.5")
    assert rows["page p95, ms (≤ 300): national admin"] == ("30", "60")
    assert rows["  rebuild: vacuum, s"] == ("12.5", "25.0")
    assert rows["evaluation: evaluation_refresh, s / peak RSS, MiB"] == ("25.0 / 200", "50.0 / 200")
    assert rows["evaluation p95, ms (≤ 300): national admin: home"] == ("20", "40")


@pytest.mark.parametrize(("load", "loaded"), [(0.5, False), (3.9, True)])
def test_the_plot_says_when_the_machine_was_loaded(tmp_path, load, loaded):
    results = _results(load=load)
    assert scaling._loaded(results) is loaded
    out = scaling.plot(results, tmp_path / "plot.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scales_are_fractions_of_the_national_size():
    assert scaling.parse_scales("0.25,0.5,1") == [0.25, 0.5, 1.0]
    with pytest.raises(argparse.ArgumentTypeError, match="fractions"):
        scaling.parse_scales("2")


def test_the_pages_panel_names_the_slowest_pages_and_stays_readable():
    """Forty pages in one panel: a legend of a few entries (slowest, median, the three slowest by name)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pages = [{f"page {n}": 10.0 * n * scale for n in range(40)} for scale in (0.25, 1.0)]
    evaluation = [{"home": 500.0 * scale} for scale in (0.25, 1.0)]
    fig, ax = plt.subplots()
    scaling._pages_panel(ax, [0.25, 1.0], pages, evaluation)
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    plt.close(fig)
    assert labels[:2] == ["slowest page at each scale", "median page"]
    assert labels[2:] == ["evaluation: home: 500 ms", "page 39: 390 ms", "page 38: 380 ms"]
    slowest = next(line for line in ax.get_lines() if line.get_label() == "slowest page at each scale")
    assert list(slowest.get_ydata()) == [125.0, 500.0]
