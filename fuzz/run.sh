#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 120) each, seeded with the
# sample masters of testdata/. Crashers land in fuzz/artifacts/TARGET/;
# copy each into tests/fuzz/<container>/ with a name saying what it broke.
#   bash fuzz/run.sh 300
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-120}"
for t in wav aiff flac mp3 mp4 any; do
  mkdir -p "fuzz/corpus/$t"
  if [ "$t" = any ]; then
    cp testdata/*/* "fuzz/corpus/$t/" 2>/dev/null || true
  else
    cp "testdata/$t/"* "fuzz/corpus/$t/" 2>/dev/null || true
    # Damaged samples of this container seed it too.
    for f in testdata/damaged/*; do
      case "$f" in *."$t"|*"$t"_*) cp "$f" "fuzz/corpus/$t/" ;; esac
    done
  fi
  echo "== $t ($secs s)"
  cargo fuzz run -s none "$t" -- -max_total_time="$secs" -rss_limit_mb=1024 -max_len=65536 -timeout=5 2>&1 \
    | grep -E '^(#[0-9]+ *DONE|Done|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' || true
done
