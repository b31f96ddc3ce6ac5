#!/usr/bin/python3
"""The benchmark's seven figures computed by pandas straight from the CSV files.

Usage: pandas_figures.py CSV_DIR PERIOD OUT.csv TIMES.json
Writes rows indicator,organization,group,numerator,denominator,value (the
total has an empty organization) and the seconds each step took.
"""
import json
import math
import sys
import time

import pandas as pd


def percent(num, den):
    """Two-decimal percentage, half up, from exact integers (as pdmon states it)."""
    return ((num * 20000 + den) // (2 * den)) / 100 if den > 0 else None


def round2(x):
    if x >= 0:
        return math.floor(x * 100 + 0.5 + 1e-9) / 100
    return -math.floor(-x * 100 + 0.5 + 1e-9) / 100


def main():
    csv_dir, period, out_path, times_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    times = {}
    t0 = time.perf_counter()
    text = {"dtype": str, "keep_default_na": False}
    orgs = pd.read_csv(f"{csv_dir}/organizations.csv", usecols=["id", "kind"], **text)
    staff = pd.read_csv(f"{csv_dir}/staff.csv", usecols=["id", "organization_id", "position", "birth_year"],
                        dtype={"id": str, "organization_id": str, "position": str})
    acts = pd.read_csv(f"{csv_dir}/activities.csv", usecols=["staff_id", "kind", "date", "role", "partner_id"], **text)
    docs = pd.read_csv(f"{csv_dir}/documents.csv", usecols=["kind", "date", "title"], **text)
    if "organization_id" not in docs.columns:
        docs["organization_id"] = ""
    times["load"] = time.perf_counter() - t0

    org_ids = orgs["id"].tolist()
    year_from, year_to = f"{period}-01-01", f"{period}-12-31"
    rows = []

    def in_window(frame, first, last):
        return frame[(frame["date"] >= first) & (frame["date"] <= last)]

    def staff_with(kind, first=year_from, last=year_to):
        a = acts[acts["kind"] == kind]
        return set(in_window(a, first, last)["staff_id"])

    def share_rows(name, whole, part_mask):
        per = pd.DataFrame({"org": whole["organization_id"], "num": part_mask.astype(int)})
        grouped = per.groupby("org").agg(num=("num", "sum"), den=("num", "size"))
        num, den = grouped["num"].to_dict(), grouped["den"].to_dict()
        for o in org_ids:
            n, d = int(num.get(o, 0)), int(den.get(o, 0))
            rows.append((name, o, "", n, d, percent(n, d)))
        n, d = int(grouped["num"].sum()), int(grouped["den"].sum())
        rows.append((name, "", "", n, d, percent(n, d)))

    def count_rows(name, org_column):
        counts = org_column.value_counts().to_dict()
        for o in org_ids:
            n = int(counts.get(o, 0))
            rows.append((name, o, "", n, None, n))
        rows.append((name, "", "", int(len(org_column)), None, int(len(org_column))))

    def timed(name, fn):
        t = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t

    teachers = staff[staff["position"] == "teacher"]
    teachers_and_heads = staff[staff["position"].isin(["teacher", "head", "deputy"])]
    heads = staff[staff["position"].isin(["head", "deputy"])]

    def teachers_diagnosed():
        share_rows("teachers_diagnosed", teachers, teachers["id"].isin(staff_with("diagnostic")))

    def tutors():
        diagnosed = staff_with("diagnostic", f"2021-01-01", year_to)
        tutoring = staff_with("tutoring")
        chosen = teachers_and_heads[teachers_and_heads["id"].isin(diagnosed & tutoring)]
        count_rows("tutors", chosen["organization_id"])

    def young_staff():
        whole = teachers_and_heads
        young = (period - whole["birth_year"]) < 35
        share_rows("young_staff", whole, young)
        per = pd.DataFrame({"position": whole["position"], "num": young.astype(int)})
        grouped = per.groupby("position").agg(num=("num", "sum"), den=("num", "size"))
        for position, g in grouped.sort_index().iterrows():
            rows.append(("young_staff", "", position, int(g["num"]), int(g["den"]), percent(int(g["num"]), int(g["den"]))))

    def heads_mentored():
        a = in_window(acts[(acts["kind"] == "mentoring") & (acts["role"] == "mentee")], year_from, year_to)
        a = a.merge(heads[["id"]], left_on="partner_id", right_on="id")
        share_rows("heads_mentored", heads, heads["id"].isin(set(a["staff_id"])))

    def schools_on_platform():
        a = in_window(acts[acts["kind"] == "platform_use"], year_from, year_to)
        with_use = set(staff[staff["id"].isin(set(a["staff_id"]))]["organization_id"])
        school = orgs["kind"] == "school"
        whole = pd.DataFrame({"organization_id": orgs["id"][school]})
        share_rows("schools_on_platform", whole, whole["organization_id"].isin(with_use))

    def association_programmes():
        d = docs[(docs["kind"] == "programme") & docs["title"].str.contains("методических объединений", regex=False)
                 & (docs["date"] <= year_to)]
        count_rows("association_programmes", d["organization_id"])

    def diagnosed_growth():
        current = teachers["id"].isin(staff_with("diagnostic"))
        base = teachers["id"].isin(staff_with("diagnostic", f"{period - 1}-01-01", f"{period - 1}-12-31"))
        per = pd.DataFrame({"org": teachers["organization_id"], "cur": current.astype(int), "base": base.astype(int)})
        grouped = per.groupby("org").agg(cur=("cur", "sum"), base=("base", "sum"), den=("cur", "size"))
        sums = grouped.to_dict("index")

        def row(org, g):
            cur, base = percent(g["cur"], g["den"]), percent(g["base"], g["den"])
            if cur is None or base is None:
                return ("diagnosed_growth", org, "", None, None, None)
            value = round2((cur - base) / abs(base) * 100) if base != 0 else None
            return ("diagnosed_growth", org, "", cur, base, value)

        for o in org_ids:
            g = sums.get(o, {"cur": 0, "base": 0, "den": 0})
            rows.append(row(o, {k: int(v) for k, v in g.items()}))
        total = {k: int(grouped[k].sum()) for k in ("cur", "base", "den")}
        rows.append(row("", total))

    for name, fn in [("teachers_diagnosed", teachers_diagnosed), ("tutors", tutors), ("young_staff", young_staff),
                     ("heads_mentored", heads_mentored), ("schools_on_platform", schools_on_platform),
                     ("association_programmes", association_programmes), ("diagnosed_growth", diagnosed_growth)]:
        timed(name, fn)

    with open(out_path, "w") as out:
        for r in rows:
            out.write(",".join("" if v is None else str(v) for v in r) + "\n")
    times["total"] = time.perf_counter() - t0
    with open(times_path, "w") as f:
        json.dump(times, f)


if __name__ == "__main__":
    main()
