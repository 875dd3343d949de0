#!/usr/bin/env python3
"""Keystroke -> results frame latency of the search overlay, through a
pseudo-terminal (issue 12 point 5; issue 13's readings).

    scripts/search-latency.py --kusei target/release/kusei --db big.db \
        [--rounds 3] [--label x] [--readings on|off]

Starts kusei at 120x36 in a pty, opens search (`/`), waits for the index,
then types each query one character at a time (clearing the line with
Ctrl-U between queries). For each key it times from writing the key to the
first frame whose title row shows results for it: the title no longer says
検索中 and differs from before the key (the results' count or time). A
staged first answer counts: that is the frame the user sees first. The
screen is followed with a minimal terminal emulator (cursor moves, erases,
text with East Asian widths), enough for ratatui's output.

Prints p50/p95/max in ms for every key and for one-character queries, and
a JSON line.
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import termios
import time
import unicodedata

ROWS, COLS = 36, 120
QUERIES = ["大規模団地", "だんちさいせい", "区民意識調査", "ぼうさいくんれん",
           "danchi", "kosodate", "子育て 支援", "地域の方々と連携"]
ONE_CHAR = ["区", "の", "を", "た", "に"]
CSI = re.compile(rb"\x1b\[([0-9;?]*)([ -/]*)([@-~])")


class Screen:
    def __init__(self):
        self.grid = [[" "] * COLS for _ in range(ROWS)]
        self.r = self.c = 0
        self.pending = b""

    def feed(self, data):
        data = self.pending + data
        self.pending = b""
        i = 0
        text = bytearray()
        while i < len(data):
            b = data[i]
            if b == 0x1B:
                self.put(text)
                text = bytearray()
                m = CSI.match(data, i)
                if m:
                    self.csi(m.group(1).decode(), m.group(3).decode())
                    i = m.end()
                    continue
                if i + 1 >= len(data) or (data[i + 1:i + 2] == b"[" and not m):
                    self.pending = data[i:]
                    return
                i += 2  # ESC x: ignored
                continue
            if b == 0x0D:
                self.put(text)
                text = bytearray()
                self.c = 0
            elif b == 0x0A:
                self.put(text)
                text = bytearray()
                self.r = min(self.r + 1, ROWS - 1)
            elif b >= 0x20:
                text.append(b)
            i += 1
        # Keep an incomplete UTF-8 sequence for the next chunk.
        cut = len(text)
        while cut > 0 and (text[cut - 1] & 0xC0) == 0x80:
            cut -= 1
        if cut > 0 and text[cut - 1] >= 0xC0:
            self.pending = bytes(text[cut - 1:])
            text = text[:cut - 1]
        self.put(text)

    def put(self, text):
        for ch in bytes(text).decode("utf-8", "replace"):
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if self.r < ROWS and self.c < COLS:
                self.grid[self.r][self.c] = ch
                if w == 2 and self.c + 1 < COLS:
                    self.grid[self.r][self.c + 1] = ""
            self.c += w

    def csi(self, params, final):
        nums = [int(p) if p.isdigit() else 0 for p in params.lstrip("?").split(";")] if params else []
        if final in "Hf":
            r = nums[0] if nums and nums[0] else 1
            c = nums[1] if len(nums) > 1 and nums[1] else 1
            self.r, self.c = r - 1, c - 1
        elif final == "J" and (nums[:1] == [2] or nums[:1] == [3]):
            self.grid = [[" "] * COLS for _ in range(ROWS)]
        elif final == "K":
            row = self.grid[self.r]
            for k in range(self.c, COLS):
                row[k] = " "
        elif final == "C":
            self.c += nums[0] if nums and nums[0] else 1
        elif final == "G":
            self.c = (nums[0] if nums and nums[0] else 1) - 1

    def text(self):
        return ["".join(row) for row in self.grid]

    def title(self):
        for line in self.text():
            if "検索" in line and ("件" in line or "索引" in line):
                return line
        return ""


class App:
    def __init__(self, kusei, db, readings):
        pid, fd = pty.fork()
        if pid == 0:
            env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8",
                       KUSEI_READINGS=readings)
            os.execve(kusei, [kusei, "--db", db], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pid, self.fd, self.screen = pid, fd, Screen()

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.screen.feed(data)
        return True

    def until(self, cond, limit):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if cond():
                return time.monotonic()
            self.read(0.05)
        return None

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def key_latency(app, key, limit=5.0):
    before = app.screen.title()
    t = time.monotonic()
    os.write(app.fd, key.encode())
    while time.monotonic() - t < limit:
        title = app.screen.title()
        if title != before and "件" in title and "検索中" not in title:
            return (time.monotonic() - t) * 1000
        app.read(0.002)
    return None


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kusei", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--keys", default=None,
                    help="write one JSON line per key (query, typed so far, ms) to this file")
    ap.add_argument("--pause", type=float, default=0.3,
                    help="seconds to wait after clearing the line, before a query's first key "
                         "(longer than the app's idle release: that key's scan maps the pages back)")
    ap.add_argument("--reopen", type=float, default=None, metavar="S",
                    help="close the search before each query, wait S seconds, open it again and "
                         "wait for its answer (then --pause) before the first key")
    ap.add_argument("--only", default=None,
                    help="comma-separated queries instead of the built-in list")
    ap.add_argument("--readings", choices=["on", "off"], default="on",
                    help="off: the index without readings (KUSEI_READINGS=off), to compare")
    a = ap.parse_args()
    app = App(a.kusei, a.db, a.readings)
    try:
        if app.until(lambda: any("運営方針" in l or "会議" in l for l in app.screen.text()), 30) is None:
            raise SystemExit("kusei did not draw its first frame")
        time.sleep(0.5)
        os.write(app.fd, b"/")
        if app.until(lambda: "件" in app.screen.title() or "検索" in app.screen.title(), 10) is None:
            raise SystemExit("the search overlay did not open")
        # Wait for the index: type a character and wait for a count.
        os.write(app.fd, "区".encode())
        if app.until(lambda: "件" in app.screen.title() and "検索中" not in app.screen.title(), 600) is None:
            raise SystemExit("the index was not ready in 10 minutes")
        every, one, lost = [], [], 0
        per_key = open(a.keys, "w") if a.keys else None
        queries = a.only.split(",") if a.only else QUERIES + ONE_CHAR
        first_keys = []
        for _ in range(a.rounds):
            for q in queries:
                os.write(app.fd, b"\x15")  # Ctrl-U: clear the line
                if a.reopen is not None:
                    app.until(lambda: False, 0.3)
                    os.write(app.fd, b"\x1b")
                    app.until(lambda: False, a.reopen)
                    os.write(app.fd, b"/")
                    app.until(lambda: "件" in app.screen.title() and "検索中" not in app.screen.title(), 10)
                app.until(lambda: False, a.pause)
                for i, ch in enumerate(q):
                    ms = key_latency(app, ch)
                    if per_key:
                        per_key.write(json.dumps({"query": q, "typed": q[:i + 1], "ms": ms},
                                                 ensure_ascii=False) + "\n")
                    if ms is None:
                        lost += 1
                        continue
                    every.append(ms)
                    if i == 0:
                        first_keys.append(ms)
                    if len(q) == 1:
                        one.append(ms)
                    app.until(lambda: False, 0.05)
        out = {"label": a.label, "readings": a.readings, "db": os.path.basename(a.db), "keys": len(every), "lost": lost}
        for name, v in [("every", every), ("one_char", one), ("first_key", first_keys)]:
            if v:
                out[name] = {"p50": round(pct(v, 0.5), 1), "p95": round(pct(v, 0.95), 1),
                             "max": round(max(v), 1)}
                print(f"{name:<9} n={len(v):<4} p50 {pct(v, .5):6.1f} ms  p95 {pct(v, .95):6.1f} ms  max {max(v):6.1f} ms")
        print(json.dumps(out, ensure_ascii=False))
    finally:
        app.stop()


if __name__ == "__main__":
    main()
