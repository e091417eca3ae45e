"""Reading and validating a 50,000-row Actions sheet: reportgen (python-calamine)
against openpyxl, the engine reportgen does not use for reading.

Run: .venv/bin/python benchmarks/bench_read.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from workbooks import large_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import openpyxl

    from reportgen.workbook.validate import check_workbook

    with tempfile.TemporaryDirectory() as folder:
        path = large_workbook(Path(folder) / "big.xlsx", args.rows, EXAMPLE)

        def openpyxl_full():
            book = openpyxl.load_workbook(path, data_only=True)
            return sum(1 for _ in book["Actions"].iter_rows(values_only=True))

        def openpyxl_read_only():
            book = openpyxl.load_workbook(path, data_only=True, read_only=True)
            count = sum(1 for _ in book["Actions"].iter_rows(values_only=True))
            book.close()
            return count

        def reportgen_validate():
            report, _ = check_workbook(path)
            return report

        cases = {
            "reportgen validate (calamine + XML scan + checks)": reportgen_validate,
            "openpyxl load only (full mode)": openpyxl_full,
            "openpyxl load only (read-only mode)": openpyxl_read_only,
        }
        print(f"{args.rows:,} action rows, median of {args.repeat} runs")
        for name, function in cases.items():
            times = timed(function, args.repeat)
            print(
                f"  {name:<52} {statistics.median(times):6.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f})"
            )


if __name__ == "__main__":
    main()
