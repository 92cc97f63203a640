"""`python -m bench [--quick] [--statements N]`: runs the benchmarks on PostgreSQL and prints a table."""

import argparse

from . import harness, lrs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000, help="store size for the GET latencies")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the harness")
    args = parser.parse_args()
    rows = lrs.run(statements=args.statements, quick=args.quick)
    print()
    harness.print_table(rows)


if __name__ == "__main__":
    main()
