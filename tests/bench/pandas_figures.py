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


def employment_spans(rows):
    """The employment spans of staff.csv as pdmon builds them: a row is a span
    from its hire date (else the first day of the career) to its leave date;
    a worker is in one span at a time, so a span ends the day before the
    next one of the same worker begins."""
    spans = rows[["id", "organization_id", "position", "birth_year", "hire_date", "leave_date"]].copy()
    spans["birth_year"] = spans["birth_year"].astype(int)
    spans["from"] = rows["hire_date"].where(rows["hire_date"] != "", rows["career_start_year"] + "-01-01")
    spans["to"] = rows["leave_date"].where(rows["leave_date"] != "", None)
    spans = spans.sort_values(["id", "from"], kind="stable")
    following = spans.groupby("id")["from"].shift(-1)
    day_before = (pd.to_datetime(following) - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    cut = following.notna() & (spans["to"].isna() | (spans["to"] >= following))
    spans.loc[cut, "to"] = day_before[cut]
    return spans


def employed_on(spans, day):
    """Workers employed on day (ISO), one row each: where and as what."""
    return spans[(spans["from"] <= day) & (spans["to"].isna() | (spans["to"] >= day))]


def attributed(acts, spans):
    """Activities with the organization and position of their worker on their date."""
    joined = acts.merge(spans[["id", "organization_id", "position", "from", "to"]], left_on="staff_id", right_on="id")
    return joined[(joined["from"] <= joined["date"]) & (joined["to"].isna() | (joined["to"] >= joined["date"]))]


def main():
    csv_dir, period, out_path, times_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    times = {}
    t0 = time.perf_counter()
    text = {"dtype": str, "keep_default_na": False}
    orgs = pd.read_csv(f"{csv_dir}/organizations.csv", usecols=["id", "kind"], **text)
    rows_of_staff = pd.read_csv(f"{csv_dir}/staff.csv", **text)
    for column in ("hire_date", "leave_date"):  # files without the employment history
        if column not in rows_of_staff.columns:
            rows_of_staff[column] = ""
    spans = employment_spans(rows_of_staff)
    acts = pd.read_csv(f"{csv_dir}/activities.csv", usecols=["staff_id", "kind", "date", "role", "partner_id"], **text)
    docs = pd.read_csv(f"{csv_dir}/documents.csv", usecols=["kind", "date", "title"], **text)
    try:
        registries = pd.read_csv(f"{csv_dir}/registries.csv", usecols=["registry", "staff_id", "partner_id", "from_date",
                                                                       "to_date"], **text)
    except FileNotFoundError:  # data without registries
        registries = pd.DataFrame(columns=["registry", "staff_id", "partner_id", "from_date", "to_date"])
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

    staff = employed_on(spans, year_to)
    teachers = staff[staff["position"] == "teacher"]
    teachers_and_heads = staff[staff["position"].isin(["teacher", "head", "deputy"])]
    heads = staff[staff["position"].isin(["head", "deputy"])]

    def teachers_diagnosed():
        share_rows("teachers_diagnosed", teachers, teachers["id"].isin(staff_with("diagnostic")))

    def members_on(registry, day):
        r = registries[registries["registry"] == registry]
        return r[(r["from_date"] <= day) & ((r["to_date"] == "") | (r["to_date"] >= day))]

    def tutors():
        diagnosed = staff_with("diagnostic", f"2021-01-01", year_to)
        tutoring = staff_with("tutoring") | set(members_on("tutor", year_to)["staff_id"])
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
        # the partner was a head on the day of the mentoring
        p = a.merge(spans[["id", "position", "from", "to"]], left_on="partner_id", right_on="id")
        p = p[(p["from"] <= p["date"]) & (p["to"].isna() | (p["to"] >= p["date"])) & p["position"].isin(["head", "deputy"])]
        # or a mentee in the registry on the last day, whose mentor is a head that day
        m = members_on("mentee", year_to).merge(staff[["id", "position"]], left_on="partner_id", right_on="id")
        m = m[m["position"].isin(["head", "deputy"])]
        share_rows("heads_mentored", heads, heads["id"].isin(set(p["staff_id"]) | set(m["staff_id"])))

    def schools_on_platform():
        a = in_window(acts[acts["kind"] == "platform_use"], year_from, year_to)
        with_use = set(attributed(a, spans)["organization_id"])
        school = orgs["kind"] == "school"
        whole = pd.DataFrame({"organization_id": orgs["id"][school]})
        share_rows("schools_on_platform", whole, whole["organization_id"].isin(with_use))

    def association_programmes():
        d = docs[(docs["kind"] == "programme") & docs["title"].str.contains("методических объединений", regex=False)
                 & (docs["date"] <= year_to)]
        count_rows("association_programmes", d["organization_id"])

    def diagnosed_growth():
        # each year's teachers are those employed on its last day
        base_to = f"{period - 1}-12-31"
        base_teachers = employed_on(spans, base_to)
        base_teachers = base_teachers[base_teachers["position"] == "teacher"]
        current = pd.DataFrame({"org": teachers["organization_id"],
                                "cur": teachers["id"].isin(staff_with("diagnostic")).astype(int)})
        base = pd.DataFrame({"org": base_teachers["organization_id"],
                             "base": base_teachers["id"].isin(staff_with("diagnostic", f"{period - 1}-01-01", base_to)).astype(int)})
        g_cur = current.groupby("org").agg(cur=("cur", "sum"), den=("cur", "size"))
        g_base = base.groupby("org").agg(base=("base", "sum"), bden=("base", "size"))
        grouped = g_cur.join(g_base, how="outer").fillna(0)
        sums = grouped.to_dict("index")

        def row(org, g):
            cur, base = percent(g["cur"], g["den"]), percent(g["base"], g["bden"])
            if cur is None or base is None:
                return ("diagnosed_growth", org, "", None, None, None)
            value = round2((cur - base) / abs(base) * 100) if base != 0 else None
            return ("diagnosed_growth", org, "", cur, base, value)

        for o in org_ids:
            g = sums.get(o, {"cur": 0, "base": 0, "den": 0, "bden": 0})
            rows.append(row(o, {k: int(v) for k, v in g.items()}))
        total = {k: int(grouped[k].sum()) for k in ("cur", "base", "den", "bden")}
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
