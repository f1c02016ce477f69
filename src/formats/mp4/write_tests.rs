//! MP4 writer tests (`write.rs`): files assembled atom by atom, written,
//! read back and compared atom by atom with the original.

use super::build::{atom_bytes, freeform_item, full_bytes};
use super::shape::{list, meta_skip};
use super::*;
use crate::codes::{Gtin, Isrc};
use crate::formats::mp4::atoms::{Budget, Parent, be_u32, be_u64};
use crate::model::{FileReport, TagFormat};
use crate::plan::{Change, Piece};
use crate::source::ReadAt;

// ---- building files ----------------------------------------------------

fn atom(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    atom_bytes(kind, body)
}

fn atom64(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = body.len() as u64 + 16;
    [&1u32.to_be_bytes()[..], kind, &size.to_be_bytes(), body].concat()
}

fn full(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    full_bytes(kind, body)
}

fn data(kind: u32, value: &[u8]) -> Vec<u8> {
    atom(b"data", &[&kind.to_be_bytes()[..], &[0; 4], value].concat())
}

fn ff(mean: &str, name: &str, datas: &[Vec<u8>]) -> Vec<u8> {
    let body = [
        full(b"mean", mean.as_bytes()),
        full(b"name", name.as_bytes()),
        datas.concat(),
    ]
    .concat();
    atom(b"----", &body)
}

fn itunes(name: &str, value: &str) -> Vec<u8> {
    ff(ITUNES, name, &[data(1, value.as_bytes())])
}

fn free(size: usize) -> Vec<u8> {
    atom(b"free", &vec![0x55; size - 8])
}

fn hdlr(handler: &[u8; 4]) -> Vec<u8> {
    full(b"hdlr", &[&[0; 4][..], handler, &[0; 12], b"\0"].concat())
}

/// `udta/meta` (full box, iTunes handler) with an `ilst` of `items`,
/// and a free atom of `pad` bytes after the `ilst` when `pad > 0`.
fn udta_meta(items: &[Vec<u8>], pad: usize) -> Vec<u8> {
    let mut body = [hdlr(b"mdir"), atom(b"ilst", &items.concat())].concat();
    if pad > 0 {
        body.extend(free(pad));
    }
    atom(b"udta", &full(b"meta", &body))
}

fn keys(names: &[&str]) -> Vec<u8> {
    let mut body = (names.len() as u32).to_be_bytes().to_vec();
    for n in names {
        body.extend((n.len() as u32 + 8).to_be_bytes());
        body.extend(b"mdta");
        body.extend(n.as_bytes());
    }
    full(b"keys", &body)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn stco(offsets: &[u64]) -> Vec<u8> {
    let mut body = (offsets.len() as u32).to_be_bytes().to_vec();
    for &o in offsets {
        body.extend(u32::try_from(o).expect("32-bit offset").to_be_bytes());
    }
    full(b"stco", &body)
}

fn co64(offsets: &[u64]) -> Vec<u8> {
    let mut body = (offsets.len() as u32).to_be_bytes().to_vec();
    for &o in offsets {
        body.extend(o.to_be_bytes());
    }
    full(b"co64", &body)
}

/// A track whose chunks are the given table; its data reference says
/// "in this file" unless `external`.
fn trak(table: Vec<u8>, external: bool) -> Vec<u8> {
    let flags: &[u8] = if external {
        &[0, 0, 0, 0]
    } else {
        &[0, 0, 0, 1]
    };
    let url = atom(b"url ", flags);
    let dref = full(b"dref", &[&1u32.to_be_bytes()[..], &url].concat());
    let minf = atom(
        b"minf",
        &[atom(b"dinf", &dref), atom(b"stbl", &table)].concat(),
    );
    let mdia = atom(b"mdia", &[full(b"mdhd", &[0; 20]), minf].concat());
    atom(b"trak", &mdia)
}

fn mvhd() -> Vec<u8> {
    let mut body = [&[0; 8][..], &1000u32.to_be_bytes(), &5000u32.to_be_bytes()].concat();
    body.resize(96, 0);
    full(b"mvhd", &body)
}

fn payload() -> Vec<u8> {
    (0..600u32).map(|i| (i * 7919 % 251) as u8).collect()
}

/// How a test file is laid out.
#[derive(Default)]
struct Spec {
    /// `moov` after `mdat` (no faststart).
    moov_last: bool,
    /// A top-level free atom of this size right after `moov`.
    free_after_moov: usize,
    /// A top-level free atom of this size right before `moov`.
    free_before_moov: usize,
    /// The `udta` atom (or nothing) at the end of `moov`.
    udta: Vec<u8>,
    /// `moov` with a 64-bit size.
    moov64: bool,
    /// A fragmented file: `mvex` in `moov`, a `moof` after `mdat`.
    fragments: bool,
    /// The first track's data lives in another file.
    external: bool,
    /// More atoms at the end of `moov` (before `udta`).
    more: Vec<u8>,
}

/// A file of two tracks (one `stco`, one `co64`) whose chunk offsets
/// point into the `mdat`.
fn build(spec: &Spec) -> Vec<u8> {
    let ftyp = atom(b"ftyp", b"M4A \0\0\x02\0M4A isom");
    let free_or_none = |n: usize| if n > 0 { free(n) } else { Vec::new() };
    let moov = |base: u64| {
        let mut body = mvhd();
        body.extend(trak(stco(&[base, base + 100, base + 250]), spec.external));
        body.extend(trak(co64(&[base + 50, base + 400]), false));
        if spec.fragments {
            body.extend(atom(b"mvex", &full(b"trex", &[0; 20])));
        }
        body.extend_from_slice(&spec.more);
        body.extend_from_slice(&spec.udta);
        if spec.moov64 {
            atom64(b"moov", &body)
        } else {
            atom(b"moov", &body)
        }
    };
    let mdat = atom(b"mdat", &payload());
    let tail = if spec.fragments {
        atom(b"moof", &full(b"mfhd", &[0, 0, 0, 1]))
    } else {
        Vec::new()
    };
    let (before, after) = (
        free_or_none(spec.free_before_moov),
        free_or_none(spec.free_after_moov),
    );
    if spec.moov_last {
        let base = (ftyp.len() + 8) as u64;
        [ftyp, mdat, tail, before, moov(base), after].concat()
    } else {
        let len = moov(0).len();
        let base = (ftyp.len() + before.len() + len + after.len() + 8) as u64;
        [ftyp, before, moov(base), after, mdat, tail].concat()
    }
}

fn codes(isrc: Option<&str>, barcode: Option<&str>) -> Codes {
    Codes {
        isrc: isrc.map(|s| Isrc::parse(s).expect("valid ISRC")),
        barcode: barcode.map(|s| Gtin::parse(s).expect("valid barcode")),
        ..Default::default()
    }
}

const OLD: &str = "USRC17607839";
const NEW: &str = "GBAYE0601498";
const UPC: &str = "075678164125";
const EAN: &str = "4006381333931";

// ---- running and checking ----------------------------------------------

fn plan_bytes(file: &[u8], codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let mut s = file;
    let mut src = Source::new(&mut s, file.len() as u64);
    plan(&mut src, codes)
}

/// The new file a plan describes.
fn apply(file: &[u8], plan: &Plan) -> Vec<u8> {
    let mut out = Vec::new();
    for p in &plan.pieces {
        match p {
            Piece::Copy { offset, len } => {
                let (o, l) = (*offset as usize, *len as usize);
                out.extend_from_slice(file.get(o..o + l).expect("copy inside the original"));
            }
            Piece::Bytes(b) => out.extend_from_slice(b),
        }
    }
    out
}

/// Plan, apply, and check what every write must keep: the new file
/// reads cleanly, holds the codes at every site, the same `mdat` bytes
/// and movie header, the same atoms (apart from the edited lists and
/// free atoms) with the same bytes, and the old items in order; the
/// new file plans to nothing.
fn write(file: &[u8], codes: &Codes) -> (Vec<u8>, Vec<Change>) {
    let plan = plan_bytes(file, codes)
        .expect("plans")
        .expect("something to change");
    let out = apply(file, &plan);
    // The audio is one copied range, never loaded.
    let mdat = node(file, "mdat");
    assert!(
        plan.pieces
            .iter()
            .any(|p| matches!(p, Piece::Copy { offset, len }
            if *offset <= mdat.offset && offset + len >= mdat.offset + mdat.size)),
        "mdat copied whole: {:?}",
        plan.pieces
    );
    let report = read(&out);
    for kind in KINDS {
        let Some(want) = codes.text(kind) else {
            continue;
        };
        let sites: Vec<_> = report.codes.iter().filter(|c| c.kind == kind).collect();
        assert!(!sites.is_empty(), "no {kind} site: {:?}", report.codes);
        for s in sites {
            assert_eq!(s.raw, want, "{}", s.location.describe());
        }
    }
    assert_eq!(payload_of(file), payload_of(&out), "mdat content kept");
    assert_eq!(bytes_at(file, "moov/mvhd"), bytes_at(&out, "moov/mvhd"));
    assert_eq!(
        read(file).audio.and_then(|a| a.duration_ms),
        report.audio.and_then(|a| a.duration_ms)
    );
    assert_kept(file, &out);
    assert!(
        plan_bytes(&out, codes).expect("plans again").is_none(),
        "a second write changes nothing"
    );
    (out, plan.changes)
}

fn read(file: &[u8]) -> FileReport {
    let r = crate::read_bytes("test.m4a", file);
    assert_eq!(r.error, None, "reads cleanly");
    r
}

/// One atom of a tree.
#[derive(Debug, Clone)]
struct Node {
    path: String,
    offset: u64,
    size: u64,
}

fn tree(file: &[u8]) -> Vec<Node> {
    fn walk(src: &mut Source, budget: &mut Budget, parent: &Parent, out: &mut Vec<Node>) {
        let listing = list(src, budget, parent).expect("sound tree");
        for a in listing.atoms {
            out.push(Node {
                path: parent.join(&a),
                offset: a.offset,
                size: a.size,
            });
            let container = matches!(
                &a.kind,
                b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" | b"dinf" | b"ilst"
            ) || parent.path.ends_with("ilst");
            if a.is(b"meta") {
                let skip = meta_skip(src, &a).expect("meta");
                walk(src, budget, &parent.child(&a, skip), out);
            } else if container {
                walk(src, budget, &parent.child(&a, 0), out);
            }
        }
    }
    let mut s = file;
    let mut src = Source::new(&mut s, file.len() as u64);
    let mut out = Vec::new();
    walk(
        &mut src,
        &mut Budget::default(),
        &Parent::file(file.len() as u64),
        &mut out,
    );
    out
}

fn nodes(file: &[u8], path: &str) -> Vec<Node> {
    tree(file).into_iter().filter(|n| n.path == path).collect()
}

fn node(file: &[u8], path: &str) -> Node {
    nodes(file, path)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {path}"))
}

fn bytes_at<'f>(file: &'f [u8], path: &str) -> &'f [u8] {
    let n = node(file, path);
    &file[n.offset as usize..(n.offset + n.size) as usize]
}

fn payload_of(file: &[u8]) -> &[u8] {
    &bytes_at(file, "mdat")[8..]
}

fn mdat_at(file: &[u8]) -> u64 {
    node(file, "mdat").offset
}

/// Every chunk offset, in file order.
fn chunk_offsets(file: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    for n in tree(file) {
        let wide = n.path.ends_with("co64");
        if !(wide || n.path.ends_with("stco")) {
            continue;
        }
        let b = &file[n.offset as usize + 8..(n.offset + n.size) as usize];
        let count = be_u32(b, 4).expect("count") as usize;
        for i in 0..count {
            out.push(if wide {
                be_u64(b, 8 + 8 * i).expect("entry")
            } else {
                u64::from(be_u32(b, 8 + 4 * i).expect("entry"))
            });
        }
    }
    out
}

/// The items of the lists at `path`, as `kind` or `----:mean:name`.
fn items(file: &[u8], path: &str) -> Vec<String> {
    let t = tree(file);
    let mut out = Vec::new();
    for n in t.iter().filter(|n| {
        n.path.starts_with(path)
            && n.path.len() > path.len() + 1
            && !n.path[path.len() + 1..].contains('/')
    }) {
        let name = &n.path[path.len() + 1..];
        if name == "----" {
            let inner = |k: &str| {
                let m = t
                    .iter()
                    .find(|c| {
                        c.path == format!("{}/{k}", n.path)
                            && c.offset > n.offset
                            && c.offset < n.offset + n.size
                    })
                    .expect("mean and name");
                String::from_utf8_lossy(&file[m.offset as usize + 12..(m.offset + m.size) as usize])
                    .into_owned()
            };
            out.push(format!("----:{}:{}", inner("mean"), inner("name")));
        } else {
            out.push(name.to_string());
        }
    }
    out
}

/// The atom trees of `a` and `b` are the same apart from free atoms,
/// the contents of the lists, the atoms `b` adds on the path to a new
/// list, chunk offset tables and the sizes of the atoms that enclose
/// those; every other atom is byte for byte the same.
fn assert_kept(a: &[u8], b: &[u8]) {
    let added = [
        "moov/udta",
        "moov/udta/meta",
        "moov/udta/meta/hdlr",
        "moov/udta/meta/ilst",
    ];
    let keep = |n: &Node| {
        let last = n.path.rsplit('/').next().unwrap_or_default();
        !(last == "free" || last == "skip" || n.path.contains("ilst/"))
    };
    let ta: Vec<Node> = tree(a).into_iter().filter(keep).collect();
    let mut tb: Vec<Node> = tree(b).into_iter().filter(keep).collect();
    if ta.len() != tb.len() {
        // Drop what the write added, first occurrences not in `a`.
        for p in added {
            let in_a = ta.iter().filter(|n| n.path == p).count();
            let in_b = tb.iter().filter(|n| n.path == p).count();
            if in_b > in_a
                && let Some(i) = tb.iter().position(|n| n.path == p && !is_in(a, &ta, n, b))
            {
                tb.remove(i);
            }
        }
    }
    let pa: Vec<&str> = ta.iter().map(|n| n.path.as_str()).collect();
    let pb: Vec<&str> = tb.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(pa, pb, "same atoms in the same order");
    for (x, y) in ta.iter().zip(&tb) {
        let last = x.path.rsplit('/').next().unwrap_or_default();
        let enclosing = matches!(
            last,
            "moov" | "trak" | "mdia" | "minf" | "stbl" | "udta" | "meta" | "ilst" | "stco" | "co64"
        );
        if !enclosing {
            assert_eq!(
                &a[x.offset as usize..(x.offset + x.size) as usize],
                &b[y.offset as usize..(y.offset + y.size) as usize],
                "{} kept byte for byte",
                x.path
            );
        }
    }
}

/// Whether node `n` of `b` has a twin in `a` (same path and bytes).
fn is_in(a: &[u8], ta: &[Node], n: &Node, b: &[u8]) -> bool {
    let nb = &b[n.offset as usize..(n.offset + n.size) as usize];
    ta.iter()
        .any(|m| m.path == n.path && &a[m.offset as usize..(m.offset + m.size) as usize] == nb)
}

fn site_encoding(file: &[u8], field: &str) -> Vec<String> {
    read(file)
        .codes
        .iter()
        .filter(|c| c.location.field == field)
        .filter_map(|c| c.location.encoding.as_deref().map(str::to_string))
        .collect()
}

// ---- layouts ------------------------------------------------------------

#[test]
fn moov_before_mdat_without_room_moves_the_audio_and_shifts_every_chunk_offset() {
    let file = build(&Spec {
        udta: udta_meta(
            &[atom(b"\xA9nam", &data(1, b"Song")), itunes("ISRC", OLD)],
            0,
        ),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), Some(UPC)));
    let delta = out.len() as u64 - file.len() as u64;
    // The new item, and the 2 KiB of padding left for the next edit.
    assert_eq!(delta, freeform_item("BARCODE", UPC).len() as u64 + PAD);
    assert_eq!(mdat_at(&out), mdat_at(&file) + delta);
    let before = chunk_offsets(&file);
    assert_eq!(before.len(), 5);
    let shifted: Vec<u64> = before.iter().map(|o| o + delta).collect();
    assert_eq!(chunk_offsets(&out), shifted);
    // Each offset still points at the same audio byte.
    for (o, n) in before.iter().zip(&shifted) {
        assert_eq!(file[*o as usize], out[*n as usize]);
    }
    assert_eq!(node(&out, "moov/udta/meta/free").size, PAD);
    assert_eq!(
        items(&out, "moov/udta/meta/ilst"),
        [
            "\u{a9}nam",
            "----:com.apple.iTunes:ISRC",
            "----:com.apple.iTunes:BARCODE"
        ]
    );
    assert_eq!(
        changes,
        [
            Change {
                kind: CodeKind::Isrc,
                location: "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC".into(),
                old: Some(OLD.into()),
                new: NEW.into(),
            },
            Change {
                kind: CodeKind::Barcode,
                location: "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:BARCODE".into(),
                old: None,
                new: UPC.into(),
            },
        ]
    );

    // The next edit (a 13-digit barcode: one byte more) fits the padding.
    let (again, _) = write(&out, &codes(Some(NEW), Some(EAN)));
    assert_eq!(again.len(), out.len());
    assert_eq!(mdat_at(&again), mdat_at(&out));
    assert_eq!(chunk_offsets(&again), shifted);
    assert_eq!(node(&again, "moov/udta/meta/free").size, PAD - 1);
}

#[test]
fn free_atom_after_ilst_absorbs_the_growth() {
    let file = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", OLD)], 300),
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
    assert_eq!(out.len(), file.len());
    assert_eq!(mdat_at(&out), mdat_at(&file));
    assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
    let grown = freeform_item("BARCODE", UPC).len() as u64;
    assert_eq!(node(&out, "moov/udta/meta/free").size, 300 - grown);
}

#[test]
fn free_atom_after_moov_absorbs_the_growth_unless_1_to_7_bytes_would_be_left() {
    let grown = freeform_item("BARCODE", UPC).len();
    let spec = |free_after_moov| Spec {
        udta: udta_meta(&[itunes("ISRC", NEW)], 0),
        free_after_moov,
        ..Spec::default()
    };
    let c = codes(None, Some(UPC));
    // Used up exactly: the free atom goes.
    let file = build(&spec(grown));
    let (out, _) = write(&file, &c);
    assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
    assert!(nodes(&out, "free").is_empty());
    // Eight bytes left: an empty free atom stays.
    let file = build(&spec(grown + 8));
    let (out, _) = write(&file, &c);
    assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
    assert_eq!(node(&out, "free").size, 8);
    // Four bytes left cannot be a free atom: the audio moves instead.
    let file = build(&spec(grown + 4));
    let (out, _) = write(&file, &c);
    let delta = out.len() as u64 - file.len() as u64;
    assert_eq!(delta, grown as u64 + PAD);
    assert_eq!(mdat_at(&out), mdat_at(&file) + delta);
    let shifted: Vec<u64> = chunk_offsets(&file).iter().map(|o| o + delta).collect();
    assert_eq!(chunk_offsets(&out), shifted);
    assert_eq!(node(&out, "free").size, grown as u64 + 4, "kept as it was");
}

#[test]
fn free_atom_before_moov_absorbs_the_growth() {
    let file = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", OLD)], 0),
        free_before_moov: 500,
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
    assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
    assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
}

#[test]
fn moov_after_mdat_grows_without_touching_the_chunk_offsets() {
    let file = build(&Spec {
        moov_last: true,
        udta: udta_meta(&[itunes("ISRC", OLD)], 0),
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
    let grown = freeform_item("BARCODE", UPC).len() as u64;
    assert_eq!(out.len() as u64, file.len() as u64 + grown, "no padding");
    assert_eq!(mdat_at(&out), mdat_at(&file));
    assert_eq!(bytes_at(&out, "mdat"), bytes_at(&file, "mdat"));
    assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
    assert_eq!(node(&out, "moov").size, node(&file, "moov").size + grown);
}

#[test]
fn a_shorter_list_leaves_its_room_as_padding_or_moves_the_audio() {
    // Seventeen bytes shorter: a free atom takes their place.
    let long = format!("{OLD} (2006 remaster)x");
    let file = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", &long)], 0),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), None));
    assert_eq!(changes[0].old.as_deref(), Some(long.as_str()));
    assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
    assert_eq!(
        node(&out, "moov/udta/meta/free").size,
        (long.len() - NEW.len()) as u64
    );
    // Two bytes shorter cannot be a free atom: the audio moves.
    let file = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", "US-RC1-76-07839")], 0),
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), None));
    let delta = out.len() as i64 - file.len() as i64;
    assert_eq!(delta, PAD as i64 - 3);
    let shifted: Vec<u64> = chunk_offsets(&file)
        .iter()
        .map(|&o| o.checked_add_signed(delta).expect("offset"))
        .collect();
    assert_eq!(chunk_offsets(&out), shifted);
}

#[test]
fn wide_moov_header_stays_wide() {
    for moov_last in [false, true] {
        let file = build(&Spec {
            moov64: true,
            moov_last,
            udta: udta_meta(&[itunes("ISRC", OLD)], 0),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
        let moov = bytes_at(&out, "moov");
        assert_eq!(be_u32(moov, 0), Some(1));
        assert_eq!(be_u64(moov, 8), Some(moov.len() as u64));
    }
}

#[test]
fn fragmented_file_is_written_only_when_free_space_absorbs_the_change() {
    let spec = |pad| Spec {
        fragments: true,
        udta: udta_meta(&[itunes("ISRC", OLD)], pad),
        ..Spec::default()
    };
    let c = codes(Some(NEW), Some(UPC));
    match plan_bytes(&build(&spec(0)), &c) {
        Err(PlanError::Unsupported(m)) => assert!(m.contains("fragmented"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    let file = build(&spec(400));
    let (out, _) = write(&file, &c);
    assert_eq!(out.len(), file.len());
    // Same-length edits need no room at all.
    let (same, _) = write(&build(&spec(0)), &codes(Some(NEW), None));
    assert_eq!(same.len(), build(&spec(0)).len());
}

#[test]
fn data_in_another_file_is_not_shifted() {
    let file = build(&Spec {
        external: true,
        udta: udta_meta(&[itunes("ISRC", OLD)], 0),
        ..Spec::default()
    });
    match plan_bytes(&file, &codes(Some(NEW), Some(UPC))) {
        Err(PlanError::Unsupported(m)) => assert!(m.contains("another file"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

/// A file of `len` bytes of which only the first are stored; the rest
/// (the audio) reads as zeros.
struct Sparse(Vec<u8>);

impl ReadAt for Sparse {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = usize::try_from(offset + i as u64)
                .ok()
                .and_then(|at| self.0.get(at))
                .copied()
                .unwrap_or(0);
        }
        Ok(())
    }
}

#[test]
fn stco_offset_that_would_pass_4_gib_is_refused() {
    let len: u64 = (1 << 32) + 4096;
    let ftyp = atom(b"ftyp", b"M4A \0\0\x02\0M4A isom");
    let moov = |base: u64| {
        atom(
            b"moov",
            &[
                mvhd(),
                trak(stco(&[base, u64::from(u32::MAX) - 10]), false),
                udta_meta(&[itunes("ISRC", OLD)], 0),
            ]
            .concat(),
        )
    };
    let at = (ftyp.len() + moov(0).len()) as u64;
    let mut head = [ftyp, moov(at + 16)].concat();
    head.extend(1u32.to_be_bytes());
    head.extend(b"mdat");
    head.extend((len - at).to_be_bytes());
    let mut sparse = Sparse(head);
    let mut src = Source::new(&mut sparse, len);
    match plan(&mut src, &codes(Some(NEW), Some(UPC))) {
        Err(PlanError::Unsupported(m)) => assert!(m.contains("4 GiB"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(src.bytes_read < 64 * 1024, "the audio was not read");
    drop(src);
    // A same-length edit moves nothing, and reads no audio either.
    let mut src = Source::new(&mut sparse, len);
    let p = plan(&mut src, &codes(Some(NEW), None))
        .expect("plans")
        .expect("changes");
    assert!(
        p.pieces
            .iter()
            .any(|p| matches!(p, Piece::Copy { len: l, .. } if *l > 1 << 32))
    );
    assert!(src.bytes_read < 64 * 1024);
}

// ---- sites ----------------------------------------------------------------

#[test]
fn utf16_data_stays_utf16_and_mean_name_keep_their_case() {
    let item = ff("com.apple.itunes", "isrc", &[data(2, &utf16(OLD))]);
    let bom = ff(
        "com.apple.iTunes",
        "UPC",
        &[data(2, &[&[0xFE, 0xFF][..], &utf16(UPC)].concat())],
    );
    let file = build(&Spec {
        moov_last: true,
        udta: udta_meta(&[item, bom], 0),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), Some(EAN)));
    assert_eq!(
        items(&out, "moov/udta/meta/ilst"),
        [
            "----:com.apple.itunes:isrc",
            "----:com.apple.iTunes:UPC",
            "----:com.apple.iTunes:BARCODE"
        ]
    );
    assert_eq!(
        site_encoding(&out, "----:com.apple.itunes:isrc"),
        ["UTF-16BE"]
    );
    assert_eq!(
        site_encoding(&out, "----:com.apple.iTunes:UPC"),
        ["UTF-16BE"]
    );
    assert_eq!(
        site_encoding(&out, "----:com.apple.iTunes:BARCODE"),
        ["UTF-8"]
    );
    let datas = nodes(&out, "moov/udta/meta/ilst/----/data");
    let value = |n: &Node| &out[n.offset as usize + 16..(n.offset + n.size) as usize];
    assert_eq!(be_u32(&out, datas[0].offset as usize + 8), Some(2));
    assert_eq!(value(&datas[0]), utf16(NEW));
    assert_eq!(
        value(&datas[1]),
        [&[0xFE, 0xFF][..], &utf16(EAN)].concat(),
        "mark kept"
    );
    assert_eq!(
        changes[0].location,
        "moov/udta/meta/ilst › ilst ----:com.apple.itunes:isrc"
    );
    assert_eq!(changes[1].old.as_deref(), Some(UPC));
}

#[test]
fn xid_keeps_its_provider_and_the_standard_item_is_added() {
    let file = build(&Spec {
        udta: udta_meta(
            &[
                atom(
                    b"xid ",
                    &data(1, format!("Acme Records:isrc:{OLD}").as_bytes()),
                ),
                atom(b"\xA9ART", &data(1, b"Artist")),
            ],
            0,
        ),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), None));
    let xid = bytes_at(&out, "moov/udta/meta/ilst/xid ");
    assert!(xid.ends_with(format!("Acme Records:isrc:{NEW}").as_bytes()));
    assert_eq!(
        items(&out, "moov/udta/meta/ilst"),
        ["xid ", "\u{a9}ART", "----:com.apple.iTunes:ISRC"]
    );
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].location, "moov/udta/meta/ilst › xid :isrc");
    assert_eq!(changes[0].old.as_deref(), Some(OLD));
    assert_eq!(changes[1].old, None);
}

#[test]
fn mdta_items_are_updated_and_an_itunes_meta_goes_before_them() {
    let keyed = |i: u32, v: &[u8]| atom(&i.to_be_bytes(), &data(1, v));
    let mdta = full(
        b"meta",
        &[
            hdlr(b"mdta"),
            keys(&["ISRC", "encoder", "UPC"]),
            atom(
                b"ilst",
                &[
                    keyed(1, OLD.as_bytes()),
                    keyed(2, b"Lavf59"),
                    keyed(3, UPC.as_bytes()),
                ]
                .concat(),
            ),
        ]
        .concat(),
    );
    let file = build(&Spec {
        moov_last: true,
        udta: atom(b"udta", &mdta),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), Some(EAN)));
    let metas = nodes(&out, "moov/udta/meta");
    assert_eq!(metas.len(), 2);
    let first = bytes_at(&out, "moov/udta/meta/hdlr");
    assert_eq!(&first[16..24], b"mdirappl", "the iTunes list comes first");
    let fields: Vec<_> = read(&out)
        .codes
        .iter()
        .map(|c| (c.location.field.clone(), c.raw.clone()))
        .collect();
    assert_eq!(
        fields,
        [
            ("----:com.apple.iTunes:ISRC".to_string(), NEW.to_string()),
            ("----:com.apple.iTunes:BARCODE".to_string(), EAN.to_string()),
            ("ISRC".to_string(), NEW.to_string()),
            ("UPC".to_string(), EAN.to_string()),
        ]
    );
    let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
            "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:BARCODE",
            "moov/udta/meta/ilst › mdta ISRC",
            "moov/udta/meta/ilst › mdta UPC",
        ]
    );
    // The keyed list keeps its encoder item.
    assert!(out.windows(6).any(|w| w == b"Lavf59"));
}

#[test]
fn aliases_and_catalogue_numbers_that_are_barcodes_are_updated() {
    let file = build(&Spec {
        moov_last: true,
        udta: udta_meta(
            &[
                itunes("CATALOGNUMBER", "ABC-123"),
                itunes("CATALOGNUMBER", UPC),
                itunes("EAN", UPC),
                ff(
                    ITUNES,
                    "BARCODE",
                    &[data(0, b"\x01\x02"), data(1, UPC.as_bytes())],
                ),
            ],
            0,
        ),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(None, Some(EAN)));
    assert!(
        out.windows(7).any(|w| w == b"ABC-123"),
        "a catalogue number is kept"
    );
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert!(changes.iter().all(|c| c.old.as_deref() == Some(UPC)));
    // No second BARCODE item: the one with a binary value first is the site.
    assert_eq!(items(&out, "moov/udta/meta/ilst").len(), 4);
    let datas = nodes(&out, "moov/udta/meta/ilst/----/data");
    assert_eq!(bytes_at(&out, "moov/udta/meta/ilst/----/data").len(), 23);
    assert_eq!(
        &out[datas[3].offset as usize + 16..][..2],
        b"\x01\x02",
        "binary data kept"
    );
}

#[test]
fn an_implicit_type_value_is_rewritten_as_utf8_text() {
    let file = build(&Spec {
        moov_last: true,
        udta: udta_meta(&[ff(ITUNES, "ISRC", &[data(0, b"usrc17607839")])], 0),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), None));
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].old.as_deref(), Some("usrc17607839"));
    let d = nodes(&out, "moov/udta/meta/ilst/----/data")[0].offset as usize;
    assert_eq!(&out[d + 8..d + 12], &1u32.to_be_bytes(), "type 1: UTF-8");
    assert_eq!(&out[d + 16..d + 28], NEW.as_bytes());
}

#[test]
fn track_level_lists_are_updated_too() {
    let file = build(&Spec {
        moov_last: true,
        more: atom(b"trak", &udta_meta(&[itunes("ISRC", OLD)], 0)),
        ..Spec::default()
    });
    let (out, changes) = write(&file, &codes(Some(NEW), None));
    let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "moov/trak/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
            "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
        ]
    );
    assert_eq!(
        items(&out, "moov/udta/meta/ilst"),
        ["----:com.apple.iTunes:ISRC"]
    );
}

// ---- creating the list ---------------------------------------------------

#[test]
fn udta_meta_and_ilst_are_created_when_missing() {
    let mdir = |out: &[u8]| {
        let h = bytes_at(out, "moov/udta/meta/hdlr").to_vec();
        assert_eq!(h.len(), 34);
        assert_eq!(&h[16..24], b"mdirappl");
    };
    // No udta.
    for moov_last in [true, false] {
        let file = build(&Spec {
            moov_last,
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), Some(UPC)));
        mdir(&out);
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            [
                "----:com.apple.iTunes:ISRC",
                "----:com.apple.iTunes:BARCODE"
            ]
        );
        assert_eq!(changes.len(), 2);
        assert_eq!(
            nodes(&out, "moov/udta/meta/free").len(),
            usize::from(!moov_last)
        );
    }
    // A udta with other atoms and QuickTime's four zero bytes at its end.
    let file = build(&Spec {
        moov_last: true,
        udta: atom(
            b"udta",
            &[atom(b"\xA9xyz", b"\0\x11\0\0+40.0+010.0/"), vec![0; 4]].concat(),
        ),
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), None));
    mdir(&out);
    assert!(
        bytes_at(&out, "moov/udta").ends_with(&[0; 4]),
        "terminator stays last"
    );
    assert_eq!(
        tree(&out)
            .iter()
            .filter(|n| n.path.starts_with("moov/udta/"))
            .count(),
        8
    );
    // A meta without an ilst.
    let file = build(&Spec {
        moov_last: true,
        udta: atom(b"udta", &full(b"meta", &hdlr(b"mdir"))),
        ..Spec::default()
    });
    let (out, _) = write(&file, &codes(Some(NEW), None));
    assert_eq!(
        items(&out, "moov/udta/meta/ilst"),
        ["----:com.apple.iTunes:ISRC"]
    );
}

// ---- nothing to do, damage ---------------------------------------------------

#[test]
fn nothing_to_write_gives_none() {
    let file = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", NEW), itunes("BARCODE", UPC)], 0),
        ..Spec::default()
    });
    assert!(
        plan_bytes(&file, &codes(Some(NEW), Some(UPC)))
            .expect("ok")
            .is_none()
    );
    assert!(
        plan_bytes(&file, &codes(Some(NEW), None))
            .expect("ok")
            .is_none()
    );
    assert!(plan_bytes(&file, &Codes::default()).expect("ok").is_none());
}

#[test]
fn lying_sizes_are_damage() {
    let good = build(&Spec {
        udta: udta_meta(&[itunes("ISRC", OLD)], 0),
        ..Spec::default()
    });
    // The ISRC item claims more than its list holds.
    let at = node(&good, "moov/udta/meta/ilst/----").offset as usize;
    let mut bad = good.clone();
    bad[at..at + 4].copy_from_slice(&4000u32.to_be_bytes());
    assert!(matches!(
        plan_bytes(&bad, &codes(Some(NEW), None)),
        Err(PlanError::Damaged(_))
    ));
    // The moov claims more than the file holds.
    let mut bad = good.clone();
    let at = node(&good, "moov").offset as usize;
    bad[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        plan_bytes(&bad, &codes(Some(NEW), None)),
        Err(PlanError::Damaged(_))
    ));
    // A data atom too short for its type.
    let file = build(&Spec {
        udta: udta_meta(&[ff(ITUNES, "ISRC", &[atom(b"data", &[0, 0, 0, 1])])], 0),
        ..Spec::default()
    });
    assert!(matches!(
        plan_bytes(&file, &codes(Some(NEW), None)),
        Err(PlanError::Damaged(_))
    ));
    // An stco that declares more entries than it holds.
    let mut bad = good.clone();
    let at = node(&good, "moov/trak/mdia/minf/stbl/stco").offset as usize;
    bad[at + 12..at + 16].copy_from_slice(&1000u32.to_be_bytes());
    assert!(matches!(
        plan_bytes(&bad, &codes(Some(NEW), Some(UPC))),
        Err(PlanError::Damaged(_))
    ));
}

#[test]
fn damaged_files_never_panic_and_plans_stay_inside_the_file() {
    let good = build(&Spec {
        udta: udta_meta(
            &[
                itunes("ISRC", OLD),
                atom(b"xid ", &data(1, format!("A:isrc:{OLD}").as_bytes())),
            ],
            0,
        ),
        free_after_moov: 24,
        ..Spec::default()
    });
    let c = codes(Some(NEW), Some(UPC));
    let mut planned = 0;
    for at in 0..good.len() {
        for value in [0u8, 1, 0x7F, 0xFF, good[at].wrapping_add(1)] {
            let mut bad = good.clone();
            bad[at] = value;
            if let Ok(Some(p)) = plan_bytes(&bad, &c) {
                planned += 1;
                for piece in &p.pieces {
                    if let Piece::Copy { offset, len } = piece {
                        assert!(offset + len <= bad.len() as u64);
                    }
                }
            }
        }
    }
    for cut in 0..good.len() {
        let _ = plan_bytes(&good[..cut], &c);
    }
    assert!(planned > 0);
}

// ---- files made by real tools --------------------------------------------

/// Files made and checked by ffmpeg, ffprobe, mutagen and AtomicParsley
/// in a temp folder. A missing tool skips the test with a reason, unless
/// `CI` is set: then it fails.
mod tools {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    const PY: &str = "/usr/bin/python3";

    fn have(tool: &str, probe: &[&str]) -> bool {
        let ok = Command::new(tool)
            .args(probe)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is required in CI but cannot be run"
            );
            eprintln!(
                "SKIPPED: {tool} {} cannot be run (install it)",
                probe.join(" ")
            );
        }
        ok
    }

    fn have_all() -> bool {
        [
            have("ffmpeg", &["-version"]),
            have("ffprobe", &["-version"]),
            have(PY, &["-c", "import mutagen"]),
        ]
        .iter()
        .all(|&ok| ok)
    }

    /// Run a command; its stdout, or a panic with its stderr.
    fn run(cmd: &mut Command) -> String {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Two seconds of AAC in an .m4a made by ffmpeg, with `args`.
    fn sine(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
        let p = dir.join(name);
        run(Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
            .arg("sine=frequency=440:duration=2")
            .args(["-c:a", "aac"])
            .args(args)
            .arg(&p));
        p
    }

    /// Run a mutagen script with `f` the file opened as MP4.
    fn mutagen(path: &Path, script: &str) -> String {
        let code = format!(
            "import sys\nfrom mutagen.mp4 import MP4, MP4FreeForm, AtomDataType\nf = MP4(sys.argv[1])\n{script}\n"
        );
        run(Command::new(PY).arg("-c").arg(code).arg(path))
            .trim()
            .to_string()
    }

    /// Plan and apply the write of `codes` into `path` (checked as every
    /// write is), and store the result as `out.m4a` beside it.
    fn write_copy(path: &Path, codes: &Codes) -> (Vec<u8>, Vec<u8>, PathBuf) {
        let before = std::fs::read(path).expect("read");
        let (after, _) = write(&before, codes);
        let out = path.with_file_name("out.m4a");
        std::fs::write(&out, &after).expect("write");
        (before, after, out)
    }

    /// ffmpeg decodes the file without an error; ffprobe and mutagen
    /// see the ISRC (and the barcode).
    fn tools_agree(path: &Path, isrc: &str, barcode: Option<&str>) {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(path)
            .args(["-f", "null", "-"])
            .output()
            .expect("ffmpeg");
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "decodes cleanly");
        let tag = |key: &str| {
            run(Command::new("ffprobe")
                .args(["-v", "error", "-show_entries"])
                .arg(format!("format_tags={key}"))
                .args(["-of", "default=nw=1:nk=1"])
                .arg(path))
            .trim()
            .to_string()
        };
        assert_eq!(tag("ISRC"), isrc);
        let item = |name: &str| {
            mutagen(
                path,
                &format!("print(bytes(f['----:com.apple.iTunes:{name}'][0]).decode())"),
            )
        };
        assert_eq!(item("ISRC"), isrc);
        if let Some(b) = barcode {
            assert_eq!(tag("BARCODE"), b);
            assert_eq!(item("BARCODE"), b);
        }
    }

    #[test]
    fn faststart_file_without_room_moves_its_audio_and_the_next_edit_fits() {
        if !have_all() {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
        let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
        assert!(mdat_at(&before) > node(&before, "moov").offset, "faststart");
        let delta = (after.len() - before.len()) as u64;
        assert!(delta > PAD);
        assert_eq!(mdat_at(&after), mdat_at(&before) + delta);
        let offsets = chunk_offsets(&before);
        assert!(!offsets.is_empty());
        let shifted: Vec<u64> = offsets.iter().map(|o| o + delta).collect();
        assert_eq!(chunk_offsets(&after), shifted);
        tools_agree(&out, NEW, Some(UPC));

        // The padding takes the next edit: nothing moves.
        let (again_before, again, again_out) = write_copy(&out, &codes(Some(OLD), Some(EAN)));
        assert_eq!(again.len(), again_before.len());
        assert_eq!(mdat_at(&again), mdat_at(&after));
        assert_eq!(chunk_offsets(&again), shifted);
        tools_agree(&again_out, OLD, Some(EAN));
    }

    #[test]
    fn faststart_file_tagged_by_mutagen_keeps_its_size() {
        if !have_all() {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
        mutagen(
            &p,
            &format!(
                "f['\\xa9nam'] = ['Song']\nf['----:com.apple.iTunes:ISRC'] = [MP4FreeForm(b'{OLD}')]\nf.save()"
            ),
        );
        let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
        assert_eq!(
            after.len(),
            before.len(),
            "mutagen's padding absorbs the change"
        );
        assert_eq!(mdat_at(&after), mdat_at(&before));
        assert_eq!(chunk_offsets(&after), chunk_offsets(&before));
        // mutagen's own order, kept; the new item at the end.
        let mut order = items(&before, "moov/udta/meta/ilst");
        assert_eq!(order.len(), 3);
        order.push("----:com.apple.iTunes:BARCODE".into());
        assert_eq!(items(&after, "moov/udta/meta/ilst"), order);
        tools_agree(&out, NEW, Some(UPC));
        assert_eq!(mutagen(&out, "print(f['\\xa9nam'][0])"), "Song");
    }

    #[test]
    fn moov_after_mdat_grows_in_place() {
        if !have_all() {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(dir.path(), "a.m4a", &[]);
        let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
        assert!(node(&before, "moov").offset > mdat_at(&before), "moov last");
        assert_eq!(mdat_at(&after), mdat_at(&before));
        assert_eq!(chunk_offsets(&after), chunk_offsets(&before));
        assert!(after.len() > before.len());
        tools_agree(&out, NEW, Some(UPC));
    }

    #[test]
    fn atomicparsley_xid_keeps_its_provider() {
        if !have_all() || !have("AtomicParsley", &["--version"]) {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
        run(Command::new("AtomicParsley")
            .arg(&p)
            .arg("--xID")
            .arg(format!("Acme Records:isrc:{OLD}"))
            .arg("--overWrite"));
        let (before, after, out) = write_copy(&p, &codes(Some(NEW), None));
        // AtomicParsley leaves its padding before the list: it absorbs the new item.
        assert_eq!(after.len(), before.len());
        assert_eq!(mdat_at(&after), mdat_at(&before));
        assert!(
            items(&after, "moov/udta/meta/ilst")
                .ends_with(&["xid ".to_string(), "----:com.apple.iTunes:ISRC".to_string()])
        );
        tools_agree(&out, NEW, None);
        let listed = run(Command::new("AtomicParsley").arg(&out).arg("-t"));
        assert!(
            listed.contains(&format!("Atom \"xid \" contains: Acme Records:isrc:{NEW}")),
            "{listed}"
        );
    }

    #[test]
    fn ffmpeg_metadata_keys_are_updated() {
        if !have_all() {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(
            dir.path(),
            "a.m4a",
            &[
                "-movflags",
                "+faststart+use_metadata_tags",
                "-metadata",
                &format!("ISRC={OLD}"),
            ],
        );
        let (_, after, out) = write_copy(&p, &codes(Some(NEW), None));
        let fields: Vec<_> = read(&after)
            .codes
            .iter()
            .map(|c| (c.location.tag, c.raw.clone()))
            .collect();
        assert_eq!(
            fields,
            [
                (TagFormat::Ilst, NEW.to_string()),
                (TagFormat::Mdta, NEW.to_string())
            ]
        );
        tools_agree(&out, NEW, None);
    }

    #[test]
    fn mutagen_utf16_value_stays_utf16() {
        if !have_all() {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = sine(dir.path(), "a.m4a", &[]);
        mutagen(
            &p,
            &format!(
                "f['----:com.apple.iTunes:ISRC'] = [MP4FreeForm('{OLD}'.encode('utf-16-be'), dataformat=AtomDataType.UTF16)]\nf.save()"
            ),
        );
        let (_, after, out) = write_copy(&p, &codes(Some(NEW), None));
        assert_eq!(
            site_encoding(&after, "----:com.apple.iTunes:ISRC"),
            ["UTF-16BE"]
        );
        let seen = mutagen(
            &out,
            "v = f['----:com.apple.iTunes:ISRC'][0]\nprint(int(v.dataformat), bytes(v).decode('utf-16-be'))",
        );
        assert_eq!(seen, format!("2 {NEW}"));
    }
}
