#!/usr/bin/env python3
"""Key -> first frame drawn with that key's answer, from a KUSEI_KEYTRACE
file, beside what scripts/search-latency.py measured for the same run
(its --keys FILE):

    KUSEI_KEYTRACE=/tmp/x.trace scripts/search-latency.py ... --keys /tmp/x.keys
    scripts/keytrace-first-drawn.py /tmp/x.trace /tmp/x.keys

search-latency.py sees a key's answer when the overlay's title changes. A
staged first answer whose title repeats the last one (same count, same
"x.x ms") is not seen, and the key is timed to a later frame (the full
answer, often 100-800 ms). This prints how many keys the script timed more
than 30 ms after the trace's first frame for them, and p50/p95/max of the
trace's key -> first frame drawn over the same keys.
"""

import collections
import json
import sys


def main():
    ev = collections.defaultdict(list)
    text = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        parts = line.rstrip("\n").split(" ", 2)
        us, what = int(parts[0]), parts[1]
        if what.startswith("text:"):
            text[int(parts[2])] = what[5:].replace("\u2423", " ")
            continue
        ev[int(parts[2])].append((us, what))
    # Ctrl-U sends the blank query; the first non-blank one is the script's
    # wait for the index.
    seqs = [s for s in sorted(text) if text[s] != ""][1:]
    keys = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
    late, times = 0, []
    for s, k in zip(seqs, keys):
        if text[s].strip() != k["typed"].strip():
            raise SystemExit(f"trace and keys differ at seq {s}: {text[s]!r} / {k['typed']!r}")
        e = ev[s]
        recv = next((u for u, w in e if w == "recv"), None)
        drawn = next((u for u, w in e if w == "drawn" and recv is not None and u >= recv), None)
        if drawn is None:
            if k["ms"] is not None:
                times.append(k["ms"])
            continue
        ms = (drawn - e[0][0]) / 1000
        times.append(ms)
        if k["ms"] is not None and k["ms"] > ms + 30:
            late += 1
    times.sort()
    pct = lambda q: times[min(len(times) - 1, round((len(times) - 1) * q))]
    print(f"keys {len(times)}, timed late by the script: {late}; "
          f"key -> first frame drawn p50 {pct(.5):.1f} p95 {pct(.95):.1f} max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
