#!/bin/sh
# Hang-up under a held lock, the way it happens: kusei in tmux (a real
# terminal), the sqlite3 tool holding BEGIN IMMEDIATE on the same file for
# LOCK seconds, then the tmux session killed (its terminal closes: SIGHUP,
# reads fail, as when SSH drops). Prints the exit time and the CPU seconds
# of the kusei process (from /proc/PID/stat), whether a recovery file was
# written, and whether the next start gives the text back.
#
#   cargo build --release && scripts/hangup-timing.sh [LOCK_SECONDS]   (default 30)
set -eu
LOCK=${1:-30}
BIN=${KUSEI_BIN:-$(dirname "$0")/../target/release/kusei}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
T=$(mktemp -d)
trap 'tmux -L kusei-hangup kill-server 2>/dev/null || true; rm -rf "$T"' EXIT
export HOME="$T" XDG_STATE_HOME="$T/state" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config"
DB="$T/kusei.db"
"$BIN" --db "$DB" sample >/dev/null
tm() { tmux -L kusei-hangup "$@"; }
screen_has() { tm capture-pane -p -t k | grep -q "$1"; }
wait_screen() { i=0; until screen_has "$1"; do i=$((i+1)); [ $i -lt 200 ] || { echo "timeout waiting for $1"; tm capture-pane -p -t k; exit 1; }; sleep 0.1; done; }
cpu() { awk '{ s=$0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$1/stat" 2>/dev/null; }

tm new-session -d -s k -x 100 -y 30 "env TERM=xterm-256color $BIN --db $DB"
PID=$(tm list-panes -t k -F '#{pane_pid}')
wait_screen '第5回'
tm send-keys -t k m
wait_screen '記録中'
# Another process takes the write lock and keeps it.
( echo '.timeout 10000'; echo 'BEGIN IMMEDIATE;'; echo ".shell touch $T/held"; sleep "$LOCK"; echo 'ROLLBACK;' ) | sqlite3 "$DB" &
LOCKER=$!
# Go on only once the lock is really held.
until [ -e "$T/held" ]; do sleep 0.05; done
tm send-keys -t k -l 'ロック中に送った意見'
tm send-keys -t k Enter
tm send-keys -t k -l '続けて打った文字'
wait_screen '続けて打った文字'
HZ=$(getconf CLK_TCK)
BEFORE=$(cpu "$PID")
START=$(date +%s.%N)
tm kill-server
LAST=$BEFORE
while [ -e "/proc/$PID/stat" ] && [ "$(awk '{print $3}' /proc/$PID/stat 2>/dev/null)" != Z ]; do
  C=$(cpu "$PID" || true); [ -n "$C" ] && LAST=$C
  sleep 0.01
done
END=$(date +%s.%N)
echo "hang-up under a ${LOCK} s lock: exit after $(echo "$END - $START" | bc) s; CPU $(echo "scale=2; $LAST / $HZ" | bc) s in all, $(echo "scale=2; ($LAST - $BEFORE) / $HZ" | bc) s after the hang-up"
if kill -0 "$LOCKER" 2>/dev/null; then echo "the lock was still held when kusei was gone"; fi
ls "$T/state/kusei/" 2>/dev/null | sed 's/^/recovery file: /'
wait "$LOCKER" 2>/dev/null || true
tm new-session -d -s k -x 100 -y 30 "env TERM=xterm-256color $BIN --db $DB"
wait_screen '前回の入力を復元しました'
tm send-keys -t k m
wait_screen 'ロック中に送った意見続けて打った文字'
echo "next start: text back in the input line; recovery files left: $(ls "$T/state/kusei/" 2>/dev/null | wc -l)"
