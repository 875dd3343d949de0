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

Two figures per run:
- `quiet`: multisession.py's App.first_answer (first frame + 0.3 s of quiet,
  `/`, 0.3 s of quiet, `団地` typed → `N 件`); the two quiet waits can hide
  up to 0.6 s of index loading (the index loads from `/` on).
- `direct` (default): the wall time from launch to `N 件`, typing `/団地` as
  soon as the first frame has ended: nothing the index does is hidden.

`--restore each` puts the saved copy back before every run (a new inode:
no session has checked that file yet); `--restore once` (default) only when
the file at the path is not the one put back last (an app replaced it), as
on a server where the file stays between sessions. The copy keeps the
saved file's mtime (shutil.copy2).
"""
import argparse, json, os, re, shutil, signal, sqlite3, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from multisession import App, END_SYNC  # noqa: E402


def restore(saved, db):
    tmp = db + ".search-index.tmp-bench"
    shutil.copy2(saved, tmp)
    os.replace(tmp, db + ".search-index")
    st = os.stat(db + ".search-index")
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def current(db):
    try:
        st = os.stat(db + ".search-index")
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def direct_answer(app, limit=60):
    """Launch → `N 件` (seconds), `/団地` typed as soon as the first frame
    has ended; None on timeout."""
    if app.wait_for(re.escape(END_SYNC), limit) is None:
        return None
    # The first frame may say 件 (the calendar); the search title says
    # "検索  N 件" once answered.
    app.tail = b""
    app.send(b"/")
    app.send("団地".encode())
    at = app.wait_for("[0-9] 件".encode(), limit)
    app.send(b"\x1b")
    return None if at is None else at - app.started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--saved", required=True)
    ap.add_argument("--kusei", action="append", required=True, help="label=path")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--restore", choices=["once", "each"], default="once")
    ap.add_argument("--measure", choices=["direct", "quiet"], default="direct")
    ap.add_argument("--prime", action="store_true",
                    help="after each restore, run `search 団地` once with every binary "
                    "(unmeasured): a build that notes checked files has then noted it, "
                    "as the writer of a file does")
    a = ap.parse_args()
    bins = [k.split("=", 1) for k in a.kusei]
    con = sqlite3.connect(a.db)
    seq = con.execute("SELECT max(seq) FROM search_changes").fetchone()[0]
    con.close()
    times = {label: [] for label, _ in bins}
    put = None
    for _ in range(a.runs):
        for label, path in bins:
            if a.restore == "each" or put is None or current(a.db) != put:
                put = restore(a.saved, a.db)
                if a.prime:
                    for _, p in bins:
                        subprocess.run([os.path.abspath(p), "--db", a.db, "search", "団地"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            app = App(os.path.abspath(path), a.db)
            if a.measure == "direct":
                t = direct_answer(app, 60)
            else:
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
