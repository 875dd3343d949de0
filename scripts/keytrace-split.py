#!/usr/bin/env python3
"""Split each keystroke's time into its steps, from a KUSEI_KEYTRACE file
(see src/keytrace.rs): run kusei with KUSEI_KEYTRACE=/tmp/x.trace under
scripts/search-latency.py, then

    scripts/keytrace-split.py /tmp/x.trace

For every query number: key (screen) -> db (database thread) -> start
(search thread) -> first scan / ranking / rows read (the staged or only
answer) -> recv (screen) -> frame (the screen starts the frame showing it)
-> drawn (that frame written). Prints the
median and p95 of each step in ms, over the keys whose answer was drawn.

    scripts/keytrace-split.py /tmp/x.trace --slow 0.95

also lists the keys at or above that quantile of key -> drawn, each with
its query text, its steps, the scans it ran and the frames drawn between
the key and its answer's frame.
"""

import sys
from collections import defaultdict

STEPS = ["db", "start", "scan", "rank", "rows", "recv", "frame", "drawn"]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))] if v else float("nan")


def main():
    marks = defaultdict(dict)
    current = None  # the query the search thread is answering
    frames = []  # times of every frame drawn
    for line in open(sys.argv[1]):
        try:
            us, what, seq = line.split()
            us, seq = int(us), int(seq)
        except ValueError:
            continue
        if what.startswith("text:"):
            marks[seq]["text"] = what[5:]
            continue
        if what == "start":
            current = seq
        if what in ("scan1", "scan_all", "scan_entries", "scan_extend", "scan_newest"):
            if current is not None:
                marks[current].setdefault("kinds", []).append(what)
            seq, what = current, "scan"
        if what in ("rank1", "rank"):
            seq, what = current, "rank"
        if what in ("early", "full"):
            what = "rows"
        if seq is None:
            continue
        m = marks[seq]
        if what == "frame":
            # The start of the frame that will show the answer received.
            if "recv" in m and "drawn" not in m:
                m["frame"] = us
            continue
        if what == "drawn":
            frames.append(us)
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
    if "--slow" in sys.argv:
        slow(marks, frames, float(sys.argv[sys.argv.index("--slow") + 1]))


def slow(marks, frames, q):
    """The keys at or above quantile `q` of key -> drawn, slowest first."""
    done = {seq: m for seq, m in marks.items() if "key" in m and "drawn" in m}
    totals = sorted((m["drawn"] - m["key"]) / 1000 for m in done.values())
    if not totals:
        return
    cut = pct(totals, q)
    print(f"\nkeys with key→drawn ≥ {cut:.1f} ms (p{round(q * 100)}):")
    print(f"{'seq':>5} {'total':>6} " + " ".join(f"{s:>6}" for s in STEPS) + "  frames  scans  text")
    for seq, m in sorted(done.items(), key=lambda kv: kv[1]["key"] - kv[1]["drawn"]):
        total = (m["drawn"] - m["key"]) / 1000
        if total < cut:
            continue
        prev, cols = m["key"], []
        for s in STEPS:
            if s in m:
                cols.append(f"{(m[s] - prev) / 1000:6.1f}")
                prev = m[s]
            else:
                cols.append(f"{'-':>6}")
        between = sum(1 for f in frames if m["key"] < f < m["drawn"])
        kinds = ",".join(k.replace("scan_", "") for k in m.get("kinds", []))
        print(f"{seq:>5} {total:6.1f} " + " ".join(cols) + f"  {between:>6}  {kinds:<5}  {m.get('text', '?')}")


if __name__ == "__main__":
    main()
