"""How cost grows: the national benchmark (and the managers' pages) at several sizes, and its plot.

    python -m bench --only national --scales 0.25,0.5,1      # or: python -m bench.scaling run --scales …
    python -m bench.scaling plot bench/results/national-scaling-….json docs/bench-national-scaling.png

`run` measures each benchmark at each scale (1 = 850,000 teachers, 58,000 schools, 5 M statements),
each in a process of its own (`bench.one`), prints each scale's table and then every figure side by
side, one column per scale, and writes it all as JSON under bench/results/ (git-ignored), with the
PostgreSQL settings and the machine's load. `plot` draws such a JSON with matplotlib into a PNG; its
title states the scales and the machine's load, so a plot of small scales on a busy machine cannot
pass for the real figure.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import harness

SCALABLE = ("national", "pages")
RESULTS = harness.ROOT / "bench" / "results"


def measure(
    scales: list[float], *, only: tuple[str, ...] = SCALABLE, quick: bool = False, regenerate: bool = False
) -> dict:
    results: dict = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scales": scales,
        "cpus": os.cpu_count(),
        "quick": quick,
        "results": {},
    }
    for scale in scales:
        per_scale = results["results"][str(scale)] = {"load_average_before": os.getloadavg()[0]}
        for name in [b for b in SCALABLE if b in only]:
            with tempfile.NamedTemporaryFile(suffix=".json") as figures:
                command = [sys.executable, "-m", "bench.one", name, "--scale", str(scale), "--figures", figures.name]
                if quick:
                    command.append("--quick")
                if regenerate and name == "national":
                    command.append("--regenerate")
                done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, cwd=harness.ROOT)
                rows = [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]
                per_scale[name] = {"rows": rows, "figures": json.loads(Path(figures.name).read_text() or "{}")}
            print(f"\n== {name} at scale {scale}")
            harness.print_table(rows)
        per_scale["load_average_after"] = os.getloadavg()[0]
    return results


def side_by_side(results: dict) -> list[tuple[str, ...]]:
    """(figure, value at each scale…) rows for every number measured."""
    scales = [str(s) for s in results["scales"]]
    table: dict[str, dict[str, str]] = {}

    def put(label: str, scale: str, text: str) -> None:
        table.setdefault(label, {})[scale] = text

    for scale in scales:
        found = results["results"].get(scale, {})
        national = found.get("national", {}).get("figures", {})
        if national:
            put("teachers / statements", scale, f"{national['teachers']:,} / {national['statements']:,}")
            put("level rows (per teacher)", scale, f"{national['level_rows']:,} ({national['levels_per_teacher']:.2f})")
            put("evidence rows", scale, f"{national['evidence_rows']:,}")
            put("full rebuild, s (target ≤ 600)", scale, f"{national['rebuild_s']:.1f}")
            for key in ("evidence", "levels", "vacuum"):
                if f"rebuild_{key}_s" in national:
                    put(f"  rebuild: {key}, s", scale, f"{national[f'rebuild_{key}_s']:.1f}")
            put(
                "incremental p50 / p95, ms (target p95 ≤ 20)",
                scale,
                f"{national['incremental_p50_ms']:.1f} / {national['incremental_p95_ms']:.1f}",
            )
            put(
                "ambassador pass first / again, s (target ≤ 60)",
                scale,
                f"{national['ambassadors_first_s']:.1f} / {national['ambassadors_again_s']:.1f}",
            )
        pages = found.get("pages", {}).get("figures", {})
        if pages:
            put("maps: stats_refresh every school, s", scale, f"{pages['stats_refresh_s']:.1f}")
            for page, p95 in pages.get("pages_p95_ms", {}).items():
                put(f"page p95, ms (≤ 300): {page}", scale, f"{p95:.0f}")
            if "evaluation_refresh_s" in pages:
                put(
                    "evaluation: evaluation_refresh, s / peak RSS, MiB",
                    scale,
                    f"{pages['evaluation_refresh_s']:.1f} / {pages['evaluation_refresh_peak_mib']:.0f}",
                )
            for page, p95 in pages.get("evaluation_p95_ms", {}).items():
                put(f"evaluation p95, ms (≤ 300): {page}", scale, f"{p95:.0f}")
        put(
            "1-min load average before / after",
            scale,
            f"{found.get('load_average_before', 0):.1f} / {found.get('load_average_after', 0):.1f}",
        )
    return [(label, *(values.get(s, "—") for s in scales)) for label, values in table.items()]


def print_side_by_side(results: dict) -> None:
    headers = ("figure", *(f"scale {s}" for s in results["scales"]))
    rows = side_by_side(results)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    settings = _settings(results)
    if settings:
        print("\nPostgreSQL: " + ", ".join(f"{k}={v}" for k, v in settings.items()))


def _settings(results: dict) -> dict:
    for found in results["results"].values():
        for name in SCALABLE:
            if "postgresql" in found.get(name, {}).get("figures", {}):
                return found[name]["figures"]["postgresql"]
    return {}


def write(results: dict, path: Path | None = None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = path or RESULTS / f"national-scaling-{results['created'].replace(':', '')}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def plot(results: dict, out: Path) -> Path:
    """Each figure against the scale, with its target, in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = [s for s in results["scales"] if "national" in results["results"].get(str(s), {})]
    national = [results["results"][str(s)]["national"]["figures"] for s in scales]
    with_pages = [s for s in results["scales"] if "pages" in results["results"].get(str(s), {})]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    (rebuild_ax, incremental_ax), (pages_ax, levels_ax) = axes

    def frame(ax, title: str, unit: str, target: float | None = None) -> None:
        ax.set_title(title)
        ax.set_xlabel("scale (1 = 850,000 teachers, 58,000 schools, 5 M statements)")
        ax.set_ylabel(unit)
        if target is not None:
            ax.axhline(target, color="crimson", linestyle="--", linewidth=1, label=f"target {target:g}")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)

    if national:
        rebuild_ax.plot(scales, [f["rebuild_s"] for f in national], "o-", label="full rebuild")
        rebuild_ax.plot(scales, [f["ambassadors_first_s"] for f in national], "s-", label="ambassador pass")
        frame(rebuild_ax, "Full rebuild and ambassador pass", "seconds", 600)
        rebuild_ax.axhline(60, color="darkorange", linestyle=":", linewidth=1, label="target 60 (ambassadors)")
        rebuild_ax.legend(fontsize=7)
        incremental_ax.plot(scales, [f["incremental_p50_ms"] for f in national], "o-", label="p50")
        incremental_ax.plot(scales, [f["incremental_p95_ms"] for f in national], "s-", label="p95")
        frame(incremental_ax, "Incremental update per statement", "ms", 20)
        levels_ax.plot(scales, [f["level_rows"] for f in national], "o-", label="level rows (CompetencyState)")
        levels_ax.plot(scales, [f["evidence_rows"] for f in national], "s-", label="evidence rows")
        levels_ax.plot(scales, [f["statements"] for f in national], "^-", label="statements")
        frame(levels_ax, "Store and derived rows", "rows", None)
    if with_pages:
        pages = [results["results"][str(s)]["pages"]["figures"].get("pages_p95_ms", {}) for s in with_pages]
        refresh = [results["results"][str(s)]["pages"]["figures"].get("evaluation_refresh_s") for s in with_pages]
        if any(r is not None for r in refresh):
            rebuild_ax.plot(with_pages, [float("nan") if r is None else r for r in refresh], "^-", label="evaluation")
            rebuild_ax.legend(fontsize=7)
        evaluation = [results["results"][str(s)]["pages"]["figures"].get("evaluation_p95_ms", {}) for s in with_pages]
        _pages_panel(pages_ax, with_pages, pages, evaluation)
        frame(pages_ax, "Managers' pages and exports, p95", "ms", 300)
        pages_ax.legend(fontsize=7)
    loads = [
        f"{found.get('load_average_before', 0):.1f}–{found.get('load_average_after', 0):.1f}"
        for found in results["results"].values()
    ]
    settings = _settings(results)
    fig.suptitle(
        f"Relais national benchmark at scales {', '.join(str(s) for s in results['scales'])}"
        f" — measured {results['created']} on {results.get('cpus')} CPUs, 1-min load {', '.join(loads)}"
        + ("\n(machine loaded by other work: not the quiet-machine figures)" if _loaded(results) else "")
        + (
            f"\nPostgreSQL {settings.get('server_version', '')}: autovacuum={settings.get('autovacuum')},"
            f" random_page_cost={settings.get('random_page_cost')}, shared_buffers={settings.get('shared_buffers')},"
            f" work_mem={settings.get('work_mem')}, effective_cache_size={settings.get('effective_cache_size')}"
            if settings
            else ""
        ),
        fontsize=9,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def _pages_panel(ax, scales: list[float], pages: list[dict], evaluation: list[dict], named: int = 3) -> None:
    """Some 40 pages in one panel: each page a thin grey line, the slowest page and the median page at
    each scale drawn bold, and the `named` slowest pages at the largest scale labelled by name, so that
    the legend names what matters and hides no line."""
    every = [
        {**found, **{f"evaluation: {k}": v for k, v in more.items()}}
        for found, more in zip(pages, evaluation, strict=True)
    ]
    names = sorted({name for found in every for name in found})
    for name in names:
        ax.plot(scales, [found.get(name, float("nan")) for found in every], "-", color="0.8", linewidth=0.7)
    ax.plot(
        scales,
        [max(found.values(), default=float("nan")) for found in every],
        "o-",
        color="black",
        linewidth=1.6,
        label="slowest page at each scale",
    )
    ax.plot(
        scales,
        [statistics.median(found.values()) if found else float("nan") for found in every],
        "s--",
        color="dimgray",
        linewidth=1.2,
        label="median page",
    )
    last = every[-1]
    for name in sorted(last, key=last.get, reverse=True)[:named]:
        ax.plot(
            scales,
            [found.get(name, float("nan")) for found in every],
            ".-",
            linewidth=1.2,
            label=f"{name}: {last[name]:.0f} ms",
        )


def _loaded(results: dict) -> bool:
    """More work than CPUs while measuring, at any scale."""
    cpus = results.get("cpus") or 1
    return any(
        max(found.get("load_average_before", 0), found.get("load_average_after", 0)) > cpus * 0.75
        for found in results["results"].values()
    )


def parse_scales(text: str) -> list[float]:
    scales = [float(part) for part in text.split(",") if part.strip()]
    if not scales or any(not 0 < s <= 1 for s in scales):
        raise argparse.ArgumentTypeError("scales are fractions of the national size, in (0, 1], comma-separated")
    return scales


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    measuring = commands.add_parser("run", help="measure at several scales, print, write the JSON")
    measuring.add_argument("--scales", type=parse_scales, default=[0.25, 0.5, 1.0])
    measuring.add_argument("--only", default=",".join(SCALABLE), help="national, pages or both (comma-separated)")
    measuring.add_argument("--quick", action="store_true")
    measuring.add_argument("--regenerate", action="store_true")
    measuring.add_argument("--plot", type=Path, help="also draw the plot into this PNG")
    drawing = commands.add_parser("plot", help="draw a results JSON into a PNG")
    drawing.add_argument("results", type=Path)
    drawing.add_argument("out", type=Path, nargs="?", default=harness.ROOT / "docs" / "bench-national-scaling.png")
    args = parser.parse_args(argv)
    if args.command == "plot":
        print(plot(json.loads(args.results.read_text(encoding="utf-8")), args.out))
        return
    only = tuple(name.strip() for name in args.only.split(","))
    results = measure(args.scales, only=only, quick=args.quick, regenerate=args.regenerate)
    print_side_by_side(results)
    print(f"\nresults: {write(results)}")
    if args.plot:
        print(f"plot: {plot(results, args.plot)}")


if __name__ == "__main__":
    main()
