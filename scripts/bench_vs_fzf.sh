#!/usr/bin/env bash
# `kusei search QUERY` as a whole process (open the database, build the
# index from it, search, print the top 100) against `fzf --filter QUERY` on
# the same opinions exported one per line. Prints the mean of each and the
# ratio kusei / fzf (below 1: kusei is faster).
#
#   scripts/bench_vs_fzf.sh                 # 1,000,000 opinions, seed 1
#   N=100000 scripts/bench_vs_fzf.sh
#
# Needs fzf and hyperfine (apt-get install fzf hyperfine). The database and
# the text file are generated once into target/search-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
DIR=target/search-bench
DB=$DIR/fzf-$N-seed$SEED.db
LINES=$DIR/fzf-$N-seed$SEED.txt
KUSEI=target/release/kusei

for tool in fzf hyperfine; do
    command -v "$tool" > /dev/null || { echo "$tool がありません（apt-get install fzf hyperfine）" >&2; exit 1; }
done
cargo build --release --quiet
mkdir -p "$DIR"
if [ ! -s "$DB" ] || [ ! -s "$LINES" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm" "$LINES"
    "$KUSEI" --db "$DB" gen --opinions "$N" --seed "$SEED" --lines "$LINES"
fi

echo "kusei $("$KUSEI" --version | cut -d' ' -f2), fzf $(fzf --version | cut -d' ' -f1), $N opinions, $(nproc) cores"
printf '%10s %10s %7s  %s\n' "kusei (s)" "fzf (s)" ratio query
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
for q in 団地 大規模団地 区民意識調査 デジタル化 地域の方々と連携 の; do
    # kusei exits 1 when nothing matches, like grep.
    hyperfine --style none --warmup 1 --runs "$RUNS" --ignore-failure --export-csv "$csv" \
        -n kusei "$KUSEI --db '$DB' search --limit 100 '$q' > /dev/null 2>&1" \
        -n fzf "fzf --filter '$q' < '$LINES' > /dev/null" > /dev/null
    k=$(awk -F, '$1 == "kusei" { print $2 }' "$csv")
    f=$(awk -F, '$1 == "fzf" { print $2 }' "$csv")
    printf '%10.3f %10.3f %7.2f  %s\n' "$k" "$f" "$(awk -v k="$k" -v f="$f" 'BEGIN { print k / f }')" "$q"
done
