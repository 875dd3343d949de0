#!/usr/bin/env bash
# The long soak of issue 17: several apps in pseudo-terminals minuting on one file, importers,
# readers, every other kusei command and the sqlite3 tool in loops, kill -9 of apps and commands
# at random moments. Ends with one line starting "soak:" (saved vs found, integrity, largest -wal).
# Usage, from the project root:   scripts/soak.sh            (5 minutes, 3 apps, 6 command loops)
#   KUSEI_SOAK_MINUTES=30 KUSEI_SOAK_APPS=4 KUSEI_SOAK_CLI=8 KUSEI_SOAK_KILL_SECS=5 scripts/soak.sh
# Needs sqlite3. Exit status 0 only when nothing was lost and every check passed.
set -eu
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (apt-get install sqlite3)"; exit 2; }
export KUSEI_SOAK_MINUTES=${KUSEI_SOAK_MINUTES:-5}
export KUSEI_SOAK_APPS=${KUSEI_SOAK_APPS:-3}
export KUSEI_SOAK_CLI=${KUSEI_SOAK_CLI:-6}
exec nice cargo test --release --test soak -- --ignored --nocapture
