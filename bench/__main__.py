"""`python -m bench [--quick] [--statements N] [--only NAME] [--scales 0.25,0.5,1]`: runs the benchmarks on
PostgreSQL, prints a table. With `--scales`, national and pages run at each scale (`bench.scaling`).

Each benchmark runs in a process of its own: each sets Django up on its own fresh database.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import BENCHMARKS, harness, scaling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000, help="store size for the GET latencies")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the harness")
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument(
        "--regenerate", action="store_true", help="generate the national database again even if it is there"
    )
    parser.add_argument(
        "--scales",
        type=scaling.parse_scales,
        help="national and pages at each of these scales (e.g. 0.25,0.5,1): every figure at every size, as JSON",
    )
    parser.add_argument("--plot", type=Path, help="with --scales: draw the plot into this PNG")
    args = parser.parse_args()
    if args.scales:
        # The national database's figures are the rebuild's and its pages': `--only national` runs both.
        only = ("pages",) if args.only == "pages" else scaling.SCALABLE
        results = scaling.measure(args.scales, only=only, quick=args.quick, regenerate=args.regenerate)
        scaling.print_side_by_side(results)
        print(f"\nresults: {scaling.write(results)}")
        if args.plot:
            print(f"plot: {scaling.plot(results, args.plot)}")
        return
    rows = []
    for name in [args.only] if args.only else BENCHMARKS:
        command = [sys.executable, "-m", "bench.one", name, "--statements", str(args.statements)]
        if args.quick:
            command.append("--quick")
        if args.regenerate and name == "national":
            command.append("--regenerate")
        result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, cwd=harness.ROOT)
        rows += [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]
    print()
    harness.print_table(rows)


if __name__ == "__main__":
    main()
