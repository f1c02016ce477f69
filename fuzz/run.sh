#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 120) each, seeded with the
# sample masters of testdata/. Crashers land in fuzz/artifacts/TARGET/;
# copy each into tests/fuzz/<container>/ with a name saying what it broke.
#   bash fuzz/run.sh 300
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-120}"
for t in wav aiff flac mp3 mp4 ddp cue any write manifest ddp_write; do
  mkdir -p "fuzz/corpus/$t"
  if [ "$t" = any ]; then
    cp testdata/*/* "fuzz/corpus/$t/" 2>/dev/null || true
  elif [ "$t" = write ]; then
    # The first byte picks the container: 0 WAV, 1 AIFF, 2 FLAC, 3 MP3, 4 MP4;
    # the next 24 bytes make the codes written; the rest is the file.
    i=0
    for c in wav aiff flac mp3 mp4; do
      for f in "testdata/$c/"*; do
        { printf "\\$(printf %o $i)"; printf '%024d' $i; cat "$f"; } > "fuzz/corpus/$t/$c-$(basename "$f")"
      done
      i=$((i + 1))
    done
  elif [ "$t" = ddp ]; then
    # The target reads a DDPID alone: each test image's DDPID seeds it.
    for d in testdata/ddp/*/; do
      cp "$d/DDPID" "fuzz/corpus/$t/$(basename "$d")-DDPID"
    done
  elif [ "$t" = ddp_write ]; then
    # An image split into its files (see isrckit::fuzzing::ddp_write).
    cp tests/fuzz/ddp_write/* "fuzz/corpus/$t/"
  elif [ "$t" = manifest ]; then
    printf 'path;isrc;barcode\r\n"a;b.wav";US-RC1-76-07839;075678164125\r\n' > "fuzz/corpus/$t/csv"
    printf '[{"path":"a.wav","isrc":"USRC17607839"}]' > "fuzz/corpus/$t/json"
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
