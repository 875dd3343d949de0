#!/usr/bin/env python3
"""Whole-process figures of the kusei CLI, each binary on its own copy of
the same data, so a baseline build and the current one are compared in the
same run (medians with min–max):

- `kusei search Q` ÷ `rg -F -c Q` over the same opinions, one per line
  (queries 団地, 子育て, 防災訓練, 区運営方針, 超過, 区); the first search
  on a new file (which builds the index and, from the persist branch on,
  writes `<db>.search-index`) is reported apart, and so is a search right
  after a one-opinion write (the file's index plus the change-log tail);
- a one-opinion write (`kusei import` of a JSON with one new meeting, one
  agenda item and one opinion) on the big file, and on a file of each
  `--write-opinions` size (e.g. 200000,1000000);
- JSON import of N opinions into an empty file (opinions/s): `kusei gen`,
  `kusei export --format json`, then `kusei import` into a new file; and
  the resulting file's size ÷ the `kusei gen` file of the same data (both
  checkpointed; the audit log's share of each file from `dbstat` when the
  sqlite3 tool has it).

    scripts/cli_figures.py --kusei target/release/kusei [--kusei OLD] \
        [--opinions 200000] [--import-opinions 100000] [--runs 5] \
        [--write-opinions 200000,1000000] [--skip-search]

Needs rg (apt-get install ripgrep). Each binary generates its own database
with `kusei gen` (an older schema cannot open a newer file). Work files go
to target/cli-figures/.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

QUERIES = ["団地", "子育て", "防災訓練", "区運営方針", "超過", "区"]


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def spread(xs):
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}–{max(xs):.3f})"


def fresh(path):
    for suffix in ("", "-wal", "-shm", ".search-index", ".search-index.lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def checkpoint(path):
    subprocess.run(["sqlite3", path, "PRAGMA wal_checkpoint(TRUNCATE);"],
                   check=True, stdout=subprocess.DEVNULL)


def audit_share(path):
    """The audit log's share of the file (table and its indexes), or None
    when this sqlite3 has no dbstat."""
    q = ("SELECT round(100.0 * sum(CASE WHEN name = 'audit_log' OR name LIKE 'audit_%' "
         "THEN pgsize ELSE 0 END) / sum(pgsize), 1) FROM dbstat;")
    out = subprocess.run(["sqlite3", path, q], capture_output=True, text=True)
    return f"{out.stdout.strip()} %" if out.returncode == 0 and out.stdout.strip() else None


def one_meeting(template, n):
    """A JSON with one new meeting (number 900 + n) of one item and opinion."""
    with open(template) as f:
        d = json.load(f)
    m = dict(d["meetings"][0])
    item = dict(m["items"][0])
    item["opinions"] = item.get("opinions", [])[:1]
    m["items"] = [item]
    m["number"] = 900 + n
    m["fiscal_year"] = 2099
    m["date"] = "2099-05-01"
    return {"committees": d["committees"][:0], "meetings": [m], "plans": []}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kusei", action="append", required=True)
    ap.add_argument("--opinions", type=int, default=200_000)
    ap.add_argument("--import-opinions", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default="target/cli-figures")
    ap.add_argument("--search-only", action="store_true",
                    help="only the search figures (no write, import or size)")
    ap.add_argument("--write-opinions", default="",
                    help="comma-separated file sizes for the one-opinion write")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--alternate-imports", type=int, default=0, metavar="N",
                    help="then N rounds of the JSON import, the binaries taking turns "
                         "on the first binary's JSON: wall and CPU (user + sys) each")
    a = ap.parse_args()
    if not a.skip_search and not shutil.which("rg"):
        sys.exit("rg がありません（apt-get install ripgrep）")
    os.makedirs(a.dir, exist_ok=True)
    lines = os.path.join(a.dir, f"lines-{a.opinions}.txt")
    results = {}
    for k, exe in enumerate(a.kusei):
        exe = os.path.abspath(exe)
        tag = f"bin{k}"
        db = os.path.join(a.dir, f"{tag}-{a.opinions}.db")
        fresh(db)
        subprocess.run([exe, "--db", db, "gen", "--opinions", str(a.opinions), "--seed", "1",
                        "--lines", lines], check=True, stdout=subprocess.DEVNULL)
        r = {"binary": exe, "search": {}}
        if not a.skip_search:
            r["first_search_s"] = f"{timed([exe, '--db', db, 'search', '--limit', '20', QUERIES[0]]):.3f}"
        for q in [] if a.skip_search else QUERIES:
            ks = [timed([exe, "--db", db, "search", "--limit", "20", q]) for _ in range(a.runs)]
            rs = [timed(["rg", "-F", "-c", q, lines]) for _ in range(a.runs)]
            ratio = [x / y for x, y in zip(sorted(ks), sorted(rs))]
            r["search"][q] = {"kusei_s": spread(ks), "rg_s": spread(rs),
                              "ratio": round(statistics.median(ks) / statistics.median(rs), 1),
                              "ratio_range": f"{min(ratio):.1f}–{max(ratio):.1f}"}
        if a.search_only:
            results[tag] = r
            print(json.dumps(r, ensure_ascii=False, indent=1), flush=True)
            continue
        # One-opinion writes on the big file.
        export = os.path.join(a.dir, f"{tag}-small-export.json")
        small = os.path.join(a.dir, f"{tag}-small.db")
        fresh(small)
        subprocess.run([exe, "--db", small, "gen", "--opinions", "200", "--seed", "3"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(export, "w") as f:
            subprocess.run([exe, "--db", small, "export", "--format", "json"], check=True, stdout=f)
        writes = []
        for n in range(a.runs):
            one = os.path.join(a.dir, f"{tag}-one-{n}.json")
            with open(one, "w") as f:
                json.dump(one_meeting(export, n), f, ensure_ascii=False)
            writes.append(timed([exe, "--db", db, "import", one]))
        r["one_opinion_write_s"] = spread(writes)
        if not a.skip_search:
            after = [timed([exe, "--db", db, "search", "--limit", "20", "団地"]) for _ in range(a.runs)]
            r["search_after_writes_s"] = spread(after)
        for size in [int(x) for x in a.write_opinions.split(",") if x]:
            big = db if size == a.opinions else os.path.join(a.dir, f"{tag}-{size}.db")
            if big != db:
                fresh(big)
                subprocess.run([exe, "--db", big, "gen", "--opinions", str(size), "--seed", "1"],
                               check=True, stdout=subprocess.DEVNULL)
                checkpoint(big)
            ws = []
            for n in range(a.runs):
                one = os.path.join(a.dir, f"{tag}-one-{size}-{n}.json")
                with open(one, "w") as f:
                    json.dump(one_meeting(export, 50 + n), f, ensure_ascii=False)
                ws.append(timed([exe, "--db", big, "import", one]))
            r[f"one_opinion_write_s_at_{size}"] = spread(ws)
            r[f"file_mb_at_{size}"] = round(os.path.getsize(big) / 1e6, 1)
        # Import rate and file size.
        gen_db = os.path.join(a.dir, f"{tag}-gen-{a.import_opinions}.db")
        fresh(gen_db)
        subprocess.run([exe, "--db", gen_db, "gen", "--opinions", str(a.import_opinions),
                        "--seed", "2"], check=True, stdout=subprocess.DEVNULL)
        checkpoint(gen_db)
        js = os.path.join(a.dir, f"{tag}-{a.import_opinions}.json")
        with open(js, "w") as f:
            subprocess.run([exe, "--db", gen_db, "export", "--format", "json"], check=True, stdout=f)
        rates, ratio = [], []
        for n in range(max(1, a.runs // 2)):
            imp = os.path.join(a.dir, f"{tag}-imported.db")
            fresh(imp)
            # Create the schema first: the import alone is timed.
            subprocess.run([exe, "--db", imp, "export", "--format", "json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t = timed([exe, "--db", imp, "import", js])
            rates.append(a.import_opinions / t)
            checkpoint(imp)
            ratio.append(os.path.getsize(imp) / os.path.getsize(gen_db))
        r["import_opinions_per_s"] = f"{statistics.median(rates):.0f} ({min(rates):.0f}–{max(rates):.0f})"
        r["import_size_ratio"] = f"{statistics.median(ratio):.2f} ({min(ratio):.2f}–{max(ratio):.2f})"
        r["gen_file_mb"] = round(os.path.getsize(gen_db) / 1e6, 1)
        r["imported_file_mb"] = round(os.path.getsize(imp) / 1e6, 1)
        r["audit_share_gen"] = audit_share(gen_db)
        r["audit_share_imported"] = audit_share(imp)
        # `kusei gen` audits its rows too (since issue 11), so the ratio
        # above compares two audited files; the 3.4 compared with
        # the data alone: the gen file without its audit log's pages.
        share = r["audit_share_gen"]
        if share:
            data_only = os.path.getsize(gen_db) * (1 - float(share.rstrip(" %")) / 100)
            r["import_size_ratio_to_data_only"] = round(os.path.getsize(imp) / data_only, 2)
        results[tag] = r
        print(json.dumps(r, ensure_ascii=False, indent=1), flush=True)
    if a.alternate_imports:
        alternate(a, results)
    return 0


def timed_cpu(cmd):
    """Wall and CPU (user + sys) seconds of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime


def alternate(a, results):
    """The JSON import of every binary in turn, N rounds: at a shared
    machine's changing load, taking turns compares like with like."""
    js = os.path.join(a.dir, f"bin0-{a.import_opinions}.json")
    if not os.path.exists(js):
        sys.exit("--alternate-imports は取り込みの計測（--search-only なし）の後に使えます")
    walls = {k: [] for k in range(len(a.kusei))}
    cpus = {k: [] for k in range(len(a.kusei))}
    loads = []
    for _ in range(a.alternate_imports):
        for k, exe in enumerate(a.kusei):
            exe = os.path.abspath(exe)
            imp = os.path.join(a.dir, f"bin{k}-alternate.db")
            fresh(imp)
            subprocess.run([exe, "--db", imp, "export", "--format", "json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            loads.append(os.getloadavg()[0])
            wall, cpu = timed_cpu([exe, "--db", imp, "import", js])
            walls[k].append(wall)
            cpus[k].append(cpu)
    out = {}
    for k, exe in enumerate(a.kusei):
        rates = [a.import_opinions / w for w in walls[k]]
        out[f"bin{k}"] = {
            "binary": os.path.abspath(exe),
            "import_opinions_per_s": f"{statistics.median(rates):.0f} "
                                     f"({min(rates):.0f}–{max(rates):.0f})",
            "cpu_s_per_import": spread(cpus[k]),
        }
    if len(a.kusei) > 1:
        med = [statistics.median(walls[k]) for k in range(len(a.kusei))]
        out["wall_ratio_bin0_over_binN"] = [round(med[0] / m, 2) for m in med]
    out["load_average"] = f"{min(loads):.1f}–{max(loads):.1f}"
    print(json.dumps({"alternating_imports": out}, ensure_ascii=False, indent=1), flush=True)


if __name__ == "__main__":
    sys.exit(main())
