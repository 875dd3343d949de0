#!/usr/bin/env bash
# The -wal bound under sustained writers: IMPORTERS processes each running
# `kusei import` of a large JSON again and again (renamed each round so every
# import really writes), WRITERS app-like writers (small imports, one meeting
# each, back to back), READERS readers (`kusei search`, and the sqlite3 tool
# holding a read snapshot for a moment), for SECONDS seconds, while the size
# of the -wal is sampled every 50 ms. Prints the largest -wal seen, the final
# size, and what was written.
#
#   scripts/wal-bound.sh                       # 8 importers, 2 writers, 2 readers, 45 s
#   KUSEI=/tmp/old-kusei SECONDS_=30 scripts/wal-bound.sh
#
# Needs sqlite3. Uses target/release/kusei unless KUSEI says otherwise
# (run `cargo build --release` first). Work files go to target/wal-bound/.
set -euo pipefail
cd "$(dirname "$0")/.."

KUSEI=${KUSEI:-target/release/kusei}
IMPORTERS=${IMPORTERS:-8}
WRITERS=${WRITERS:-2}
READERS=${READERS:-2}
DURATION=${SECONDS_:-45}
OPINIONS=${OPINIONS:-6000}
DIR=${DIR:-target/wal-bound}
DB=$DIR/shared.db

command -v sqlite3 > /dev/null || { echo "sqlite3 がありません（apt-get install sqlite3）" >&2; exit 1; }
[ -x "$KUSEI" ] || { echo "$KUSEI がありません（cargo build --release）" >&2; exit 1; }
mkdir -p "$DIR"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$KUSEI" --db "$DB" sample > /dev/null 2>&1

# One large dataset per importer, one small one for the app-like writers.
for i in $(seq 1 "$IMPORTERS"); do
    if [ ! -s "$DIR/big-$i.json" ]; then
        rm -f "$DIR/gen-$i.db"*
        "$KUSEI" --db "$DIR/gen-$i.db" gen --opinions "$OPINIONS" --seed "$i" > /dev/null
        "$KUSEI" --db "$DIR/gen-$i.db" export --format json -o "$DIR/big-$i.json"
    fi
done
if [ ! -s "$DIR/small.json" ]; then
    "$KUSEI" --db "$DB" export --format json --fiscal-year 2017 -o "$DIR/small.json"
fi

STOP=$DIR/stop
rm -f "$STOP"
pids=()
importer() { # $1 = importer number
    local r=0
    while [ ! -e "$STOP" ]; do
        r=$((r + 1))
        sed "s/（合成データ）/（合成データ $1-$r）/g" "$DIR/big-$1.json" > "$DIR/round-$1.json"
        "$KUSEI" --db "$DB" import "$DIR/round-$1.json" > /dev/null 2>> "$DIR/errors.log" || echo "import $1-$r failed" >> "$DIR/errors.log"
        echo x >> "$DIR/imports.count"
    done
}
writer() { # $1 = writer number
    local r=0
    while [ ! -e "$STOP" ]; do
        r=$((r + 1))
        sed "s/区づくり経営会議/区づくり経営会議 w$1-$r/g" "$DIR/small.json" > "$DIR/w-$1.json"
        "$KUSEI" --db "$DB" import "$DIR/w-$1.json" > /dev/null 2>> "$DIR/errors.log" || echo "write $1-$r failed" >> "$DIR/errors.log"
        echo x >> "$DIR/writes.count"
    done
}
reader() {
    while [ ! -e "$STOP" ]; do
        "$KUSEI" --db "$DB" search 団地 > /dev/null 2>&1 || true
        sqlite3 "$DB" "BEGIN; SELECT count(*) FROM opinions; SELECT count(*) FROM audit_log; COMMIT;" > /dev/null 2>&1 || true
    done
}
rm -f "$DIR/errors.log" "$DIR/imports.count" "$DIR/writes.count"
for i in $(seq 1 "$IMPORTERS"); do importer "$i" & pids+=($!); done
for i in $(seq 1 "$WRITERS"); do writer "$i" & pids+=($!); done
for i in $(seq 1 "$READERS"); do reader & pids+=($!); done

max=0
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
    s=$(stat -c %s "$DB-wal" 2> /dev/null || echo 0)
    [ "$s" -gt "$max" ] && max=$s
    sleep 0.05
done
touch "$STOP"
for p in "${pids[@]}"; do wait "$p" || true; done
s=$(stat -c %s "$DB-wal" 2> /dev/null || echo 0)
[ "$s" -gt "$max" ] && max=$s
imports=$(wc -l < "$DIR/imports.count" 2> /dev/null || echo 0)
writes=$(wc -l < "$DIR/writes.count" 2> /dev/null || echo 0)
errors=$(grep -c failed "$DIR/errors.log" 2> /dev/null || true)
opinions=$(sqlite3 "$DB" "SELECT count(*) FROM opinions")
check=$(sqlite3 "$DB" "PRAGMA integrity_check")
printf '最大の -wal: %.1f MB（%d バイト）、終了時 %d バイト; %d 秒: 大きな import %d 回、小さな書き込み %d 回、失敗 %s 回、意見 %s 件、integrity_check %s\n' \
    "$(echo "$max / 1048576" | bc -l)" "$max" "$s" "$DURATION" "$imports" "$writes" "$errors" "$opinions" "$check"
