//! Per-file reader cost: `isrckit::read_file` on one real file per container
//! from `testdata/` (open + read the metadata + close, warm page cache), and
//! `isrckit::read_bytes` on the same bytes in memory (the parsing alone).
//! A third group reads a WAV of 2 seconds and one of 10 minutes (44.1 kHz
//! stereo, ID3 chunk after the audio, as mutagen and kid3 write it): the two
//! must cost the same, because a scan reads metadata, not audio. A fourth
//! renders each of the five reports as `audit --format json` does.
//!
//!     cargo bench --bench reader
//!     cargo bench --bench reader -- read_bytes     # one group
//!
//! Whole-process comparisons with mutagen, exiftool and the I/O floor are in
//! `bench/compare.sh` (see bench/README.md).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use isrckit::CodeKind;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// One file per container, each carrying an ISRC, written by a real tool.
const FILES: &[(&str, &str)] = &[
    ("wav", "testdata/wav/mutagen_id3v23_utf16.wav"),
    ("aiff", "testdata/aiff/kid3_id3.aiff"),
    ("flac", "testdata/flac/metaflac_isrc_barcode.flac"),
    ("mp3", "testdata/mp3/mutagen_utf16_v23.mp3"),
    ("m4a", "testdata/mp4/mutagen_freeform_isrc_barcode.m4a"),
];

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Fail loudly (before timing anything) if a file does not read cleanly
/// with an ISRC: a bench of the error path would measure the wrong thing.
fn check(report: &isrckit::FileReport, what: &str) {
    assert!(report.error.is_none(), "{what}: {:?}", report.error);
    assert!(
        report
            .codes
            .iter()
            .any(|c| c.kind == CodeKind::Isrc && c.valid),
        "{what}: no valid ISRC read"
    );
}

fn read_file(c: &mut Criterion) {
    let mut g = c.benchmark_group("read_file");
    g.throughput(Throughput::Elements(1));
    for &(name, rel) in FILES {
        let p = path(rel);
        check(&isrckit::read_file(&p), rel);
        g.bench_with_input(BenchmarkId::from_parameter(name), &p, |b, p| {
            b.iter(|| isrckit::read_file(black_box(p)))
        });
    }
    g.finish();
}

fn read_bytes(c: &mut Criterion) {
    let mut g = c.benchmark_group("read_bytes");
    g.throughput(Throughput::Elements(1));
    for &(name, rel) in FILES {
        let p = path(rel);
        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
        check(&isrckit::read_bytes(&p, &bytes), rel);
        g.bench_with_input(BenchmarkId::from_parameter(name), &bytes, |b, bytes| {
            b.iter(|| isrckit::read_bytes(black_box(&p), black_box(bytes)))
        });
    }
    g.finish();
}

/// An ID3v2.3 tag with TSRC and TXXX:BARCODE (Latin-1 text).
fn id3v23_tag() -> Vec<u8> {
    fn frame(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut f = id.to_vec();
        f.extend_from_slice(&(body.len() as u32).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(body);
        f
    }
    // Text bodies: encoding byte (0 = Latin-1), then the text; TXXX has a
    // NUL-terminated description before its value.
    let mut frames = frame(b"TSRC", b"\0USRC17607839");
    frames.extend(frame(b"TXXX", b"\0BARCODE\x004006381333931"));
    let n = frames.len() as u32;
    let syncsafe = [
        ((n >> 21) & 0x7f) as u8,
        ((n >> 14) & 0x7f) as u8,
        ((n >> 7) & 0x7f) as u8,
        (n & 0x7f) as u8,
    ];
    let mut tag = b"ID3\x03\x00\x00".to_vec();
    tag.extend_from_slice(&syncsafe);
    tag.extend(frames);
    tag
}

/// A 16-bit stereo 44.1 kHz WAV of `seconds` of silence with an `id3 `
/// chunk after the `data` chunk.
fn wav(seconds: u32) -> Vec<u8> {
    let data_len = 44_100 * 4 * seconds;
    let tag = id3v23_tag();
    let tag_pad = tag.len() % 2;
    let riff_len = 4 + (8 + 16) + (8 + data_len) + (8 + tag.len() as u32 + tag_pad as u32);
    let mut w = Vec::with_capacity(riff_len as usize + 8);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&riff_len.to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&2u16.to_le_bytes()); // channels
    w.extend_from_slice(&44_100u32.to_le_bytes());
    w.extend_from_slice(&(44_100u32 * 4).to_le_bytes());
    w.extend_from_slice(&4u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    w.resize(w.len() + data_len as usize, 0);
    w.extend_from_slice(b"id3 ");
    w.extend_from_slice(&(tag.len() as u32).to_le_bytes());
    w.extend(tag);
    if tag_pad == 1 {
        w.push(0);
    }
    w
}

fn length(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("wav_length");
    g.throughput(Throughput::Elements(1));
    for (name, seconds) in [("2s", 2), ("10min", 600)] {
        let p = dir.path().join(format!("{name}.wav"));
        std::fs::write(&p, wav(seconds)).expect("write temp WAV");
        let (report, bytes_read) = isrckit::read_file_counted(&p);
        check(&report, name);
        assert!(bytes_read < 1 << 20, "{name}: read {bytes_read} bytes");
        g.bench_with_input(BenchmarkId::new("read_file", name), &p, |b, p| {
            b.iter(|| isrckit::read_file(black_box(p)))
        });
    }
    g.finish();
}

/// The audit's per-file JSON (what `audit --format json` writes for each
/// file, on the reading threads), for the same five reports.
fn render(c: &mut Criterion) {
    use isrckit::audit::{AuditFormat, output};
    let json = output(AuditFormat::Json, Box::new(std::io::sink()), false);
    let Some(render) = json.file_renderer() else {
        panic!("the JSON sink renders each file");
    };
    let mut g = c.benchmark_group("render_json");
    g.throughput(Throughput::Elements(1));
    for &(name, rel) in FILES {
        let report = isrckit::read_file(path(rel));
        check(&report, rel);
        let mut out = Vec::with_capacity(4096);
        g.bench_with_input(BenchmarkId::from_parameter(name), &report, |b, r| {
            b.iter(|| {
                out.clear();
                render(black_box(r), &mut out).expect("render into memory");
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, read_file, read_bytes, length, render);
criterion_main!(benches);
