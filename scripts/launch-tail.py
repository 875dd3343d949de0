#!/usr/bin/env python3
"""Launch → first search answer for the FIRST session after colleagues'
changes: the index file is put back to a saved copy written before the
last N changes (so the app maps it and applies the change log's tail), one
app is started in a pseudo-terminal and asked `団地` (multisession.py's
App.first_answer), then killed. Binaries alternate run by run.

    scripts/launch-tail.py --db big.db --saved big.idx --runs 3 \
        --kusei main=/tmp/kusei-main --kusei new=target/release/kusei

The saved copy must be the index file of this database (same change-log
mark); make the changes after saving it (e.g. sqlite3 UPDATE of opinions).
Prints median (min–max) per binary and a JSON line.
"""
import argparse, json, os, shutil, signal, sqlite3, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from multisession import App  # noqa: E402


def restore(saved, db):
    tmp = db + ".search-index.tmp-bench"
    shutil.copyfile(saved, tmp)
    os.replace(tmp, db + ".search-index")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--saved", required=True)
    ap.add_argument("--kusei", action="append", required=True, help="label=path")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    bins = [k.split("=", 1) for k in a.kusei]
    con = sqlite3.connect(a.db)
    seq = con.execute("SELECT max(seq) FROM search_changes").fetchone()[0]
    con.close()
    times = {label: [] for label, _ in bins}
    for _ in range(a.runs):
        for label, path in bins:
            restore(a.saved, a.db)
            app = App(os.path.abspath(path), a.db)
            t = app.first_answer(60)
            os.kill(app.pid, signal.SIGKILL)
            os.waitpid(app.pid, 0)
            times[label].append(t)
            time.sleep(0.5)
    out = {"latest_seq": seq}
    for label, ts in times.items():
        ok = [t for t in ts if t is not None]
        if ok:
            print(f"{label}: {statistics.median(ok)*1000:.0f} ms "
                  f"({min(ok)*1000:.0f}–{max(ok)*1000:.0f}) n={len(ok)}/{len(ts)}")
        out[label] = [None if t is None else round(t * 1000) for t in ts]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
