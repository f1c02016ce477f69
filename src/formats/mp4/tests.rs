//! MP4 reader tests over files assembled atom by atom.

use super::atoms::{self, Budget, MAX_ATOMS, MAX_DEPTH, Parent, Step};
use super::read::read;
use crate::formats::{Collector, FormatError};
use crate::model::{CodeKind, CodeSite, Container, TagFormat};
use crate::source::Source;

// ---- building files -------------------------------------------------------

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// An atom with a 32-bit size.
fn atom(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = u32::try_from(body.len() + 8).expect("test atom fits");
    cat(&[&size.to_be_bytes(), kind, body])
}

/// An atom with size 1 and a 64-bit size.
fn atom64(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = body.len() as u64 + 16;
    cat(&[&1u32.to_be_bytes(), kind, &size.to_be_bytes(), body])
}

/// A full box: version 0, flags 0, then the body.
fn full(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    atom(kind, &cat(&[&[0; 4], body]))
}

fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
    atom(b"ftyp", &cat(&[brand, &[0, 0, 2, 0], brand, b"isom"]))
}

fn mdat(len: usize) -> Vec<u8> {
    atom(b"mdat", &vec![0xAA; len])
}

fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut body = cat(&[&[0; 8], &timescale.to_be_bytes(), &duration.to_be_bytes()]);
    body.resize(96, 0);
    full(b"mvhd", &body)
}

fn hdlr(handler: &[u8; 4]) -> Vec<u8> {
    full(b"hdlr", &cat(&[&[0; 4], handler, &[0; 12], b"\0"]))
}

fn data(kind: u32, value: &[u8]) -> Vec<u8> {
    atom(b"data", &cat(&[&kind.to_be_bytes(), &[0; 4], value]))
}

fn freeform(mean: &str, name: &str, datas: &[Vec<u8>]) -> Vec<u8> {
    let body = cat(&[
        &full(b"mean", mean.as_bytes()),
        &full(b"name", name.as_bytes()),
        &datas.concat(),
    ]);
    atom(b"----", &body)
}

fn itunes(name: &str, value: &str) -> Vec<u8> {
    freeform("com.apple.iTunes", name, &[data(1, value.as_bytes())])
}

fn ilst(items: &[Vec<u8>]) -> Vec<u8> {
    atom(b"ilst", &items.concat())
}

/// `udta/meta` (full box) with an iTunes handler and an `ilst`.
fn udta_meta(items: &[Vec<u8>]) -> Vec<u8> {
    atom(
        b"udta",
        &full(b"meta", &cat(&[&hdlr(b"mdir"), &ilst(items)])),
    )
}

fn moov(children: &[Vec<u8>]) -> Vec<u8> {
    atom(b"moov", &children.concat())
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

fn keyed_item(index: u32, datas: &[Vec<u8>]) -> Vec<u8> {
    atom(&index.to_be_bytes(), &datas.concat())
}

fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// Offset of the `nth` (0-based) atom of type `kind` in `file`.
fn offset_of(file: &[u8], kind: &[u8; 4], nth: usize) -> u64 {
    let at = file
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w == kind)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("atom in test file");
    at as u64 - 4
}

struct Run {
    c: Collector,
    result: Result<(), FormatError>,
    bytes_read: u64,
}

fn run(file: &[u8]) -> Run {
    let mut bytes: &[u8] = file;
    let mut src = Source::new(&mut bytes, file.len() as u64);
    let mut c = Collector::new(Container::Mp4);
    let result = read(&mut src, &mut c);
    Run {
        c,
        result,
        bytes_read: src.bytes_read,
    }
}

fn error_text(r: &Run) -> String {
    match &r.result {
        Ok(()) => panic!("expected an error; sites {:?}", r.c.sites),
        Err(e) => e.to_string(),
    }
}

/// Assert one site's kind, raw text and location.
#[allow(clippy::too_many_arguments)] // reason: one argument per asserted field keeps each test's table readable
fn assert_site(
    site: &CodeSite,
    kind: CodeKind,
    raw: &str,
    field: &str,
    chunk: &str,
    tag: TagFormat,
    encoding: &str,
    offset: u64,
) {
    assert_eq!(site.kind, kind, "{site:?}");
    assert_eq!(site.raw, raw, "{site:?}");
    assert_eq!(site.location.container, Container::Mp4);
    assert_eq!(site.location.field, field);
    assert_eq!(site.location.chunk.as_deref(), Some(chunk));
    assert_eq!(site.location.tag, tag);
    assert_eq!(site.location.encoding.as_deref(), Some(encoding));
    assert_eq!(site.location.offset, offset);
}

// ---- tests ----------------------------------------------------------------

#[test]
fn freeform_isrc_and_barcode_with_audio_properties() {
    let file = [
        ftyp(b"M4A "),
        mdat(16),
        moov(&[
            mvhd(44_100, 441_000),
            udta_meta(&[
                atom(b"\xA9nam", &data(1, b"USRC17607839")),
                itunes("ISRC", "USRC17607839"),
                itunes("BARCODE", "075678164125"),
                itunes("MOOD", "calm"),
            ]),
        ]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.format.as_deref(), Some("MP4 (M4A)"));
    assert_eq!(r.c.audio.duration_ms, Some(10_000));
    // ftyp is 24 bytes; mdat's content starts after its 8-byte header.
    assert_eq!(r.c.audio.payload_offset, Some(32));
    assert_eq!(r.c.audio.payload_len, Some(16));
    assert_eq!(r.c.sites.len(), 2, "{:?}", r.c.sites);
    let chunk = "moov/udta/meta/ilst";
    assert_site(
        &r.c.sites[0],
        CodeKind::Isrc,
        "USRC17607839",
        "----:com.apple.iTunes:ISRC",
        chunk,
        TagFormat::Ilst,
        "UTF-8",
        offset_of(&file, b"----", 0),
    );
    assert_eq!(r.c.sites[0].value.as_deref(), Some("USRC17607839"));
    assert!(r.c.sites[0].location.standard);
    assert_site(
        &r.c.sites[1],
        CodeKind::Barcode,
        "075678164125",
        "----:com.apple.iTunes:BARCODE",
        chunk,
        TagFormat::Ilst,
        "UTF-8",
        offset_of(&file, b"----", 1),
    );
    assert!(r.c.notes.is_empty(), "{:?}", r.c.notes);
}

#[test]
fn utf16_text_is_read_and_binary_and_integer_data_skipped() {
    let item = freeform(
        "com.apple.iTunes",
        "ISRC",
        &[
            data(0, b"\x01\x02GBAYE0601498"),
            data(21, &[0, 1]),
            data(2, &utf16be("USRC17607839")),
            data(1, b"QMDA71418090"),
        ],
    );
    let file = [ftyp(b"M4A "), moov(&[udta_meta(&[item])]), mdat(4)].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 2, "{:?}", r.c.sites);
    let at = offset_of(&file, b"----", 0);
    let field = "----:com.apple.iTunes:ISRC";
    let chunk = "moov/udta/meta/ilst";
    assert_site(
        &r.c.sites[0],
        CodeKind::Isrc,
        "USRC17607839",
        field,
        chunk,
        TagFormat::Ilst,
        "UTF-16BE",
        at,
    );
    assert_eq!(r.c.sites[0].value.as_deref(), Some("USRC17607839"));
    assert_site(
        &r.c.sites[1],
        CodeKind::Isrc,
        "QMDA71418090",
        field,
        chunk,
        TagFormat::Ilst,
        "UTF-8",
        at,
    );
}

#[test]
fn implicit_type_text_is_read_as_utf8_with_a_note() {
    // mutagen's MP4FreeForm(..., dataformat=AtomDataType.IMPLICIT): type 0.
    let item = freeform(
        "com.apple.iTunes",
        "ISRC",
        &[data(0, b"usrc17607839"), data(0, b"GBAYE0601498\0\0")],
    );
    let file = [ftyp(b"M4A "), moov(&[udta_meta(&[item])]), mdat(4)].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 2, "{:?}", r.c.sites);
    let s = &r.c.sites[0];
    assert_eq!(s.raw, "usrc17607839");
    assert_eq!(s.value.as_deref(), Some("USRC17607839"));
    assert!(s.valid && !s.canonical);
    assert_eq!(s.location.encoding, None, "type 0 declares no encoding");
    assert!(
        s.notes.iter().any(|n| n.contains("type 0 (implicit")),
        "{:?}",
        s.notes
    );
    assert_eq!(r.c.sites[1].value.as_deref(), Some("GBAYE0601498"));
}

#[test]
fn freeform_key_is_kept_as_stored() {
    let file = [
        ftyp(b"M4A "),
        moov(&[udta_meta(&[itunes("isrc", "USRC17607839")])]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.sites[0].location.field, "----:com.apple.iTunes:isrc");
}

#[test]
fn xid_isrc_is_read_and_other_schemes_are_not() {
    let file = [
        ftyp(b"M4A "),
        moov(&[udta_meta(&[
            atom(b"xid ", &data(1, b"Provider:upc:075678164125")),
            atom(b"xid ", &data(1, b"Some Label:ISRC:USRC17607839")),
            atom(b"xid ", &data(1, b"no colon at all")),
        ])]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 1, "{:?}", r.c.sites);
    assert_site(
        &r.c.sites[0],
        CodeKind::Isrc,
        "USRC17607839",
        "xid :isrc",
        "moov/udta/meta/ilst",
        TagFormat::Xid,
        "UTF-8",
        offset_of(&file, b"xid ", 1),
    );
    assert_eq!(r.c.sites[0].value.as_deref(), Some("USRC17607839"));
}

#[test]
fn mdta_keys_in_quicktime_meta_under_moov() {
    // QuickTime's `meta` directly under `moov` is not a full box.
    let meta = atom(
        b"meta",
        &cat(&[
            &hdlr(b"mdta"),
            &keys(&["title", "ISRC", "BARCODE"]),
            &ilst(&[
                keyed_item(1, &[data(1, b"USRC17607839")]),
                keyed_item(3, &[data(1, b"075678164125")]),
                keyed_item(2, &[data(2, &utf16be("USRC17607839"))]),
                keyed_item(9, &[data(1, b"USRC17607839")]),
            ]),
        ]),
    );
    let file = [ftyp(b"qt  "), mdat(8), moov(&[mvhd(600, 600), meta])].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.format.as_deref(), Some("MP4 (qt)"));
    assert_eq!(r.c.audio.duration_ms, Some(1000));
    assert_eq!(r.c.sites.len(), 2, "{:?}", r.c.sites);
    let ilst_at = offset_of(&file, b"ilst", 0);
    let chunk = "moov/meta/ilst";
    // Items: 8-byte ilst header, then 36 + 36 bytes before the third.
    assert_site(
        &r.c.sites[0],
        CodeKind::Barcode,
        "075678164125",
        "BARCODE",
        chunk,
        TagFormat::Mdta,
        "UTF-8",
        ilst_at + 8 + 36,
    );
    assert_site(
        &r.c.sites[1],
        CodeKind::Isrc,
        "USRC17607839",
        "ISRC",
        chunk,
        TagFormat::Mdta,
        "UTF-16BE",
        ilst_at + 8 + 72,
    );
    assert_eq!(r.c.sites[1].value.as_deref(), Some("USRC17607839"));
    assert!(
        r.c.notes
            .iter()
            .any(|n| n.contains("refers to key 9") && n.contains("3 entries")),
        "{:?}",
        r.c.notes
    );
}

#[test]
fn mdta_keys_in_udta_meta_full_box_as_ffmpeg_5_writes() {
    let meta = full(
        b"meta",
        &cat(&[
            &hdlr(b"mdta"),
            &keys(&["ISRC", "encoder"]),
            &ilst(&[
                keyed_item(1, &[data(1, b"USRC17607839")]),
                keyed_item(2, &[data(1, b"Lavf")]),
            ]),
        ]),
    );
    let file = [
        ftyp(b"M4A "),
        mdat(8),
        moov(&[mvhd(1000, 2500), atom(b"udta", &meta)]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 1, "{:?}", r.c.sites);
    let at = offset_of(&file, b"ilst", 0) + 8;
    assert_site(
        &r.c.sites[0],
        CodeKind::Isrc,
        "USRC17607839",
        "ISRC",
        "moov/udta/meta/ilst",
        TagFormat::Mdta,
        "UTF-8",
        at,
    );
    assert_eq!(r.c.audio.duration_ms, Some(2500));
}

#[test]
fn itunes_ilst_in_quicktime_meta_and_trak_udta() {
    let plain_meta = atom(
        b"meta",
        &cat(&[&hdlr(b"mdir"), &ilst(&[itunes("ISRC", "USRC17607839")])]),
    );
    let trak = atom(b"trak", &udta_meta(&[itunes("ISRC", "GBAYE0601498")]));
    let file = [ftyp(b"mp42"), moov(&[plain_meta, trak])].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.format.as_deref(), Some("MP4 (mp42)"));
    assert_eq!(r.c.sites.len(), 2, "{:?}", r.c.sites);
    let field = "----:com.apple.iTunes:ISRC";
    assert_site(
        &r.c.sites[0],
        CodeKind::Isrc,
        "USRC17607839",
        field,
        "moov/meta/ilst",
        TagFormat::Ilst,
        "UTF-8",
        offset_of(&file, b"----", 0),
    );
    assert_site(
        &r.c.sites[1],
        CodeKind::Isrc,
        "GBAYE0601498",
        field,
        "moov/trak/udta/meta/ilst",
        TagFormat::Ilst,
        "UTF-8",
        offset_of(&file, b"----", 1),
    );
    // No mdat: no payload, and no error for it.
    assert_eq!(r.c.audio.payload_offset, None);
}

#[test]
fn moov_before_mdat_and_audio_track_properties() {
    // An AudioSampleEntry: reserved (6), data reference index (2),
    // version (2), revision (2), vendor (4), channels (2), sample size (2),
    // compression id (2), packet size (2), rate 16.16 (4).
    let rate: u32 = 96_000;
    let entry_body = cat(&[
        &[0; 6],
        &[0, 1],
        &[0; 8],
        &2u16.to_be_bytes(),
        &16u16.to_be_bytes(),
        &[0; 4],
        &(rate << 16).to_be_bytes(),
    ]);
    let stsd = full(
        b"stsd",
        &cat(&[&1u32.to_be_bytes(), &atom(b"mp4a", &entry_body)]),
    );
    let stsz = full(b"stsz", &[0; 64]);
    let stbl = atom(b"stbl", &cat(&[&stsd, &stsz]));
    let minf = atom(b"minf", &stbl);
    let mut mdhd_body = cat(&[&[0; 8], &rate.to_be_bytes(), &(rate * 3).to_be_bytes()]);
    mdhd_body.resize(20, 0);
    let mdia = atom(
        b"mdia",
        &cat(&[&full(b"mdhd", &mdhd_body), &hdlr(b"soun"), &minf]),
    );
    let trak = atom(b"trak", &mdia);
    let moov = moov(&[
        mvhd(1000, 3000),
        trak,
        udta_meta(&[itunes("ISRC", "USRC17607839")]),
    ]);
    let file = [ftyp(b"M4A "), moov.clone(), mdat(100)].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.duration_ms, Some(3000));
    assert_eq!(r.c.audio.sample_rate, Some(96_000));
    assert_eq!(r.c.audio.channels, Some(2));
    let mdat_at = 24 + moov.len() as u64;
    assert_eq!(r.c.audio.payload_offset, Some(mdat_at + 8));
    assert_eq!(r.c.audio.payload_len, Some(100));
    assert_eq!(r.c.sites.len(), 1);
}

/// An `esds` for AAC-LC, 48 kHz, with `channels` in its AudioSpecificConfig.
fn esds(channels: u8) -> Vec<u8> {
    let asc = [0x11, 0x80 | (channels << 3)];
    let mut dec_config = vec![0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    dec_config.extend([0x05, 2]);
    dec_config.extend(asc);
    // ES_Descriptor with a 4-byte length, as ffmpeg writes it.
    let mut es = vec![0, 1, 0, 0x04, 0x80, 0x80, 0x80, dec_config.len() as u8];
    es.extend(&dec_config);
    es.extend([0x06, 1, 2]);
    let mut body = vec![0x03, 0x80, 0x80, 0x80, es.len() as u8];
    body.extend(es);
    full(b"esds", &body)
}

fn sound_entry(version: u16, channels: u16, rate: u16, children: &[u8]) -> Vec<u8> {
    let extra: &[u8] = if version == 1 { &[0; 16] } else { &[] };
    let body = cat(&[
        &[0; 6],
        &[0, 1],
        &version.to_be_bytes(),
        &[0; 6],
        &channels.to_be_bytes(),
        &16u16.to_be_bytes(),
        &[0; 4],
        &rate.to_be_bytes(),
        &[0, 0],
        extra,
        children,
    ]);
    atom(b"mp4a", &body)
}

fn audio_trak(timescale: u32, entry: &[u8]) -> Vec<u8> {
    let stsd = full(b"stsd", &cat(&[&1u32.to_be_bytes(), entry]));
    let minf = atom(b"minf", &atom(b"stbl", &stsd));
    let mut mdhd_body = cat(&[&[0; 8], &timescale.to_be_bytes(), &[0; 4]]);
    mdhd_body.resize(20, 0);
    atom(
        b"trak",
        &atom(
            b"mdia",
            &cat(&[&full(b"mdhd", &mdhd_body), &hdlr(b"soun"), &minf]),
        ),
    )
}

#[test]
fn channels_come_from_esds_when_the_entry_says_the_template_2() {
    // ffmpeg writes channel count 2 in the entry of a mono AAC .m4a.
    let file = [
        ftyp(b"M4A "),
        moov(&[audio_trak(48_000, &sound_entry(0, 2, 48_000, &esds(1)))]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.channels, Some(1));
    assert_eq!(r.c.audio.sample_rate, Some(48_000));
    // QuickTime sound version 1 with the esds inside a `wave` atom.
    let wave = atom(b"wave", &cat(&[&atom(b"frma", b"mp4a"), &esds(6)]));
    let file = [
        ftyp(b"qt  "),
        moov(&[audio_trak(44_100, &sound_entry(1, 2, 44_100, &wave))]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.channels, Some(6));
    assert_eq!(r.c.audio.sample_rate, Some(44_100));
    // A damaged esds: the entry's count is used.
    let mut bad = esds(1);
    let n = bad.len();
    bad.truncate(n - 8);
    bad[..4].copy_from_slice(&(n as u32 - 8).to_be_bytes());
    let file = [
        ftyp(b"M4A "),
        moov(&[audio_trak(0, &sound_entry(0, 2, 22_050, &bad))]),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.channels, Some(2));
    assert_eq!(r.c.audio.sample_rate, Some(22_050));
}

#[test]
fn sixty_four_bit_sizes() {
    let moov64 = atom64(
        b"moov",
        &cat(&[&mvhd(10, 25), &udta_meta(&[itunes("ISRC", "USRC17607839")])]),
    );
    let file = [ftyp(b"M4A "), atom64(b"mdat", &[1; 40]), moov64].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.payload_offset, Some(24 + 16));
    assert_eq!(r.c.audio.payload_len, Some(40));
    assert_eq!(r.c.audio.duration_ms, Some(2500));
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.sites[0].location.offset, offset_of(&file, b"----", 0));
}

#[test]
fn size_zero_runs_to_the_end_of_the_file() {
    let moov = moov(&[udta_meta(&[itunes("ISRC", "USRC17607839")])]);
    let mut last = cat(&[&0u32.to_be_bytes(), b"mdat"]);
    last.extend([7; 1000]);
    let file = [ftyp(b"M4A "), moov.clone(), last].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.payload_offset, Some(24 + moov.len() as u64 + 8));
    assert_eq!(r.c.audio.payload_len, Some(1000));
    assert_eq!(r.c.sites.len(), 1);
    assert!(r.bytes_read < 1000, "read {} bytes", r.bytes_read);
}

#[test]
fn a_size_past_the_end_is_an_error_naming_the_atom_and_keeps_earlier_sites() {
    let moov = moov(&[udta_meta(&[itunes("ISRC", "USRC17607839")])]);
    let mut lying = cat(&[&1_000_000u32.to_be_bytes(), b"free"]);
    lying.extend([0; 12]);
    let file = [ftyp(b"M4A "), moov.clone(), lying].concat();
    let r = run(&file);
    let at = 24 + moov.len();
    assert_eq!(
        error_text(&r),
        format!(
            "atom 'free' at byte {at} declares 1000000 bytes, but the file ends at byte {} ({} bytes later): truncated or damaged",
            file.len(),
            file.len() - at
        )
    );
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.sites[0].raw, "USRC17607839");
}

#[test]
fn a_file_cut_inside_moov_keeps_what_it_holds() {
    let moov = moov(&[
        mvhd(1000, 5000),
        udta_meta(&[
            itunes("ISRC", "USRC17607839"),
            itunes("BARCODE", "075678164125"),
        ]),
    ]);
    let whole = [ftyp(b"M4A "), mdat(16), moov.clone()].concat();
    // Cut five bytes into the barcode's value: it must not pass for a code.
    let cut = usize::try_from(offset_of(&whole, b"data", 1)).expect("small") + 16 + 5;
    let file = &whole[..cut];
    let r = run(file);
    assert_eq!(
        error_text(&r),
        format!(
            "atom 'moov' at byte 48 declares {} bytes, but the file ends at byte {cut} ({} bytes later): truncated or damaged",
            moov.len(),
            cut - 48
        )
    );
    assert_eq!(r.c.sites.len(), 1, "{:?}", r.c.sites);
    assert_eq!(r.c.sites[0].raw, "USRC17607839");
    assert_eq!(r.c.audio.duration_ms, Some(5000));
    assert!(
        r.c.notes.is_empty(),
        "one cut, one message: {:?}",
        r.c.notes
    );
}

#[test]
fn a_file_cut_inside_mdat_records_no_payload() {
    let whole = [ftyp(b"M4A "), moov(&[mvhd(1000, 5000)]), mdat(400)].concat();
    let r = run(&whole[..whole.len() - 100]);
    assert!(error_text(&r).starts_with("atom 'mdat' at byte"));
    assert_eq!(r.c.audio.payload_offset, None);
    assert_eq!(r.c.audio.duration_ms, Some(5000));
}

#[test]
fn fragmented_files_take_their_duration_from_mehd() {
    let mvex = atom(b"mvex", &full(b"mehd", &4200u32.to_be_bytes()));
    let file = [
        ftyp(b"iso5"),
        moov(&[mvhd(1000, 0), mvex]),
        mdat(8),
        atom(b"moof", &[]),
        mdat(8),
    ]
    .concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.duration_ms, Some(4200));
    assert_eq!(r.c.notes.len(), 1, "{:?}", r.c.notes);
    assert!(r.c.notes[0].starts_with("2 mdat atoms; the audio payload recorded is the first"));
    // Without mehd a zero movie duration is unknown, not 0 ms.
    let file = [ftyp(b"iso5"), moov(&[mvhd(1000, 0)])].concat();
    assert_eq!(run(&file).c.audio.duration_ms, None);
}

#[test]
fn a_lying_item_inside_ilst_keeps_the_items_before_it() {
    let mut bad_item = cat(&[&500u32.to_be_bytes(), b"----"]);
    bad_item.extend([0; 8]);
    let file = [
        ftyp(b"M4A "),
        moov(&[
            udta_meta(&[itunes("ISRC", "USRC17607839"), bad_item]),
            mvhd(1000, 1234),
        ]),
    ]
    .concat();
    let r = run(&file);
    let msg = error_text(&r);
    let at = offset_of(&file, b"----", 1);
    assert!(
        msg.starts_with(&format!(
            "atom '----' at byte {at} declares 500 bytes, but its parent 'moov/udta/meta/ilst' ends at byte"
        )),
        "{msg}"
    );
    assert_eq!(r.c.sites.len(), 1);
    // The damage is inside `udta`: `mvhd` after it is still read.
    assert_eq!(r.c.audio.duration_ms, Some(1234));
}

#[test]
fn a_size_below_the_header_is_an_error() {
    let file = [
        ftyp(b"M4A "),
        cat(&[&4u32.to_be_bytes(), b"moov", &[0; 16]]),
    ]
    .concat();
    let r = run(&file);
    assert_eq!(
        error_text(&r),
        "atom 'moov' at byte 24 declares a size of 4 bytes, less than its 8-byte header"
    );
    let file = [
        ftyp(b"M4A "),
        cat(&[&1u32.to_be_bytes(), b"mdat", &9u64.to_be_bytes(), &[0; 16]]),
    ]
    .concat();
    let r = run(&file);
    assert_eq!(
        error_text(&r),
        "atom 'mdat' at byte 24 declares a size of 9 bytes, less than its 16-byte header"
    );
}

#[test]
fn a_huge_declared_mdat_is_an_error_not_an_allocation() {
    let huge = 1u64 << 40;
    let file = [
        ftyp(b"M4A "),
        moov(&[udta_meta(&[itunes("ISRC", "USRC17607839")])]),
        cat(&[&1u32.to_be_bytes(), b"mdat", &huge.to_be_bytes(), &[0; 64]]),
    ]
    .concat();
    let r = run(&file);
    let msg = error_text(&r);
    assert!(
        msg.contains(&format!(
            "atom 'mdat' at byte {} declares {huge} bytes",
            file.len() - 80
        )),
        "{msg}"
    );
    assert_eq!(r.c.audio.payload_offset, None);
    assert_eq!(r.c.sites.len(), 1);
    assert!(r.bytes_read < 1024);
}

#[test]
fn keys_count_larger_than_the_atom_is_an_error_but_the_keys_that_fit_are_used() {
    let mut keys_body = 1000u32.to_be_bytes().to_vec();
    keys_body.extend(12u32.to_be_bytes());
    keys_body.extend(b"mdtaISRC");
    let meta = atom(
        b"meta",
        &cat(&[
            &hdlr(b"mdta"),
            &full(b"keys", &keys_body),
            &ilst(&[keyed_item(1, &[data(1, b"USRC17607839")])]),
        ]),
    );
    let file = [ftyp(b"qt  "), moov(&[meta])].concat();
    let r = run(&file);
    let msg = error_text(&r);
    assert!(msg.contains("declares 1000 entries but its"), "{msg}");
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.sites[0].location.field, "ISRC");
}

#[test]
fn a_freeform_item_without_name_is_skipped_with_a_note() {
    let item = atom(
        b"----",
        &cat(&[
            &full(b"mean", b"com.apple.iTunes"),
            &data(1, b"USRC17607839"),
        ]),
    );
    let file = [ftyp(b"M4A "), moov(&[udta_meta(&[item])])].concat();
    let r = run(&file);
    r.result.as_ref().expect("no structural damage");
    assert!(r.c.sites.is_empty());
    assert_eq!(
        r.c.notes,
        vec![format!(
            "freeform item '----' at byte {} in 'moov/udta/meta/ilst' has no 'mean' or no 'name': skipped",
            offset_of(&file, b"----", 0)
        )]
    );
}

#[test]
fn a_short_data_atom_is_damage() {
    let item = atom(
        b"----",
        &cat(&[
            &full(b"mean", b"com.apple.iTunes"),
            &full(b"name", b"ISRC"),
            &atom(b"data", &[0, 0, 0]),
        ]),
    );
    let file = [ftyp(b"M4A "), moov(&[udta_meta(&[item])])].concat();
    let r = run(&file);
    let msg = error_text(&r);
    assert!(msg.starts_with("'data' atom at byte"), "{msg}");
    assert!(r.c.sites.is_empty());
}

#[test]
fn too_many_atoms_stop_the_walk() {
    let frees = atom(b"free", &[]).repeat(MAX_ATOMS as usize + 10);
    let file = [
        ftyp(b"M4A "),
        moov(&[udta_meta(&[itunes("ISRC", "USRC17607839")])]),
        frees,
    ]
    .concat();
    let r = run(&file);
    let msg = error_text(&r);
    assert!(
        msg.starts_with(&format!("more than {MAX_ATOMS} atoms")),
        "{msg}"
    );
    assert_eq!(r.c.sites.len(), 1);
}

#[test]
fn nesting_deeper_than_the_limit_is_not_followed() {
    let bytes = atom(b"free", &[]);
    let mut slice: &[u8] = &bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let deep = Parent {
        path: "moov/deep".to_string(),
        start: 0,
        end: bytes.len() as u64,
        depth: MAX_DEPTH + 1,
    };
    let mut cursor = 0;
    let step = atoms::next(&mut src, &mut Budget::default(), &deep, &mut cursor);
    let Step::Damage(e) = step else {
        panic!("expected damage, got {step:?}");
    };
    assert!(e.to_string().contains("nested more than 16 levels"), "{e}");
    let ok = Parent {
        depth: MAX_DEPTH,
        ..deep
    };
    let mut cursor = 0;
    let step = atoms::next(&mut src, &mut Budget::default(), &ok, &mut cursor);
    assert!(matches!(step, Step::Atom(a) if a.is(b"free")), "{step:?}");
}

#[test]
fn garbage_after_ftyp_is_an_error_not_a_panic() {
    let file = [
        ftyp(b"M4A "),
        b"\xFF\xFF\xFF\xF0garbage-garbage-garbage".to_vec(),
    ]
    .concat();
    let r = run(&file);
    assert!(error_text(&r).contains("atom 'garb' at byte 24"));
    assert_eq!(r.c.format.as_deref(), Some("MP4 (M4A)"));
}

#[test]
fn stray_nonzero_bytes_are_noted_and_a_zero_terminator_is_not() {
    let udta = atom(
        b"udta",
        &cat(&[
            &full(
                b"meta",
                &cat(&[&hdlr(b"mdir"), &ilst(&[itunes("ISRC", "USRC17607839")])]),
            ),
            &[0; 4],
        ]),
    );
    let file = [ftyp(b"M4A "), moov(&[udta]), vec![1, 2, 3]].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.notes.len(), 1, "{:?}", r.c.notes);
    assert!(r.c.notes[0].starts_with(&format!("3 stray bytes at byte {}", file.len() - 3)));
}

#[test]
fn timescale_zero_gives_no_duration() {
    let file = [ftyp(b"M4A "), moov(&[mvhd(0, 1000)])].concat();
    let r = run(&file);
    r.result.as_ref().expect("clean file");
    assert_eq!(r.c.audio.duration_ms, None);
    assert!(r.c.notes.iter().any(|n| n.contains("timescale of 0")));
}

#[test]
fn scanning_a_50_mb_file_reads_under_64_kib() {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.m4a");
    let audio_len: u64 = 50 * 1024 * 1024;
    let head = [
        ftyp(b"M4A "),
        cat(&[
            &1u32.to_be_bytes(),
            b"mdat",
            &(audio_len + 16).to_be_bytes(),
        ]),
    ]
    .concat();
    let tail = moov(&[
        mvhd(1000, 300_000),
        udta_meta(&[itunes("ISRC", "USRC17607839")]),
    ]);
    let mut f = std::fs::File::create(&path).expect("create");
    f.write_all(&head).expect("write head");
    let moov_at = head.len() as u64 + audio_len;
    f.set_len(moov_at).expect("sparse audio");
    f.seek(SeekFrom::Start(moov_at)).expect("seek");
    f.write_all(&tail).expect("write moov");
    drop(f);
    let mut f = std::fs::File::open(&path).expect("open");
    let len = f.metadata().expect("metadata").len();
    let mut src = Source::new(&mut f, len);
    let mut c = Collector::new(Container::Mp4);
    read(&mut src, &mut c).expect("clean file");
    // At most the two windows small reads are served from.
    assert!(
        src.bytes_read <= 2 * crate::source::WINDOW,
        "read {} bytes",
        src.bytes_read
    );
    assert_eq!(c.audio.payload_len, Some(audio_len));
    assert_eq!(c.audio.duration_ms, Some(300_000));
    assert_eq!(c.sites.len(), 1);
    assert_eq!(
        c.sites[0].location.offset,
        moov_at + offset_of(&tail, b"----", 0)
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<u8> {
        [
            ftyp(b"M4A "),
            mdat(8),
            moov(&[
                mvhd(1000, 1000),
                udta_meta(&[
                    itunes("ISRC", "USRC17607839"),
                    atom(b"xid ", &data(1, b"P:isrc:USRC17607839")),
                ]),
                atom(
                    b"meta",
                    &cat(&[
                        &hdlr(b"mdta"),
                        &keys(&["ISRC"]),
                        &ilst(&[keyed_item(1, &[data(1, b"X")])]),
                    ]),
                ),
            ]),
        ]
        .concat()
    }

    proptest! {
        #[test]
        fn random_bytes_after_ftyp_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
            let file = [ftyp(b"M4A "), tail].concat();
            let r = run(&file);
            prop_assert!(r.bytes_read <= file.len() as u64 * 4);
        }

        #[test]
        fn mutated_files_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
            let mut file = sample();
            for (i, b) in edits {
                let at = i.index(file.len());
                file[at] = b;
            }
            let r = run(&file);
            prop_assert!(r.c.sites.len() <= 3);
        }
    }
}
