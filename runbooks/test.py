#!/usr/bin/env python3
"""test.py: the seed's python example; times a small computation (-n items, --repeats rounds)."""
import argparse
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description="ClouDO python example runbook")
    parser.add_argument("-n", type=int, default=1000, help="items per round")
    parser.add_argument("--repeats", type=int, default=10, help="rounds")
    args = parser.parse_args()
    if args.n < 0 or args.repeats < 0:
        print("n and repeats must be >= 0", file=sys.stderr)
        return 2
    started = time.perf_counter()
    total = 0
    for _ in range(args.repeats):
        total += sum(i * i for i in range(args.n))
    elapsed = time.perf_counter() - started
    print(f"exec {os.environ.get('CLOUDO_EXEC_ID', 'none')}: n={args.n} repeats={args.repeats}")
    print(f"checksum={total} elapsed={elapsed:.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
