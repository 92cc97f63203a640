"""`python -m bench [--quick] [--statements N] [--only NAME]`: runs the benchmarks on PostgreSQL, prints a table.

Each benchmark runs in a process of its own: each sets Django up on its own fresh database.
"""

import argparse
import json
import subprocess
import sys

from . import BENCHMARKS, harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000, help="store size for the GET latencies")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the harness")
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument(
        "--regenerate", action="store_true", help="generate the national database again even if it is there"
    )
    args = parser.parse_args()
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
