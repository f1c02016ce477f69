#!/usr/bin/env bash
# Regenerates testdata/cd/: CD masters checked against the files they were
# made from (`isrckit audit --cd`, tests/cd_audit.rs).
#
#   bash testdata/cd/make_cd.sh
#
# masters/   three WAVs made by ffmpeg (8 kHz mono, 1.00 s, 1.60 s and
#            2.00 s: whole CD frames), tagged by mutagen (make_tags.py: ID3
#            TSRC, TXXX:BARCODE, TIT2), and album.cue, the sheet that names
#            them (written by hand here: the clean CUE case).
# ddp/       DDP images built by make_cd.py (with testdata/ddp/make_ddp.py's
#            layout): clean, and one planted mismatch each.
# cue/       CUE sheets naming the same three files, one planted mismatch
#            each (the disc-alone rules).
#
# Idempotent and deterministic with the same tool versions.
# Needs: ffmpeg, /usr/bin/python3 with python3-mutagen.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
TAGS="$PY ../make_tags.py"

rm -rf masters ddp cue
mkdir -p masters ddp cue

EXACT=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)
wav() { # NAME SECONDS FREQ
    ffmpeg -nostdin -v error -y -f lavfi -i "sine=frequency=$3:sample_rate=8000:duration=$2" \
        "${EXACT[@]}" -c:a pcm_s16le "masters/$1"
}
UPC=0724384960650
wav "01 One.wav" 1.00 440
wav "02 Two.wav" 1.60 550
wav "03 Three.wav" 2.00 660
$TAGS id3 wave "masters/01 One.wav" 3 TSRC@0=GBAYE2600001 TXXX:BARCODE@0=$UPC TIT2@0=One
$TAGS id3 wave "masters/02 Two.wav" 3 TSRC@0=GBAYE2600002 TXXX:BARCODE@0=$UPC TIT2@0=Two
$TAGS id3 wave "masters/03 Three.wav" 3 TSRC@0=GBAYE2600003 TXXX:BARCODE@0=$UPC TIT2@0=Three

# A CUE sheet: CATALOG, then per track FILE, TRACK, ISRC, INDEX 01.
sheet() { # OUT CATALOG ISRC1 ISRC2 ISRC3 (an ISRC "-": no ISRC line)
    local out=$1 cat=$2; shift 2
    {
        echo "CATALOG $cat"
        local n=1
        for f in "01 One.wav" "02 Two.wav" "03 Three.wav"; do
            echo "FILE \"$f\" WAVE"
            printf '  TRACK %02d AUDIO\n' $n
            [ "$1" != - ] && echo "    ISRC $1"
            echo "    INDEX 01 00:00:00"
            n=$((n + 1)); shift
        done
    } > "$out"
}
sheet masters/album.cue $UPC GBAYE2600001 GBAYE2600002 GBAYE2600003
sheet cue/isrc_mismatch.cue $UPC GBAYE2600001 GBAYE2600099 GBAYE2600003
sheet cue/barcode_mismatch.cue 0075678164125 GBAYE2600001 GBAYE2600002 GBAYE2600003
sheet cue/isrc_missing.cue $UPC GBAYE2600001 - GBAYE2600003
sheet cue/isrc_invalid.cue $UPC GBAYE2600001 GBAYE260000X GBAYE2600003
sheet cue/isrc_duplicate.cue $UPC GBAYE2600001 GBAYE2600002 GBAYE2600002
sheet cue/barcode_invalid.cue 0724384960651 GBAYE2600001 GBAYE2600002 GBAYE2600003

$PY make_cd.py
echo "make_cd.sh: $(find masters ddp cue -type f | wc -l) files, $(du -sh --apparent-size . | cut -f1)"
