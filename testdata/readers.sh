#!/usr/bin/env bash
# Re-checks the reader-visibility table of docs/readers.md: which readers
# show the ISRC and the barcode after `isrckit set` writes them, for each
# container and each location isrckit writes.
#
#   bash testdata/readers.sh            # check: exit 1 when the table differs
#   bash testdata/readers.sh --update   # rewrite the table in docs/readers.md
#   ISRCKIT=path/to/isrckit bash testdata/readers.sh   # use that binary
#
# For each case it makes an untagged source with ffmpeg (0.25 s of a sine,
# bit-exact, as make.sh does), copies it, writes USRC17607839 (and the
# barcode 075678164125 where the location holds one) with isrckit, and asks
# each reader what it sees:
#   exiftool -a -G1 -s -u F                  the code anywhere in its output
#   ffprobe -v error -show_format -show_streams F
#   mutagen.File(F).tags  (/usr/bin/python3)  "cannot open" when it raises
#   kid3-cli -c 'get all 1' -c 'get all 2' -c 'get all 3' F
#                                            (private, fresh kid3 settings)
#   mediainfo -f F
# A cell says what the reader shows: "ISRC + barcode", "ISRC", "barcode",
# "no", or "cannot open". "Shows" means the code's text appears in the
# reader's output for the file, under whatever name (exiftool calls INFO
# ISRC "Source"); docs/readers.md says under which.
#
# Exits 0 when the table matches, 1 when it does not, 2 when a tool is
# missing. Needs (Debian 12): ffmpeg, libimage-exiftool-perl,
# python3-mutagen, kid3-cli, mediainfo; cargo, unless ISRCKIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
for tool in ffmpeg ffprobe exiftool kid3-cli mediainfo "$PY"; do
    command -v "$tool" >/dev/null || { echo "readers.sh: missing $tool" >&2; exit 2; }
done
"$PY" -c 'import mutagen' 2>/dev/null || { echo "readers.sh: /usr/bin/python3 has no mutagen" >&2; exit 2; }
if [ -z "${ISRCKIT:-}" ]; then
    cargo build --quiet --bin isrckit
    TARGET=$(cargo metadata --format-version 1 --no-deps |
             "$PY" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    ISRCKIT=$TARGET/debug/isrckit
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/kid3
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

SINE=(-f lavfi -i sine=frequency=440:sample_rate=8000:duration=0.25)
EXACT=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)
ff() { ffmpeg -nostdin -v error -y "${SINE[@]}" "${EXACT[@]}" "$@"; }
ISRC=USRC17607839
BARCODE=075678164125

# ------------------------------------------------------------------ sources
ff -c:a pcm_s16le "$TMP/plain.wav"                               # fmt, data
ff -c:a pcm_s16le -metadata title=Master "$TMP/info.wav"         # fmt, LIST/INFO (INAM), data
ff -c:a pcm_s16le -write_bext 1 -metadata description=Master "$TMP/bwf.wav"  # bext, fmt, data
ff -c:a pcm_s16le -rf64 always "$TMP/rf64.wav"                   # RF64: ds64, fmt, data
ff -c:a pcm_s16be "$TMP/plain.aiff"
ff -c:a pcm_s16be -metadata title=Master "$TMP/named.aiff"       # NAME chunk
ff -c:a flac "$TMP/plain.flac"
ff -c:a libmp3lame -b:a 8k -id3v2_version 0 "$TMP/plain.mp3"
ff -c:a aac -b:a 16k "$TMP/plain.m4a"

# ------------------------------------------------------------------ cases
# name | source | what is written | isrckit set arguments
CASES=(
    "wav:id3 (chunk \`id3 \`), plain WAV|plain.wav|both|"
    "wav:id3 (chunk \`ID3 \`, as kid3 names it), plain WAV|plain.wav|both|ID3"
    "wav:id3, WAV with LIST/INFO (a title only)|info.wav|both|"
    "wav:id3, BWF (bext)|bwf.wav|both|"
    "wav:id3 + wav:info, BWF (bext)|bwf.wav|both|--targets wav:info"
    "wav:id3, RF64|rf64.wav|both|"
    "wav:id3 + wav:info, RF64|rf64.wav|both|--targets wav:info"
    "wav:info (LIST/INFO \`ISRC\`)|plain.wav|isrc|--targets no-wav:id3,wav:info"
    "wav:ixml (iXML \`ASWG/isrcId\`)|plain.wav|isrc|--targets no-wav:id3,wav:ixml"
    "wav:axml, chunk \`aXML\` (as isrckit writes it)|plain.wav|isrc|--targets no-wav:id3,wav:axml"
    "wav:axml, chunk \`axml\` (EBU Tech 3285 s5 spelling)|plain.wav|isrc|--targets no-wav:id3,wav:axml axml"
    "AIFF \`ID3 \` chunk|plain.aiff|both|"
    "AIFF \`ID3 \` chunk, beside a NAME chunk|named.aiff|both|"
    "FLAC Vorbis \`ISRC\`, \`BARCODE\`|plain.flac|both|"
    "MP3 ID3v2 \`TSRC\`, \`TXXX:BARCODE\`|plain.mp3|both|"
    "MP4 \`----:com.apple.iTunes:ISRC\`, \`:BARCODE\`|plain.m4a|both|"
)

# A copy of SRC with the codes written, the chunk id renamed where asked.
write_case() { # out src what args...
    local out=$1 src=$2 what=$3 rename=""; shift 3
    local args=("$@")
    case "${args[*]:-}" in
        ID3) rename="id3 :ID3 "; args=() ;;
        *" axml") rename="aXML:axml"; unset 'args[${#args[@]}-1]' ;;
    esac
    cp "$TMP/$src" "$out"
    local codes=(--isrc "$ISRC")
    [ "$what" = both ] && codes+=(--barcode "$BARCODE")
    "$ISRCKIT" set "${codes[@]}" ${args[@]+"${args[@]}"} --color never "$out" >"$out.log" ||
        { echo "readers.sh: isrckit set failed on $src:" >&2; cat "$out.log" >&2; exit 1; }
    if [ -n "$rename" ]; then
        "$PY" - "$out" "${rename%%:*}" "${rename#*:}" <<'PY'
import struct, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
data = bytearray(open(path, "rb").read())
pos = 12
while pos + 8 <= len(data):
    size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
    if data[pos:pos + 4] == old:
        data[pos:pos + 4] = new
        break
    pos += 8 + size + (size & 1)
else:
    raise SystemExit("no %r chunk in %s" % (old, path))
open(path, "wb").write(data)
PY
    fi
}

cell() { # output what -> cell text
    local text=$1 what=$2 i=no b=no
    [[ $text == *"$ISRC"* ]] && i=yes
    [[ $what == both && $text == *"$BARCODE"* ]] && b=yes
    case $i$b in
        yesyes) echo "ISRC + barcode" ;;
        yesno) echo "ISRC" ;;
        noyes) echo "barcode" ;;
        *) echo "no" ;;
    esac
}

TABLE=$TMP/table.md
{
    echo "| isrckit writes | exiftool | ffprobe | mutagen | kid3-cli | MediaInfo |"
    echo "| --- | --- | --- | --- | --- | --- |"
    n=0
    for c in "${CASES[@]}"; do
        IFS='|' read -r name src what args <<<"$c"
        n=$((n + 1))
        f=$TMP/case$n.${src##*.}
        # shellcheck disable=SC2086  # the arguments are words
        write_case "$f" "$src" "$what" $args
        ex=$(exiftool -a -G1 -s -u "$f" 2>&1 || true)
        pr=$(ffprobe -v error -show_format -show_streams "$f" 2>&1 || true)
        mu=$("$PY" -c '
import sys, mutagen
try:
    f = mutagen.File(sys.argv[1])
except Exception as e:
    print("CANNOT-OPEN", type(e).__name__)
else:
    print(f.tags.pprint() if f is not None and f.tags is not None else "")
' "$f")
        k3=$(kid3-cli -c 'get all 1' -c 'get all 2' -c 'get all 3' "$f" 2>&1 || true)
        mi=$(mediainfo -f "$f" 2>&1 || true)
        mucell=$(cell "$mu" "$what")
        [[ $mu == CANNOT-OPEN* ]] && mucell="cannot open"
        echo "| $name | $(cell "$ex" "$what") | $(cell "$pr" "$what") | $mucell | $(cell "$k3" "$what") | $(cell "$mi" "$what") |"
    done
} >"$TABLE"

versions="exiftool $(exiftool -ver), $(ffprobe -version | head -1 | cut -d' ' -f1-3), mutagen $("$PY" -c 'import mutagen; print(mutagen.version_string)'), $(kid3-cli -h 2>&1 | head -1 | cut -d' ' -f1-2), $(mediainfo --Version | tail -1 | tr -d '\r')"

DOC=$ROOT/docs/readers.md
BEGIN='<!-- readers:begin -->'
END='<!-- readers:end -->'
if [ "${1:-}" = --update ]; then
    "$PY" - "$DOC" "$TABLE" "$BEGIN" "$END" <<'PY'
import sys
doc, table, begin, end = sys.argv[1:]
text = open(doc).read()
a = text.index(begin) + len(begin) + 1
b = text.index(end)
open(doc, "w").write(text[:a] + open(table).read() + text[b:])
PY
    echo "readers.sh: docs/readers.md updated ($versions)"
    exit 0
fi
sed -n "/^$BEGIN\$/,/^$END\$/p" "$DOC" | sed '1d;$d' >"$TMP/doc.md"
if diff -u --label docs/readers.md --label "what the readers show now" "$TMP/doc.md" "$TABLE"; then
    echo "readers.sh: ${#CASES[@]} cases x 5 readers match docs/readers.md ($versions)"
else
    echo "readers.sh: the readers differ from docs/readers.md ($versions); other tool versions may differ on purpose: check, then run with --update" >&2
    exit 1
fi
