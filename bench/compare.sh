#!/bin/sh
# Peer comparison for isrckit; see bench/README.md.
#   bench/compare.sh [--files 2000] [--runs 5] [--cold] [--long] [--memory] [--isrckit PATH]
# Needs: cargo, cc, exiftool, ffmpeg, Debian's /usr/bin/python3 with mutagen,
# /usr/bin/time for --cold and --memory, root for --cold.
set -e
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/compare.py" "$@"
