#!/usr/bin/python3
"""Checks that pdmon, hand-written SQL, pandas and DuckDB give the same seven
figures, and prints the side-by-side times as ratios.

Usage: compare.py WORK_DIR
WORK_DIR holds what tests/bench/run.sh made: full.json and seven.json
(pdmon), hand.csv, pandas.csv, duckdb.csv, and times.txt ("step seconds
peak_kb" per line) with pandas_times.json and duckdb_times.json.
Exits 1 when any figure differs.
"""
import csv
import json
import sys

SEVEN = ["teachers_diagnosed", "tutors", "young_staff", "heads_mentored", "schools_on_platform",
         "association_programmes", "diagnosed_growth"]
SHAPES = {"teachers_diagnosed": "share with an activity in the year", "tutors": "count",
          "young_staff": "age-based share (by position too)", "heads_mentored": "mentoring partner join",
          "schools_on_platform": "share of organizations", "association_programmes": "document presence",
          "diagnosed_growth": "growth"}


def number(text):
    return None if text in ("", None) else float(text)


def from_pdmon(path):
    figures = {}
    for r in json.load(open(path))["results"]:
        if r["indicator"] not in SEVEN:
            continue
        key = (r["indicator"], r["organization"] or "", r.get("group") or "")
        figures[key] = (r["numerator"], r["denominator"], r["value"])
    return figures


def from_csv(path):
    figures = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if row:
                figures[(row[0], row[1], row[2])] = tuple(number(v) for v in row[3:6])
    return figures


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9


def differences(reference, other):
    """Rows of pdmon's full pack whose figures differ in other, or that other
    lacks. Rows only other has are not compared: the pack states some
    indicators for the municipality as a whole only (level = "municipality"),
    while the baselines compute every organization's row alike."""
    out = []
    for key in sorted(reference):
        x, y = reference[key], other.get(key)
        if y is None or not all(same(p, q) for p, q in zip(x, y)):
            out.append((key, x, y))
    return out


def read_times(work):
    times, peaks = {}, {}
    for line in open(f"{work}/times.txt"):
        name, seconds, peak = line.split()
        times[name], peaks[name] = float(seconds), int(peak)
    for engine in ("pandas", "duckdb"):
        for name, seconds in json.load(open(f"{work}/{engine}_times.json")).items():
            times[f"{engine}:{name}"] = seconds
    return times, peaks


def ratio(a, b):
    return f"{a / b:7.2f}x" if a is not None and b else "      -"


def main():
    work = sys.argv[1]
    pdmon = from_pdmon(f"{work}/full.json")
    engines = {"pdmon (seven-indicator pack)": from_pdmon(f"{work}/seven.json"),
               "hand SQL": from_csv(f"{work}/hand.csv"), "pandas": from_csv(f"{work}/pandas.csv"),
               "DuckDB": from_csv(f"{work}/duckdb.csv")}
    failed = False
    print(f"agreement with pdmon's full pack: {len(pdmon)} rows of {len(SEVEN)} indicators")
    for indicator in SEVEN:
        if not any(k[0] == indicator for k in pdmon):
            print(f"  {indicator}: missing from pdmon's results")
            failed = True
    for name, figures in engines.items():
        diff = differences(pdmon, figures)
        print(f"  {name:30s} {len(diff)} differences")
        for key, x, y in diff[:5]:
            print(f"    {key}: pdmon {x}, {name} {y}")
        failed |= bool(diff)

    times, peaks = read_times(work)
    print("\ntimes in seconds (each engine as a user runs it: process start, loading and all)")
    print(f"  {'indicator':24s} {'shape':36s} {'pdmon':>8s} {'SQL':>8s} {'pandas':>8s} {'DuckDB':>8s}"
          f" {'/SQL':>8s} {'/pandas':>8s} {'/DuckDB':>8s}")

    def line(label, shape, p, s, pa, du):
        cells = "".join(f" {v:8.3f}" if v is not None else f" {'-':>8s}" for v in (p, s, pa, du))
        print(f"  {label:24s} {shape:36s}{cells} {ratio(p, s)} {ratio(p, pa)} {ratio(p, du)}")

    for indicator in SEVEN:
        line(indicator, SHAPES[indicator], times.get(f"pdmon:{indicator}"), times.get(f"sql:{indicator}"),
             times.get(f"pandas:{indicator}"), times.get(f"duckdb:{indicator}"))
    line("load CSV", "(pandas and DuckDB only)", None, None, times.get("pandas:load"), times.get("duckdb:load"))
    line("seven together", "one process each", times.get("pdmon:seven"), times.get("sql:seven"),
         times.get("pandas:process"), times.get("duckdb:process"))
    line("full pack", f"pdmon: every indicator", times.get("pdmon:full"), times.get("sql:seven"),
         times.get("pandas:process"), times.get("duckdb:process"))
    print("  (per-indicator pandas and DuckDB times exclude loading the CSVs; 'seven together' includes it)")

    print("\nimport (pdmon import against the sqlite3 shell's .import of the same file into a plain table)")
    for entity in ("organizations", "staff", "activities", "communities", "documents", "events", "participation",
                   "registries"):
        t = times.get(f"import:{entity}")
        rows = times.get(f"rows:{entity}")
        if t is None:
            continue
        base = times.get(f"sqlite_import:{entity}")
        rate = f"{rows / t:10.0f} rows/s" if rows and t else ""
        print(f"  {entity:14s} {int(rows or 0):9d} rows {t:8.3f} s {rate}  peak {peaks[f'import:{entity}'] / 1024:7.1f} MB"
              + (f"  .import {base:7.3f} s  ratio {ratio(t, base)}" if base else ""))
    print("\npeak RSS: " + ", ".join(f"{k} {v / 1024:.1f} MB" for k, v in peaks.items()
                                    if k in ("pdmon:full", "pdmon:seven") and v))
    cycles = [times[f"cycle:{n}"] for n in range(1, 100000) if f"cycle:{n}" in times]
    if cycles:
        worst = max(peaks[f"cycle:{n}"] for n in range(1, len(cycles) + 1))
        print(f"cycle run, one per municipality in turn ({len(cycles)}): first {cycles[0]:.3f} s, last {cycles[-1]:.3f} s,"
              f" total {sum(cycles):.3f} s, last/first {ratio(cycles[-1], cycles[0]).strip()}, peak {worst / 1024:.1f} MB")
    known = ("pdmon:", "sql:", "pandas:", "duckdb:", "import:", "rows:", "sqlite_import:", "cycle:")
    further = [k for k in times if not k.startswith(known)]
    if further:
        print("\nfurther steps (tests/bench/steps/)")
        for k in further:
            peak = peaks.get(k, 0)
            print(f"  {k:40s} {times[k]:9.3f} s" + (f"  peak {peak / 1024:7.1f} MB" if peak else ""))
    print("\nagreement: " + ("FAILED" if failed else "all four agree"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
