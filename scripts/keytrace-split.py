#!/usr/bin/env python3
"""Split each keystroke's time into its steps, from a KUSEI_KEYTRACE file
(see src/keytrace.rs): run kusei with KUSEI_KEYTRACE=/tmp/x.trace under
scripts/search-latency.py, then

    scripts/keytrace-split.py /tmp/x.trace

For every query number: key (screen) -> db (database thread) -> start
(search thread) -> first scan / ranking / rows read (the staged or only
answer) -> recv (screen) -> drawn (the first frame showing it). Prints the
median and p95 of each step in ms, over the keys whose answer was drawn.
"""

import sys
from collections import defaultdict

STEPS = ["db", "start", "scan", "rank", "rows", "recv", "drawn"]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))] if v else float("nan")


def main():
    marks = defaultdict(dict)
    current = None  # the query the search thread is answering
    for line in open(sys.argv[1]):
        try:
            us, what, seq = line.split()
            us, seq = int(us), int(seq)
        except ValueError:
            continue
        if what == "start":
            current = seq
        if what in ("scan1", "scan_all", "scan_entries", "scan_extend", "scan_newest"):
            seq, what = current, "scan"
            marks[seq].setdefault("kind", set()).add(what)
        if what in ("rank1", "rank"):
            seq, what = current, "rank"
        if what in ("early", "full"):
            what = "rows"
        if seq is None:
            continue
        m = marks[seq]
        if what == "drawn":
            if "recv" in m and "drawn" not in m:
                m["drawn"] = us
            continue
        m.setdefault(what, us)  # the first of each (the staged answer)
    split = defaultdict(list)
    total = []
    for seq, m in marks.items():
        if "key" not in m or "drawn" not in m:
            continue
        prev = m["key"]
        for s in STEPS:
            if s in m:
                split[s].append((m[s] - prev) / 1000)
                prev = m[s]
        total.append((m["drawn"] - m["key"]) / 1000)
    print(f"{'step':<8} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8}  (ms, from the step before)")
    for s in STEPS:
        v = split[s]
        if v:
            print(f"{s:<8} {len(v):>4} {pct(v, .5):8.2f} {pct(v, .95):8.2f} {max(v):8.2f}")
    print(f"{'key→drawn':<8} {len(total):>4} {pct(total, .5):8.2f} {pct(total, .95):8.2f} {max(total):8.2f}")


if __name__ == "__main__":
    main()
