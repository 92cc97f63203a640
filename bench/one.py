"""Runs one benchmark and prints its rows as JSON on the last line (see __main__)."""

import argparse
import json
import sys

from . import BENCHMARKS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--scale", type=float, help="national and pages: the national database's scale")
    parser.add_argument("--figures", help="national and pages: write the measures as numbers to this JSON file")
    args = parser.parse_args()
    figures: dict = {}
    if args.name == "lrs":
        from . import lrs

        rows = lrs.run(statements=args.statements, quick=args.quick)
    elif args.name == "forwarding":
        from . import forwarding

        rows = forwarding.run(quick=args.quick)
    elif args.name == "national":
        from . import national

        rows = national.run(quick=args.quick, regenerate=args.regenerate, scale=args.scale, figures=figures)
    elif args.name == "evaluation":
        from . import evaluation

        rows = evaluation.run(quick=args.quick)
    else:
        from . import pages

        rows = pages.run(quick=args.quick, scale=args.scale, figures=figures)
    if args.figures:
        with open(args.figures, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, ensure_ascii=False, indent=1)
    sys.stdout.flush()
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
