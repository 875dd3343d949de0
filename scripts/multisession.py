#!/usr/bin/env python3
"""N kusei apps in pseudo-terminals on one database file; one of them is
driven (minute taking: types opinions a character at a time and saves them,
so drafts, presence heartbeats and commits all happen); the others sit on
the calendar. Reports each app's CPU seconds during the driven window (from
/proc/PID/stat), its PSS at the end (/proc/PID/smaps_rollup) and its peak
RSS (VmHWM), and the sessions' total PSS.

    scripts/multisession.py --kusei target/release/kusei --db big.db \
        [--sessions 3] [--seconds 30] [--settle 60] [--label new]

The database must exist (e.g. `kusei --db big.db gen --opinions 200000`).
Prints one line per app and a JSON summary line (for the README table).

With --search, each app is started in turn and asked `団地` in its search
(`/`) as soon as its first frame is drawn; the time from starting the
process to the first results (`N 件` in the title) is its "launch → first
answer". The search is closed again (Esc) before the driven window, but
every session then holds its search index (mapped from
`<db>.search-index` when the build has one). --no-index-file deletes that
file first (the first session then builds and writes it).

Resident memory: besides PSS and peak RSS (VmHWM), each app's RSS once all
are idle before the window (the search closed: "steady"), and with
--steady-open S each viewer's RSS with its search open on 団地, 1 s and S s
after the answer (after the window, so the other figures are unchanged).

With --viewer-query Q, each viewer opens the search (/) and types Q
before the window, and leaves the search open: its answer is kept
current while the driver saves.

With --keys, no minute taking: once the apps are idle, the first app opens
the search (/) and types each query of --queries a character at a time (as
an IME commits them); for each keystroke it reports the time from writing
the key to the pseudo-terminal to the end of the last frame it caused (the
synchronized-update end, ESC [ ? 2026 l, before 300 ms of quiet): p50, p95
and max over all keystrokes, and p50 of the first characters.

    scripts/multisession.py --kusei target/release/kusei --db big.db \
        --sessions 1 --keys [--queries 団地,子育て,防災訓練,区運営方針,超過,区]
"""

import re

import argparse
import fcntl
import json
import os
import pty
import select
import subprocess
import signal
import sqlite3
import struct
import sys
import termios
import time

TICK = os.sysconf("SC_CLK_TCK")
TEXT = "地域の防災訓練について団地の自治会から意見がありました"
END_SYNC = b"\x1b[?2026l"
QUERIES = "団地,子育て,防災訓練,区運営方針,超過,区"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based) of the whole line.
    return (int(parts[11]) + int(parts[12])) / TICK


def threads(pid):
    """CPU seconds by thread name (kusei-search, kusei-index, …)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                line = f.read()
        except OSError:
            continue
        name = line[line.index("(") + 1:line.rindex(")")]
        parts = line.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0) + (int(parts[11]) + int(parts[12])) / TICK
    return out


def pss_mib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def hwm_mib(pid, field="VmHWM"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mib(pid):
    return hwm_mib(pid, "VmRSS")


def steady_open(apps, query, seconds):
    """Each app in turn opens the search, asks `query` and leaves it open:
    its RSS 1 s after the answer and `seconds` s after it; then closes it."""
    fresh, later = [], []
    for x in apps:
        x.send(b"/")
        x.quiet(0.3, 10)
        x.tail = b""
        x.send(query.encode())
        x.wait_for("件".encode(), 60)
        pump(apps, 1.0)
        fresh.append(rss_mib(x.pid))
        pump(apps, max(0.0, seconds - 1.0))
        later.append(rss_mib(x.pid))
        x.send(b"\x1b")
        pump(apps, 0.5)
    return fresh, later


class App:
    def __init__(self, kusei, db):
        pid, fd = pty.fork()
        if pid == 0:
            env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
            os.execve(kusei, [kusei, "--db", db], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        self.pid, self.fd, self.seen, self.frames = pid, fd, 0, 0
        self.started, self.tail = time.time(), b""
        self.dump = None

    def drain(self):
        while True:
            r, _, _ = select.select([self.fd], [], [], 0)
            if not r:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.seen += len(data)
            if self.dump is not None:
                self.dump.write(b"\n@@%.3f@@" % time.time() + data)
            # The tail keeps 7 bytes: a frame end split across two reads is
            # counted once, one ending the last read not again.
            self.frames += (self.tail[-7:] + data).count(END_SYNC)
            self.tail = (self.tail + data)[-65536:]

    def wait_for(self, pattern, limit):
        """Seconds until `pattern` (bytes regex) shows in new output; None."""
        end = time.time() + limit
        while time.time() < end:
            self.drain()
            if re.search(pattern, self.tail):
                return time.time()
            time.sleep(0.002)
        return None

    def quiet(self, gap, limit):
        """Wait until no output for `gap` s; the time of the last byte."""
        end, last, seen = time.time() + limit, time.time(), self.seen
        while time.time() < end:
            self.drain()
            if self.seen != seen:
                seen, last = self.seen, time.time()
            elif time.time() - last >= gap:
                return last
            time.sleep(0.005)
        return None

    def first_answer(self, limit=120):
        """Launch → first answer (seconds), or None: the first frame (the
        time of its last byte), then `/` and `団地` typed; launch → first
        frame plus `団地` typed → `N 件` in the search title. The search
        index starts loading only with the first query, so the sum is the
        time a user typing at once would wait (an upper bound)."""
        if self.wait_for(rb".", limit) is None:
            return None
        frame = self.quiet(0.3, limit)
        self.send(b"/")
        if frame is None or self.quiet(0.3, limit) is None:
            return None
        self.tail = b""
        asked = time.time()
        self.send("団地".encode())
        at = self.wait_for("件".encode(), limit)
        self.send(b"\x1b")
        return None if at is None else (frame - self.started) + (at - asked)

    def send(self, b):
        os.write(self.fd, b)

    def frames_after(self, quiet=0.3, limit=3.0):
        """Read until `quiet` s without output (at most `limit` s); the
        time of the last frame end seen, or None."""
        start = time.time()
        last_frame = None
        tail = b""
        while time.time() - start < limit:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            self.seen += len(data)
            if END_SYNC in tail + data:
                last_frame = time.time()
            tail = data[-len(END_SYNC):]
        return last_frame

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.time() + 10
        while time.time() < deadline:
            self.drain()
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def pump(apps, seconds):
    end = time.time() + seconds
    while time.time() < end:
        for a in apps:
            a.drain()
        time.sleep(0.02)


def checking(pid):
    """Whether the app's start-up integrity check (thread `kusei-check`, which
    sleeps 2 s and then runs `quick_check` at nice 19) has not ended yet."""
    try:
        return "kusei-check" in threads(pid)
    except OSError:
        return False


def settle(apps, limit):
    """Wait until every app is idle (under 0.05 CPU-s per second) and its
    start-up check has ended, or `limit` s. On a loaded machine the niced
    check can sit idle for seconds and then run inside the measured window."""
    start = time.time()
    last = [cpu_seconds(a.pid) for a in apps]
    while time.time() - start < limit:
        pump(apps, 1.0)
        now = [cpu_seconds(a.pid) for a in apps]
        idle = all(n - l < 0.05 for n, l in zip(now, last))
        if idle and time.time() - start > 3 and not any(checking(a.pid) for a in apps):
            return time.time() - start
        last = now
    return time.time() - start


def opinions(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return c.execute("SELECT count(*) FROM opinions").fetchone()[0]
    finally:
        c.close()


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def keystrokes(app, queries, rounds):
    """Per-keystroke latencies (ms) and those of the first characters."""
    every, first = [], []
    for _ in range(rounds):
        for q in queries:
            app.send(b"/")
            app.frames_after()
            for i, ch in enumerate(q):
                t0 = time.time()
                app.send(ch.encode())
                end = app.frames_after()
                if end is None:
                    continue
                ms = (end - t0) * 1000
                every.append(ms)
                if i == 0:
                    first.append(ms)
            app.send(b"\x1b")
            app.frames_after(quiet=0.5)
    return every, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kusei", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--sessions", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--settle", type=float, default=90)
    ap.add_argument("--label", default="")
    ap.add_argument("--search", action="store_true",
                    help="time launch → first search answer in each app (see above)")
    ap.add_argument("--no-index-file", action="store_true",
                    help="delete <db>.search-index first")
    ap.add_argument("--perf", metavar="FILE",
                    help="perf record -g the first viewer during the window into FILE")
    ap.add_argument("--dump", metavar="FILE",
                    help="write the first viewer's output during the window to FILE "
                         "(each read after a line @@<unix time>@@), to see what its "
                         "frames changed")
    ap.add_argument("--viewer-query", metavar="Q",
                    help="open the search (/) in each viewer and type Q before the "
                         "window, leaving it open (its answer is kept current)")
    ap.add_argument("--steady-open", type=float, metavar="S",
                    help="after the window, each viewer opens the search, asks 団地 and "
                         "leaves it open: its RSS 1 s and S s after the answer")
    ap.add_argument("--keys", action="store_true")
    ap.add_argument("--queries", default=QUERIES)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if a.no_index_file and os.path.exists(a.db + ".search-index"):
        os.remove(a.db + ".search-index")
    if a.keys:
        return keys_main(a)
    before = opinions(a.db)
    apps, answers = [], []
    for _ in range(a.sessions):
        apps.append(App(os.path.abspath(a.kusei), a.db))
        if a.search:
            answers.append(apps[-1].first_answer())
            # The first session may write the index file: let it finish.
            settle(apps, 10)
    hwm_start = [hwm_mib(x.pid) for x in apps]
    try:
        settled = settle(apps, a.settle)
        # Steady: idle, the search closed (after one search with --search).
        rss_closed = [rss_mib(x.pid) for x in apps]
        driver, viewers = apps[0], apps[1:]
        for v in viewers if a.viewer_query else []:
            v.send(b"/")
            v.quiet(0.3, 10)
            v.tail = b""
            v.send(a.viewer_query.encode())
            if v.wait_for("件".encode(), 60) is None:
                print(f"viewer {v.pid}: no answer to {a.viewer_query}", file=sys.stderr)
        driver.send(b"m")
        pump(apps, 1.0)
        settle(apps, 30)
        perf = None
        if a.perf and len(apps) > 1:
            perf = subprocess.Popen(["perf", "record", "-g", "-q", "-o", a.perf,
                                     "-p", str(apps[1].pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu0 = [cpu_seconds(x.pid) for x in apps]
        frames0 = [x.frames for x in apps]
        th0 = [threads(x.pid) for x in apps]
        if a.dump and len(apps) > 1:
            apps[1].dump = open(a.dump, "wb")
        t0 = time.time()
        typed = 0
        while time.time() - t0 < a.seconds:
            for ch in TEXT[:20]:
                driver.send(ch.encode())
                pump(apps, 0.12)
            driver.send(b"\r")
            typed += 1
            pump(apps, 1.0)
        window = time.time() - t0
        if apps[1:] and apps[1].dump is not None:
            apps[1].dump.close()
            apps[1].dump = None
        cpu1 = [cpu_seconds(x.pid) for x in apps]
        frames = [x.frames - f for x, f in zip(apps, frames0)]
        th1 = [threads(x.pid) for x in apps]
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        pss = [pss_mib(x.pid) for x in apps]
        hwm = [hwm_mib(x.pid) for x in apps]
        rss_end = [rss_mib(x.pid) for x in apps]
        opened = ([], [])
        if a.steady_open:
            settle(apps, 30)
            # Viewers only: the driver is taking minutes (`/` would be typed).
            opened = steady_open(apps[1:], "団地", a.steady_open)
    finally:
        for x in apps:
            x.stop()
    added = opinions(a.db) - before
    for i, x in enumerate(apps):
        role = "driver" if i == 0 else "viewer"
        print(f"{a.label} app{i} {role}: CPU {cpu1[i] - cpu0[i]:.2f} s in {window:.0f} s, "
              f"PSS {pss[i]:.0f} MiB, peak RSS {hwm[i]:.0f} MiB, "
              f"RSS idle {rss_closed[i]:.0f} / after window {rss_end[i]:.0f} MiB")
        by = {k: v - th0[i].get(k, 0) for k, v in th1[i].items()}
        busy = ", ".join(f"{k} {v:.2f}" for k, v in sorted(by.items(), key=lambda kv: -kv[1]) if v >= 0.01)
        print(f"    threads: {busy}")
    viewer_cpu = [cpu1[i] - cpu0[i] for i in range(1, len(apps))]
    per_thread = [{k: round(v - th0[i].get(k, 0), 3) for k, v in th1[i].items()
                   if v - th0[i].get(k, 0) >= 0.005} for i in range(len(apps))]
    summary = {
        "label": a.label,
        "sessions": a.sessions,
        "settle_s": round(settled, 1),
        "window_s": round(window, 1),
        "typed": typed,
        "opinions_added": added,
        "viewer_cpu_s": [round(v, 3) for v in viewer_cpu],
        "driver_cpu_s": round(cpu1[0] - cpu0[0], 3),
        "frames": frames,
        "threads_cpu_s": per_thread,
        "pss_mib": [round(p) for p in pss],
        "total_pss_mib": round(sum(pss)),
        "peak_rss_mib": [round(h) for h in hwm],
        "peak_rss_at_start_mib": [round(h) for h in hwm_start],
        "rss_idle_closed_mib": [round(r) for r in rss_closed],
        "rss_end_mib": [round(r) for r in rss_end],
        "rss_open_1s_mib": [round(r) for r in opened[0]],
        "rss_open_later_mib": [round(r) for r in opened[1]],
        "launch_to_first_answer_s": [None if x is None else round(x, 3) for x in answers],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def keys_main(a):
    apps = [App(os.path.abspath(a.kusei), a.db) for _ in range(a.sessions)]
    try:
        settle(apps, a.settle)
        every, first = keystrokes(apps[0], a.queries.split(","), a.rounds)
    finally:
        for x in apps:
            x.stop()
    summary = {
        "label": a.label,
        "keystrokes": len(every),
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "max_ms": round(max(every), 1),
        "first_char_p50_ms": round(percentile(first, 50), 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
