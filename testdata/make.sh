#!/usr/bin/env bash
# Regenerates the isrckit test corpus: testdata/{wav,aiff,flac,mp3,mp4,cue,damaged}/
#
#   bash testdata/make.sh
#
# Every code in the good files is put in by a real tool (ffmpeg, mutagen,
# kid3-cli, eyeD3, id3v2, mid3v2, metaflac, AtomicParsley, cueconvert,
# toc2cue). Exceptions, all
# documented in README.md: the iXML and aXML chunks and the BW64 magic
# (make_tags.py, because no tool here writes them), and damaged/ (hand-made
# damage on purpose).
#
# Idempotent: it deletes the folders it makes and builds them again; the
# output is byte-for-byte the same on every run with the same tool versions.
# EXPECTED.tsv, README.md and check.sh are written by hand, not by this script;
# run `bash testdata/check.sh` afterwards.
#
# Needs (Debian 12): ffmpeg, flac (flac + metaflac), kid3-cli, eyed3, id3v2,
# python3-mutagen (mid3v2 and /usr/bin/python3), atomicparsley, cuetools
# (cueconvert), cdrdao (toc2cue).
set -euo pipefail

cd "$(dirname "$0")"
TD=$PWD
PY=/usr/bin/python3
TAGS="$PY $TD/make_tags.py"

for tool in ffmpeg flac metaflac kid3-cli eyeD3 id3v2 mid3v2 AtomicParsley cueconvert toc2cue "$PY"; do
    command -v "$tool" >/dev/null || { echo "make.sh: missing $tool" >&2; exit 2; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# kid3-cli keeps its settings in $XDG_CONFIG_HOME/Kid3/Kid3.conf: use private,
# fresh settings so the user's own do not leak in (and are not changed).
export HOME=$TMP/home
mkdir -p "$HOME"
KID3_DEFAULT=$TMP/kid3-default   # kid3 3.9.3 defaults: 'ID3 ' chunk, v2.3, Latin-1
KID3_LOWER=$TMP/kid3-lower       # 'id3 ' chunk, v2.4, UTF-8
mkdir -p "$KID3_DEFAULT" "$KID3_LOWER"
XDG_CONFIG_HOME=$KID3_LOWER kid3-cli \
    -c 'config Tag.lowercaseId3RiffChunk true' \
    -c 'config Tag.id3v2Version ID3v2_4_0' \
    -c 'config Tag.textEncoding TE_UTF8' >/dev/null
kid3() { XDG_CONFIG_HOME=$KID3_DEFAULT kid3-cli "$@"; }
kid3_lower() { XDG_CONFIG_HOME=$KID3_LOWER kid3-cli "$@"; }
eyed3() { eyeD3 --no-config -Q "$@" >/dev/null; }

rm -rf wav aiff flac mp3 mp4 cue damaged
mkdir -p wav aiff flac mp3 mp4 cue damaged

# ------------------------------------------------------------------ sources
# 0.25 s of a 440 Hz sine, mono, 8000 Hz; bit-exact and without ffmpeg's own
# metadata so every run gives the same bytes.
SINE=(-f lavfi -i sine=frequency=440:sample_rate=8000:duration=0.25)
EXACT=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)
ff() { ffmpeg -nostdin -v error -y "${SINE[@]}" "${EXACT[@]}" "$@"; }

wav_src() { ff -c:a pcm_s16le "$1"; }                        # RIFF, fmt + data only
mp3_src() { ff -c:a libmp3lame -b:a 8k -id3v2_version 0 "$1"; } # no ID3 at all
m4a_src() { ff -c:a aac -b:a 16k "$1"; }                     # ftyp free mdat moov
aiff_src() { ff -c:a pcm_s16be "$1"; }                       # FORM AIFF
aifc_src() { ff -c:a pcm_s16le "$1"; }                       # FORM AIFC, 'sowt'
flac_src() { wav_src "$TMP/flac_src.wav"; flac -s -f --padding=512 -o "$1" "$TMP/flac_src.wav"; }

# ------------------------------------------------------------------ WAV
# ffmpeg: -metadata ISRC= becomes a LIST/INFO 'ISRC' sub-chunk (NUL-terminated,
# odd size 13 + pad byte), before 'data'.
ff -c:a pcm_s16le -metadata ISRC=USRC12400101 wav/ffmpeg_info_isrc.wav
# ffmpeg 5.1's wav muxer has no write_id3v2 option: the flag is accepted and
# ignored, the result is INFO only (no id3 chunk).
ff -c:a pcm_s16le -write_id3v2 1 -metadata ISRC=USRC12400102 wav/ffmpeg_write_id3v2_ignored.wav
# mutagen.wave: 'id3 ' chunk appended after 'data'
wav_src wav/mutagen_id3v23_utf16.wav
$TAGS id3 wave wav/mutagen_id3v23_utf16.wav 3 TSRC@1=GBAYE2400103 TXXX:BARCODE@1=075678164125
wav_src wav/mutagen_id3v24_latin1.wav
$TAGS id3 wave wav/mutagen_id3v24_latin1.wav 4 TSRC@0=GBAYE2400104 TXXX:BARCODE@0=4006381333931
# kid3-cli (TagLib) with its default settings: 'ID3 ' (upper case) chunk, v2.3, Latin-1
wav_src wav/kid3_default_ID3_chunk.wav
kid3 -c 'set isrc FRZ032400105' -c 'set BARCODE 5099902987866' wav/kid3_default_ID3_chunk.wav
# kid3-cli with Tag.lowercaseId3RiffChunk=true, v2.4, UTF-8: 'id3 ' chunk
wav_src wav/kid3_lowercase_id3_v24_utf8.wav
kid3_lower -c 'set isrc FRZ032400106' wav/kid3_lowercase_id3_v24_utf8.wav
# conflict: INFO ISRC (ffmpeg) and id3 TSRC (mutagen) hold different codes
ff -c:a pcm_s16le -metadata ISRC=DEA842400107 wav/conflict_info_vs_id3.wav
$TAGS id3 wave wav/conflict_info_vs_id3.wav 3 TSRC@0=DEA842400108
# kid3 on a WAV with LIST/INFO: TagLib rewrites the file as fmt, data, 'ID3 ', LIST
ff -c:a pcm_s16le -metadata ISRC=DEA842400109 wav/kid3_moves_info_after_data.wav
kid3 -c 'set isrc DEA842400110' wav/kid3_moves_info_after_data.wav
# BWF: bext description merely mentions an ISRC (bext is not a code site)
ff -c:a pcm_s16le -write_bext 1 -metadata 'description=ISRC USRC17607839' \
    -metadata originator=isrckit -metadata originator_reference=USID0000000000000000000000000001 \
    -metadata origination_date=2024-01-02 -metadata origination_time=03:04:05 \
    wav/bwf_bext_description_mentions_isrc.wav
# BWF: the FADGI convention, identifiers as KEY:value entries in the bext
# Description (written by ffmpeg's -write_bext): ';'-separated, then CRLF-separated
ff -c:a pcm_s16le -write_bext 1 -metadata 'description=ISRC:GBAYE2400118; ISWC:T-034.524.680-1' \
    wav/bwf_bext_fadgi_isrc_semicolons.wav
ff -c:a pcm_s16le -write_bext 1 \
    -metadata $'description=ID:isrckit-0119\r\nISRC:GBAYE2400119\r\nISWC:T-034.524.680-1' \
    wav/bwf_bext_fadgi_isrc_lines.wav
# BWF: odd-sized bext chunk (coding history of odd length) + pad byte, then LIST/INFO ISRC
ff -c:a pcm_s16le -write_bext 1 -metadata description=master \
    -metadata $'coding_history=A=PCM,F=8000,W=16,M=mono\r\n' \
    -metadata ISRC=QMDA72400111 wav/bwf_bext_odd_info_isrc.wav
# BWF: bext (ffmpeg) + id3 chunk (mutagen, v2.4 UTF-8)
ff -c:a pcm_s16le -write_bext 1 -metadata description=master wav/bwf_bext_id3.wav
$TAGS id3 wave wav/bwf_bext_id3.wav 4 TSRC@3=QMDA72400112
# LIST/INFO ISRC ("Source" by the RIFF spec) holding a mistyped ISRC (a letter
# in the year), and one holding a name (12 letters once the spaces go)
ff -c:a pcm_s16le -metadata ISRC=USRC1A607839 wav/ffmpeg_info_isrc_invalid_year.wav
ff -c:a pcm_s16le -metadata 'ISRC=John Smith Ltd' wav/ffmpeg_info_isrc_holds_a_name.wav
# RF64 (ffmpeg -rf64 always): ds64, fmt, LIST/INFO, data (size 0xFFFFFFFF)
ff -c:a pcm_s16le -rf64 always -metadata ISRC=NLA502400113 wav/rf64_ffmpeg_info.wav
# RF64 + kid3: TagLib inserts 'ID3 ' before data, sets the RF64 32-bit size to
# a real value and leaves ds64's riffSize stale (see README)
ff -c:a pcm_s16le -rf64 always wav/rf64_kid3_ID3_chunk.wav
kid3 -c 'set isrc NLA502400114' wav/rf64_kid3_ID3_chunk.wav
# BW64: no tool here writes one; RF64 from ffmpeg with the magic changed
ff -c:a pcm_s16le -rf64 always -metadata ISRC=NLA502400115 "$TMP/rf64.wav"
$TAGS bw64 "$TMP/rf64.wav" wav/bw64_from_rf64_info.wav
# iXML and aXML chunks (make_tags.py, from the RIFF chunk layout)
wav_src wav/ixml_aswg_isrc.wav
$TAGS ixml wav/ixml_aswg_isrc.wav JPPO02400116
wav_src wav/axml_ebucore_isrc.wav
$TAGS axml wav/axml_ebucore_isrc.wav JPPO02400117
# aXML: EBUCore identifier marked ISRC by formatLabel, text "ISRC:CODE", beside a
# UUID identifier (make_tags.py, as above)
wav_src wav/axml_ebucore_formatlabel_isrc_prefix.wav
$TAGS axml-formatlabel wav/axml_ebucore_formatlabel_isrc_prefix.wav JPPO02400120
wav_src wav/no_tags.wav

# ------------------------------------------------------------------ AIFF / AIFC
# ffmpeg -write_id3v2 1: 'ID3 ' chunk after SSND; ISRC becomes TXXX:ISRC (no TSRC)
ff -c:a pcm_s16be -write_id3v2 1 -id3v2_version 3 -metadata ISRC=ZZ0AB2400201 \
    -metadata BARCODE=036000291452 aiff/ffmpeg_id3v23.aiff
ff -c:a pcm_s16le -write_id3v2 1 -id3v2_version 4 -metadata ISRC=ZZ0AB2400202 \
    aiff/ffmpeg_id3v24.aifc
aiff_src aiff/mutagen_id3v24_utf8.aiff
$TAGS id3 aiff aiff/mutagen_id3v24_utf8.aiff 4 TSRC@3=ZZ0AB2400203 TXXX:BARCODE@3=724384960650
aifc_src aiff/mutagen_id3v23_utf16.aifc
$TAGS id3 aiff aiff/mutagen_id3v23_utf16.aifc 3 TSRC@1=USRC12400204 TXXX:BARCODE@1=8712345678906
# kid3 (TagLib 1.x) writes AIFF ID3 as v2.4 even when set to v2.3
aiff_src aiff/kid3_id3.aiff
kid3 -c 'set isrc USRC12400205' -c 'set BARCODE 5012345678900' aiff/kid3_id3.aiff
aiff_src aiff/no_tags.aiff

# ------------------------------------------------------------------ FLAC
flac_src "$TMP/base.flac"
cp "$TMP/base.flac" flac/metaflac_isrc_barcode.flac
metaflac --set-tag=ISRC=GBAYE2400301 --set-tag=BARCODE=0886443927087 flac/metaflac_isrc_barcode.flac
cp "$TMP/base.flac" flac/metaflac_lowercase_keys.flac
metaflac --set-tag=isrc=GBAYE2400302 --set-tag=Barcode=4988006887183 flac/metaflac_lowercase_keys.flac
cp "$TMP/base.flac" flac/metaflac_two_isrc_conflict.flac
metaflac --set-tag=ISRC=GBAYE2400303 --set-tag=ISRC=GBAYE2400304 flac/metaflac_two_isrc_conflict.flac
cp "$TMP/base.flac" flac/metaflac_upc_alias.flac
metaflac --set-tag=ISRC=FRZ032400305 --set-tag=UPC=036000291452 flac/metaflac_upc_alias.flac
cp "$TMP/base.flac" flac/metaflac_ean_alias.flac
metaflac --set-tag=ISRC=FRZ032400306 --set-tag=EAN=5099902987866 flac/metaflac_ean_alias.flac
cp "$TMP/base.flac" flac/comment_mentions_isrc.flac
metaflac '--set-tag=COMMENT=ISRC USRC17607839 pending' flac/comment_mentions_isrc.flac
# ffmpeg's flac muxer: Vorbis comment ISRC / BARCODE, 8 KiB padding, vendor "ffmpeg"
ff -c:a flac -metadata ISRC=QMDA72400310 -metadata BARCODE=4006381333931 flac/ffmpeg_isrc_barcode.flac
cp "$TMP/base.flac" flac/kid3.flac
kid3 -c 'set isrc QMDA72400311' -c 'set BARCODE 724384960650' flac/kid3.flac
# ID3v2.3 tag in front of 'fLaC' (mutagen ID3.save on the path) + a Vorbis ISRC
cp "$TMP/base.flac" flac/id3v2_before_flac.flac
metaflac --set-tag=ISRC=DEA842400309 flac/id3v2_before_flac.flac
$TAGS id3 file flac/id3v2_before_flac.flac 3 TSRC@0=DEA842400309
# CD-DA FLAC with a CUESHEET block (metaflac --import-cuesheet-from): 44100 Hz
# stereo 16-bit, 23520 samples (40 CD frames of 588 samples); track 2 starts
# at frame 10 (INDEX 00) / 20 (INDEX 01); lead-out at 23520.
ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=441:sample_rate=44100 \
    -af atrim=end_sample=23520 -ac 2 "${EXACT[@]}" -c:a pcm_s16le "$TMP/cd.wav"
flac -s -f --padding=512 -o flac/cuesheet_cdda.flac "$TMP/cd.wav"
cat > "$TMP/cd.cue" <<'CUE'
CATALOG 0724384960650
FILE "cd.wav" WAVE
  TRACK 01 AUDIO
    ISRC DEA842400307
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    ISRC DEA842400308
    INDEX 00 00:00:10
    INDEX 01 00:00:20
CUE
metaflac --import-cuesheet-from="$TMP/cd.cue" flac/cuesheet_cdda.flac

# ------------------------------------------------------------------ CUE / TOC
# CD masters as text (no audio in them). metaflac exports the CUESHEET block
# of the CD-DA FLAC above as a CUE sheet; its FILE line names the FLAC as
# given on the command line, so the copy is named with a space.
mkdir -p "$TMP/cd"
cp flac/cuesheet_cdda.flac "$TMP/cd/CD Master.flac"
(cd "$TMP/cd" && metaflac --export-cuesheet-to=metaflac.cue "CD Master.flac")
cp "$TMP/cd/metaflac.cue" cue/metaflac_export.cue
# cuetools' cueconvert: a sheet with CD-TEXT (TITLE, PERFORMER, UPC_EAN) and
# a third track without an ISRC becomes a cdrdao TOC file (CD_DA, CATALOG,
# CD_TEXT blocks, ISRC, FILE "name" start length), and that TOC a sheet
# again. The input sheet is written here (in $TMP only, as cd.cue above);
# the REM line mentions a code that is in no other line.
cat > "$TMP/cd/album.cue" <<'CUE'
REM COMMENT "ISRC GBAYE2400799 is only mentioned here"
CATALOG 4006381333931
PERFORMER "The Band"
TITLE "Album Name"
UPC_EAN 4006381333931
FILE "Album Master.wav" WAVE
  TRACK 01 AUDIO
    TITLE "One"
    PERFORMER "The Band"
    ISRC GBAYE2400701
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "Two"
    PERFORMER "The Band"
    ISRC GBAYE2400702
    INDEX 00 00:04:00
    INDEX 01 00:06:00
  TRACK 03 AUDIO
    TITLE "Three"
    PERFORMER "The Band"
    INDEX 01 00:10:00
CUE
cueconvert -i cue -o toc "$TMP/cd/album.cue" cue/cueconvert_cdtext.toc
cueconvert -i toc -o cue cue/cueconvert_cdtext.toc cue/cueconvert_from_toc.cue
# cdrdao's toc2cue on the same TOC file: it needs the audio file the TOC
# names (14 s of silence here) and writes a sheet without CATALOG and ISRCs.
ffmpeg -nostdin -v error -y -f lavfi -i anullsrc=r=44100:cl=stereo -t 14 "${EXACT[@]}" \
    -c:a pcm_s16le "$TMP/cd/Album Master.wav"
cp cue/cueconvert_cdtext.toc "$TMP/cd/album.toc"
(cd "$TMP/cd" && toc2cue album.toc toc2cue.cue 2>/dev/null)
cp "$TMP/cd/toc2cue.cue" cue/toc2cue_drops_codes.cue

# ------------------------------------------------------------------ MP3
# ffmpeg's mp3 muxer: ID3v2.4 by default, -metadata ISRC= -> TXXX:ISRC (UTF-8),
# BARCODE -> TXXX:BARCODE; a 4-letter frame id as key (TSRC) is written as that frame
ff -c:a libmp3lame -b:a 8k -metadata ISRC=NLA502400401 -metadata BARCODE=075678164125 \
    mp3/ffmpeg_default_v24.mp3
ff -c:a libmp3lame -b:a 8k -id3v2_version 3 -metadata TSRC=NLA502400402 mp3/ffmpeg_v23_tsrc_key.mp3
# ffmpeg writes an empty ID3v2.4 header (no frames, 10 bytes padding) without metadata
ff -c:a libmp3lame -b:a 8k mp3/ffmpeg_empty_id3.mp3
mp3_src mp3/no_tags.mp3
# eyeD3: v2.4 UTF-8 by default; --to-v2.3 gives UTF-16 with BOM
mp3_src mp3/eyed3_v24.mp3
eyed3 --text-frame=TSRC:JPPO02400405 --user-text-frame=BARCODE:4006381333931 mp3/eyed3_v24.mp3
mp3_src mp3/eyed3_v23.mp3
eyed3 --to-v2.3 --text-frame=TSRC:JPPO02400406 mp3/eyed3_v23.mp3
# id3v2 (id3lib): v2.3 Latin-1 and, by default, an ID3v1 tag at the end too
mp3_src mp3/id3v2_tool_v23_with_v1.mp3
id3v2 -t 'isrckit test' --TSRC JPPO02400407 --TXXX 'UPC:724384960650' mp3/id3v2_tool_v23_with_v1.mp3
# mid3v2 (mutagen's command line): v2.4 UTF-8
mp3_src mp3/mid3v2_v24.mp3
mid3v2 --TSRC ZZ0AB2400408 --TXXX 'BARCODE:8712345678906' mp3/mid3v2_v24.mp3
# kid3-cli on an untagged MP3: v2.3 Latin-1
mp3_src mp3/kid3_v23.mp3
kid3 -c 'set isrc ZZ0AB2400409' -c 'set BARCODE 5012345678900' mp3/kid3_v23.mp3
# kid3 'set isrc' on ffmpeg's output edits the existing TXXX:ISRC (TagLib maps
# it to the ISRC property) instead of writing TSRC; the tag stays v2.4
ff -c:a libmp3lame -b:a 8k -metadata ISRC=USRC12400499 mp3/kid3_edits_ffmpeg_txxx_isrc.mp3
kid3 -c 'set isrc ZZ0AB2400410' mp3/kid3_edits_ffmpeg_txxx_isrc.mp3
# mutagen: every ID3 text encoding
mp3_src mp3/mutagen_utf16_v23.mp3
$TAGS id3 file mp3/mutagen_utf16_v23.mp3 3 TSRC@1=USRC12400411 TXXX:BARCODE@1=0886443927087
mp3_src mp3/mutagen_utf16be_v24.mp3
$TAGS id3 file mp3/mutagen_utf16be_v24.mp3 4 TSRC@2=USRC12400412
mp3_src mp3/mutagen_utf8_v24.mp3
$TAGS id3 file mp3/mutagen_utf8_v24.mp3 4 TSRC@3=USRC12400413 TXXX:Barcode@3=4988006887183
mp3_src mp3/mutagen_latin1_v23.mp3
$TAGS id3 file mp3/mutagen_latin1_v23.mp3 3 TSRC@0=USRC12400414 TXXX:EAN@0=5099902987866
# a v2.4 TSRC holding two values (NUL-separated)
mp3_src mp3/mutagen_tsrc_two_values_v24.mp3
$TAGS id3 file mp3/mutagen_tsrc_two_values_v24.mp3 4 'TSRC@3=USRC17607839;GBAYE6800011'
# non-canonical and invalid codes (all written by mutagen, v2.3 Latin-1)
for pair in isrc_hyphenated:FR-Z03-24-00416 isrc_lowercase:frz032400417 \
            isrc_invalid_country:XX1234567890 isrc_wrong_length:FRZ03240041 \
            isrc_with_prefix:'ISRC FRZ032400420' isrc_all_zero:000000000000; do
    name=${pair%%:*}; code=${pair#*:}
    mp3_src "mp3/$name.mp3"
    $TAGS id3 file "mp3/$name.mp3" 3 "TSRC@0=$code"
done
mp3_src mp3/barcode_bad_check_digit.mp3
$TAGS id3 file mp3/barcode_bad_check_digit.mp3 3 TSRC@0=DEA842400422 TXXX:BARCODE@0=0602527114562
# a comment that merely mentions an ISRC (eyeD3 COMM frame): not a code site
mp3_src mp3/comm_mentions_isrc.mp3
eyed3 --add-comment 'ISRC USRC17607839 (pending)' mp3/comm_mentions_isrc.mp3
# APEv2 tag at the end (mutagen.apev2), no ID3
mp3_src mp3/apev2_only.mp3
$TAGS ape mp3/apev2_only.mp3 ISRC=QMDA72400424 BARCODE=036000291452

# ------------------------------------------------------------------ MP4 / M4A
m4a_src mp4/mutagen_freeform_isrc_barcode.m4a
$TAGS mp4 mp4/mutagen_freeform_isrc_barcode.m4a '----:com.apple.iTunes:ISRC=QMDA72400501' \
    '----:com.apple.iTunes:BARCODE=724384960650'
m4a_src mp4/mutagen_freeform_upc.m4a
$TAGS mp4 mp4/mutagen_freeform_upc.m4a '----:com.apple.iTunes:ISRC=QMDA72400502' \
    '----:com.apple.iTunes:UPC=075678164125'
# mutagen MP4FreeForm(..., dataformat=AtomDataType.IMPLICIT): data type 0, lowercase ISRC
m4a_src mp4/mutagen_freeform_implicit_lowercase.m4a
$TAGS mp4 mp4/mutagen_freeform_implicit_lowercase.m4a \
    '----:com.apple.iTunes:ISRC@implicit=qmda72400507' \
    '----:com.apple.iTunes:BARCODE@implicit=5012345678900'
m4a_src mp4/kid3_freeform.m4a
kid3 -c 'set isrc NLA502400503' -c 'set BARCODE 4006381333931' mp4/kid3_freeform.m4a
# ffmpeg's mov/mp4 muxer drops keys it does not know (ISRC) unless use_metadata_tags
ff -c:a aac -b:a 16k -metadata ISRC=NLA502400504 mp4/ffmpeg_plain_isrc_dropped.m4a
# -movflags use_metadata_tags: moov/udta/meta (hdlr 'mdta') + keys + ilst by index
ff -c:a aac -b:a 16k -movflags use_metadata_tags -metadata ISRC=NLA502400505 \
    -metadata BARCODE=5099902987866 mp4/ffmpeg_mdta_keys.m4a
# AtomicParsley --xID: ilst 'xid ' item "Provider:isrc:CODE" (moov moved before mdat)
m4a_src mp4/atomicparsley_xid.m4a
AtomicParsley mp4/atomicparsley_xid.m4a --xID 'isrckit-test:isrc:JPPO02400506' --overWrite >/dev/null
$TAGS mvhd-mtime mp4/atomicparsley_xid.m4a   # AtomicParsley stamps "now" into mvhd

# ------------------------------------------------------------------ damaged
# Each is made from a good file built here with its own code; the damage is
# hand-made on purpose (make_tags.py damage ...).
ff -c:a pcm_s16le -metadata ISRC=DEA842400601 "$TMP/d1.wav"
$TAGS damage cut-in-chunk-header "$TMP/d1.wav" damaged/wav_cut_in_data_header.wav data
ff -c:a pcm_s16le -metadata ISRC=DEA842400602 "$TMP/d2.wav"
$TAGS id3 wave "$TMP/d2.wav" 3 TSRC@0=DEA842400603
$TAGS damage chunk-size-huge "$TMP/d2.wav" damaged/wav_id3_chunk_size_huge.wav 'id3 '
ff -c:a pcm_s16le -metadata ISRC=DEA842400604 "$TMP/d3.wav"
$TAGS damage zero-chunk "$TMP/d3.wav" damaged/wav_zero_size_chunk.wav
ff -c:a pcm_s16le -metadata ISRC=DEA842400605 "$TMP/d4.wav"
$TAGS damage riff-size-huge "$TMP/d4.wav" damaged/wav_riff_size_huge.wav
mp3_src "$TMP/d5.mp3"
$TAGS id3 file "$TMP/d5.mp3" 4 TSRC@3=DEA842400606
$TAGS damage id3-size-huge "$TMP/d5.mp3" damaged/mp3_id3_size_huge.mp3
cp "$TMP/base.flac" "$TMP/d6.flac"
metaflac --set-tag=ISRC=DEA842400607 "$TMP/d6.flac"
$TAGS damage flac-cut-vorbis "$TMP/d6.flac" damaged/flac_cut_in_vorbis_comment.flac
m4a_src "$TMP/d7.m4a"
$TAGS mp4 "$TMP/d7.m4a" '----:com.apple.iTunes:ISRC=DEA842400608'
$TAGS damage mp4-size-ffffffff "$TMP/d7.m4a" damaged/mp4_mdat_size_ffffffff.m4a mdat
m4a_src "$TMP/d8.m4a"
$TAGS mp4 "$TMP/d8.m4a" '----:com.apple.iTunes:ISRC=DEA842400609'
$TAGS damage mp4-append-size64 "$TMP/d8.m4a" damaged/mp4_trailing_atom_size64_huge.m4a
aiff_src "$TMP/d9.aiff"
$TAGS id3 aiff "$TMP/d9.aiff" 4 TSRC@3=DEA842400610
$TAGS damage cut-at-half "$TMP/d9.aiff" damaged/aiff_truncated.aiff
: > damaged/empty.wav
$TAGS garbage damaged/random_garbage.m4a 4096 20240101
printf 'This is a text file, not audio.\nISRC USRC17607839\n' > damaged/text_named.flac
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 12345\n' \
    4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393 > damaged/lfs_pointer.wav
ff -c:a pcm_s16le -f wav -metadata ISRC=DEA842400614 damaged/wav_named.mp3

echo "make.sh: $(find wav aiff flac mp3 mp4 cue damaged -type f | wc -l) files, $(du -sh --apparent-size . | cut -f1) in testdata/"
