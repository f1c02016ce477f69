//! `isrckit assign` and `isrckit ledger`, through the binary, on real
//! ledger files in temp folders.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temp folder with a ledger path in it; commands run in that folder.
struct Here {
    dir: tempfile::TempDir,
}

impl Here {
    fn new() -> Here {
        Here {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ledger(&self) -> PathBuf {
        self.path("isrckit-ledger.db")
    }

    /// Run isrckit in the folder, today being 2026-12-02.
    fn run(&self, args: &[&str]) -> Output {
        self.run_on("2026-12-02", args)
    }

    fn run_on(&self, today: &str, args: &[&str]) -> Output {
        Command::new(common::bin())
            .args(args)
            .current_dir(self.dir.path())
            .env("ISRCKIT_TEST_TODAY", today)
            .output()
            .expect("runs")
    }

    /// Run, expect exit 0, return stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run, expect exit 2, return stderr.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should be refused: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn assign(&self, title: &str) -> String {
        self.ok(&["assign", "--title", title, "--artist", "The Example"])
            .trim_end()
            .to_string()
    }

    /// The codes column of the CSV export.
    fn codes(&self) -> Vec<String> {
        self.ok(&["ledger", "export"])
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect()
    }

    /// A one-second 8-bit mono WAV whose samples depend on `seed`: files
    /// with different seeds have different audio.
    fn tone(&self, name: &str, seed: u8) -> PathBuf {
        self.tone_titled(name, seed, None)
    }

    /// [`Here::tone`] with a title in a LIST/INFO INAM chunk.
    fn tone_titled(&self, name: &str, seed: u8, title: Option<&str>) -> PathBuf {
        let data: Vec<u8> = (0..8000u32)
            .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed))
            .collect();
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes()); // PCM
        b.extend_from_slice(&1u16.to_le_bytes()); // mono
        b.extend_from_slice(&8000u32.to_le_bytes()); // rate
        b.extend_from_slice(&8000u32.to_le_bytes()); // bytes per second
        b.extend_from_slice(&1u16.to_le_bytes()); // block align
        b.extend_from_slice(&8u16.to_le_bytes()); // bits
        if let Some(t) = title {
            let mut inam = t.as_bytes().to_vec();
            inam.push(0);
            if inam.len() % 2 == 1 {
                inam.push(0);
            }
            b.extend_from_slice(b"LIST");
            b.extend_from_slice(&(12 + inam.len() as u32).to_le_bytes());
            b.extend_from_slice(b"INFOINAM");
            b.extend_from_slice(&(inam.len() as u32).to_le_bytes());
            b.extend_from_slice(&inam);
        }
        b.extend_from_slice(b"data");
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(&data);
        let riff_len = (b.len() - 8) as u32;
        b[4..8].copy_from_slice(&riff_len.to_le_bytes());
        let p = self.path(name);
        std::fs::write(&p, b).expect("write wav");
        p
    }

    fn wav(&self, name: &str, from: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::copy(common::testdata().join(from), &p).expect("copy wav");
        p
    }
}

#[test]
fn assign_hands_out_codes_in_order_and_prints_each_alone() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    assert!(
        h.ok(&["ledger", "init", "--prefix", "au-xyz"])
            .contains("prefix AUXYZ, designation codes 00000-99999")
    );
    assert_eq!(h.assign("One"), "AUXYZ2600000");
    let out = h.ok(&["assign", "--title", "Two", "--artist", "The Example"]);
    assert_eq!(out, "AUXYZ2600001\n", "the code alone on a line");
    assert_eq!(h.assign("Three"), "AUXYZ2600002");
    assert_eq!(h.codes(), ["AUXYZ2600000", "AUXYZ2600001", "AUXYZ2600002"]);
    let export = h.ok(&["ledger", "export"]);
    assert!(
        export.starts_with("isrc,artist,title,version,duration,content_type,first_published,assigned,status,void_reason,voided,audio_hash,file\n"),
        "{export}"
    );
    assert!(export.contains("AUXYZ2600001,The Example,Two,,,audio,,2026-12-02,active,,,,\n"));
}

#[test]
fn no_ledger_and_no_prefix_are_clear_errors() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    let e = h.refused(&["assign", "--title", "T", "--artist", "A"]);
    assert!(
        e.contains("isrckit-ledger.db: no ledger there") && e.contains("ledger init --prefix"),
        "{e}"
    );
    assert!(!h.ledger().exists(), "assign creates no ledger");
    let e = h.refused(&["ledger", "init", "--prefix", "A1XYZ"]);
    assert!(e.contains("registrant prefix"), "{e}");
}

#[test]
fn a_range_is_respected_and_running_out_says_how_many_were_used() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&[
        "ledger",
        "init",
        "--prefix",
        "AUXYZ",
        "--range",
        "00010-00012",
    ]);
    assert_eq!(h.assign("A"), "AUXYZ2600010");
    assert_eq!(h.assign("B"), "AUXYZ2600011");
    assert_eq!(h.assign("C"), "AUXYZ2600012");
    h.ok(&["ledger", "void", "AUXYZ2600012", "--reason", "test"]);
    let e = h.refused(&["assign", "--title", "D", "--artist", "The Example"]);
    assert!(
        e.contains("no code left for 2026")
            && e.contains("AUXYZ 00010-00012: 3 of 3 codes used (1 of them void)"),
        "{e}"
    );
    assert_eq!(h.codes().len(), 3, "nothing recorded");
    // Another year has its own designations.
    assert_eq!(
        h.ok(&[
            "assign",
            "--title",
            "D",
            "--artist",
            "The Example",
            "--year",
            "25"
        ]),
        "AUXYZ2500010\n"
    );
    // A second prefix takes over when the first is used up.
    h.ok(&[
        "ledger",
        "init",
        "--prefix",
        "AUZZZ",
        "--range",
        "00000-00001",
    ]);
    assert_eq!(h.assign("E"), "AUZZZ2600000");
    // A prefix's range is not changed by a second init.
    let e = h.refused(&[
        "ledger",
        "init",
        "--prefix",
        "AUXYZ",
        "--range",
        "00000-99999",
    ]);
    assert!(
        e.contains("already in the ledger with the range 00010-00012"),
        "{e}"
    );
    let e = h.refused(&["ledger", "init", "--prefix", "AUQQQ", "--range", "5-2"]);
    assert!(e.contains("--range"), "{e}");
}

#[test]
fn the_year_of_reference_is_the_year_of_assignment() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    let run = |today: &str, args: &[&str]| {
        let mut all = vec!["assign", "--artist", "The Example"];
        all.extend_from_slice(args);
        h.run_on(today, &all)
    };
    let out = run("2027-01-05", &["--title", "New Year"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "AUXYZ2700000\n");
    let out = run("2027-01-05", &["--title", "Old", "--year", "2026"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "AUXYZ2600000\n");
    for year in ["2028", "28", "1985", "7"] {
        let out = run("2027-01-05", &["--title", "Later", "--year", year]);
        assert_eq!(out.status.code(), Some(2), "--year {year}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains("--year"), "{e}");
    }
    let e = String::from_utf8_lossy(&run("2027-01-05", &["--title", "X", "--year", "2028"]).stderr)
        .into_owned();
    assert!(
        e.contains("has not come yet") && e.contains("(2027)"),
        "{e}"
    );
}

#[test]
fn a_voided_code_stays_void_and_is_never_handed_out_again() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    let first = h.assign("A");
    let second = h.assign("B");
    let out = h.ok(&[
        "ledger",
        "void",
        &second,
        "--reason",
        "assigned to the wrong mix",
    ]);
    assert_eq!(out, format!("{second}: void (assigned to the wrong mix)\n"));
    assert_eq!(h.assign("C"), "AUXYZ2600002", "the void code is not reused");
    let e = h.refused(&["ledger", "void", &second, "--reason", "again"]);
    assert!(e.contains("already void"), "{e}");
    let e = h.refused(&["ledger", "void", "AUXYZ2600099", "--reason", "x"]);
    assert!(e.contains("AUXYZ2600099 is not in the ledger"), "{e}");
    let e = h.refused(&["ledger", "void", "AUXYZ26000", "--reason", "x"]);
    assert!(e.contains("AUXYZ26000"), "{e}");
    let export = h.ok(&["ledger", "export"]);
    assert!(
        export.contains(&format!("{second},The Example,B,,,audio,,2026-12-02,void,assigned to the wrong mix,2026-12-02,,\n")),
        "{export}"
    );
    assert!(export.contains(&format!(
        "{first},The Example,A,,,audio,,2026-12-02,active,"
    )));
}

#[test]
fn the_same_audio_or_recording_is_not_given_a_second_code() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    h.wav("a.wav", "wav/no_tags.wav");
    h.wav("copy.wav", "wav/no_tags.wav");
    let code = h.ok(&[
        "assign",
        "--title",
        "Night Drive",
        "--artist",
        "The Example",
        "--file",
        "a.wav",
    ]);
    assert_eq!(code, "AUXYZ2600000\n");
    // The same audio under another name and title.
    let e = h.refused(&[
        "assign", "--title", "Other", "--artist", "Someone", "--file", "copy.wav",
    ]);
    assert!(
        e.contains("this audio already has AUXYZ2600000 (\"Night Drive\" by The Example)"),
        "{e}"
    );
    // The same title, artist and version, nothing to tell them apart.
    let e = h.refused(&[
        "assign",
        "--title",
        "night drive",
        "--artist",
        "the example",
    ]);
    assert!(
        e.contains("already has AUXYZ2600000") && e.contains("--version"),
        "{e}"
    );
    // Another version: assigned, and flagged for a look.
    let out = h.run(&[
        "assign",
        "--title",
        "Night Drive",
        "--artist",
        "The Example",
        "--version",
        "Live",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "AUXYZ2600001\n");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("look: \"Night Drive\" by The Example already has AUXYZ2600000"),
        "{e}"
    );
    // The ledger keeps the hash and the file's duration.
    let export = h.ok(&["ledger", "export", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&export).expect("json");
    assert_eq!(v["schema"], "isrckit/ledger/1");
    let c = &v["codes"][0];
    assert_eq!(c["isrc"], "AUXYZ2600000");
    assert_eq!(c["file"], "a.wav");
    assert_eq!(c["audio_hash"].as_str().map(str::len), Some(64));
    assert!(c["duration"].is_string(), "{c}");
    assert_eq!(v["codes"][1]["version"], "Live");
    assert_eq!(v["prefixes"][0]["prefix"], "AUXYZ");
}

#[test]
fn assign_from_a_table_writes_a_manifest_embed_accepts() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    std::fs::create_dir(h.path("album")).expect("mkdir");
    h.tone("album/01.wav", 3);
    h.tone("album/02.wav", 5);
    std::fs::write(
        h.path("album/tracks.csv"),
        "Title;Artist;Version;Duration;File\nIntro;The Example;;;01.wav\nSong;The Example;Radio Edit;3:05;02.wav\nHidden;The Example;;1:00;\n",
    )
    .expect("write");
    let out = h.run(&[
        "assign",
        "--from",
        "album/tracks.csv",
        "--output",
        "album/codes.csv",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("assigned 3 codes (AUXYZ2600000 to AUXYZ2600002)"),
        "{e}"
    );
    let manifest = std::fs::read_to_string(h.path("album/codes.csv")).expect("manifest");
    assert_eq!(
        manifest,
        "path,isrc\n01.wav,AUXYZ2600000\n02.wav,AUXYZ2600001\n"
    );
    h.ok(&["embed", "--manifest", "album/codes.csv"]);
    let json = h.ok(&["inspect", "--format", "json", "album/02.wav"]);
    assert!(json.contains("AUXYZ2600001"), "{json}");
    // A bad table: every problem with its line, nothing assigned.
    std::fs::write(
        h.path("bad.csv"),
        "title,artist,duration,file\n,The Example,,\nB,The Example,3:99,\nC,The Example,,missing.wav\n",
    )
    .expect("write");
    let e = h.refused(&["assign", "--from", "bad.csv"]);
    assert!(e.contains("3 problems; nothing was assigned"), "{e}");
    assert!(e.contains("line 2: no title"), "{e}");
    assert!(e.contains("line 3: duration \"3:99\""), "{e}");
    assert!(
        e.contains("line 4: ") && e.contains("missing.wav: no such file"),
        "{e}"
    );
    assert_eq!(h.codes().len(), 3);
}

#[test]
fn assign_embed_writes_the_code_into_the_file() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    h.wav("a.wav", "wav/no_tags.wav");
    let out = h.ok(&[
        "assign",
        "--title",
        "A",
        "--artist",
        "The Example",
        "--file",
        "a.wav",
        "--embed",
    ]);
    assert!(out.starts_with("AUXYZ2600000\n"), "{out}");
    assert!(
        out.contains("written") && out.contains("→ AUXYZ2600000"),
        "{out}"
    );
    let json = h.ok(&["inspect", "--format", "json", "a.wav"]);
    assert!(json.contains("\"AUXYZ2600000\""), "{json}");
    // --from with --embed.
    std::fs::create_dir(h.path("album")).expect("mkdir");
    h.tone("album/01.wav", 7);
    std::fs::write(
        h.path("album/tracks.csv"),
        "title,artist,file\nSong,The Example,01.wav\n",
    )
    .expect("write");
    let out = h.ok(&[
        "assign",
        "--from",
        "album/tracks.csv",
        "--output",
        "album/codes.csv",
        "--embed",
    ]);
    assert!(out.contains("→ AUXYZ2600001"), "{out}");
    let json = h.ok(&["inspect", "--format", "json", "album/01.wav"]);
    assert!(json.contains("\"AUXYZ2600001\""), "{json}");
    let e = h.refused(&["assign", "--title", "B", "--artist", "X", "--embed"]);
    assert!(e.contains("--file"), "{e}");
}

#[test]
fn import_is_checked_as_a_whole_and_every_problem_has_its_line() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    let there = h.assign("Already");
    std::fs::write(
        h.path("old.csv"),
        format!(
            "ISRC Code,Track Title,Main Artist,Version Title,Length,Label notes\nAUXYZ2400001,Old,The Example,,3:00,x\nAUXYZ24000,Bad,The Example,,,\nGBAYE2400301,Theirs,Someone,,,\nAUXYZ2400001,Twice,The Example,,,\n{there},Again,The Example,,,\nAUXYZ2400002,,The Example,,,\n"
        ),
    )
    .expect("write");
    let e = h.refused(&["ledger", "import", "old.csv"]);
    assert!(e.contains("5 problems; nothing was imported"), "{e}");
    assert!(
        e.contains("line 3: \"AUXYZ24000\" is not a valid ISRC"),
        "{e}"
    );
    assert!(
        e.contains("line 4: GBAYE2400301 is not under the ledger's prefixes (AUXYZ)"),
        "{e}"
    );
    assert!(e.contains("line 5: AUXYZ2400001 is also on line 2"), "{e}");
    assert!(
        e.contains(&format!("line 6: {there} is already in the ledger")),
        "{e}"
    );
    assert!(e.contains("line 7: no title"), "{e}");
    assert_eq!(h.codes(), std::slice::from_ref(&there), "nothing imported");
    std::fs::write(
        h.path("good.csv"),
        "ISRC Code,Track Title,Main Artist,Version Title,Length\nAU-XYZ-24-00001,Old,The Example,,3:00\nAUXYZ2400002,Older,The Example,Live,\n",
    )
    .expect("write");
    assert!(
        h.ok(&["ledger", "import", "good.csv"])
            .contains("imported 2 codes")
    );
    assert_eq!(h.codes(), ["AUXYZ2400001", "AUXYZ2400002", there.as_str()]);
    // Imported codes count as used.
    assert_eq!(
        h.ok(&[
            "assign",
            "--title",
            "N",
            "--artist",
            "The Example",
            "--year",
            "24"
        ]),
        "AUXYZ2400003\n"
    );
}

#[test]
fn export_then_import_into_an_empty_ledger_gives_the_same_codes() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    h.wav("a.wav", "wav/no_tags.wav");
    h.ok(&[
        "assign",
        "--title",
        "=HYPERLINK(\"x\"), \"quoted\"",
        "--artist",
        "The Example",
        "--file",
        "a.wav",
        "--first-published",
        "2026",
    ]);
    h.ok(&[
        "assign",
        "--title",
        "Video",
        "--artist",
        "The Example",
        "--content-type",
        "video",
        "--duration",
        "215.5",
    ]);
    let gone = h.assign("Gone");
    h.ok(&[
        "ledger",
        "void",
        &gone,
        "--reason",
        "never released; kept, void",
    ]);
    for format in ["csv", "json"] {
        let export = h.ok(&["ledger", "export", "--format", format]);
        let file = format!("backup.{format}");
        std::fs::write(h.path(&file), &export).expect("write");
        let other = format!("restored-{format}.db");
        h.ok(&["ledger", "--ledger", &other, "init", "--prefix", "AUXYZ"]);
        h.ok(&["ledger", "import", "--ledger", &other, &file]);
        let again = h.ok(&["ledger", "export", "--ledger", &other, "--format", format]);
        assert_eq!(again, export, "{format} round trip");
    }
    let csv = h.ok(&["ledger", "export"]);
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\""),
        "formula guarded: {csv}"
    );
    assert!(csv.contains(",3:35.500,video,"), "{csv}");
}

#[test]
fn concurrent_processes_never_hand_out_one_code_twice() {
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    // 12 single assignments and 4 tables of 5 rows, all at once.
    const N: usize = 32;
    for b in 0..4 {
        let rows: String = (0..5)
            .map(|r| format!("Batch {b} row {r},The Example\n"))
            .collect();
        std::fs::write(
            h.path(&format!("batch{b}.csv")),
            format!("title,artist\n{rows}"),
        )
        .expect("write");
    }
    let children: Vec<_> = (0..16usize)
        .map(|i| {
            let batch = format!("batch{}.csv", i.saturating_sub(12));
            let manifest = format!("codes{}.csv", i.saturating_sub(12));
            let title = format!("Track {i}");
            let args: Vec<&str> = if i >= 12 {
                vec!["assign", "--from", &batch, "--output", &manifest]
            } else {
                vec!["assign", "--artist", "The Example", "--title", &title]
            };
            Command::new(common::bin())
                .args(&args)
                .current_dir(h.dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut codes = Vec::new();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        codes.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string),
        );
    }
    assert_eq!(codes.len(), 12, "the single assignments' codes");
    let want: Vec<String> = (0..N)
        .map(|i| format!("AUXYZ{}{i:05}", year_yy()))
        .collect();
    assert_eq!(h.codes(), want, "every code once, none skipped");
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 12, "no code printed twice");
    assert!(codes.iter().all(|c| want.contains(c)), "{codes:?}");
}

/// Two digits of this year (the children run without the test date).
fn year_yy() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    // Days to civil year, as the binary does it.
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{:02}", year % 100)
}

fn user_version(path: &Path) -> i64 {
    let c = rusqlite::Connection::open(path).expect("open");
    c.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version")
}

#[test]
fn a_version_1_ledger_is_migrated_and_keeps_its_codes() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    {
        // A ledger as the first release wrote it.
        let c = rusqlite::Connection::open(h.ledger()).expect("open");
        c.execute_batch(isrckit::ledger::schema::MIGRATIONS[0])
            .expect("v1");
        c.pragma_update(
            None,
            "application_id",
            isrckit::ledger::schema::APPLICATION_ID,
        )
        .expect("id");
        c.pragma_update(None, "user_version", 1).expect("version");
        c.execute_batch(
            "INSERT INTO prefixes VALUES ('AUXYZ', 0, 99999, '2026-01-01');
             INSERT INTO codes (isrc, prefix, year, designation, artist, title, assigned)
             VALUES ('AUXYZ2600007', 'AUXYZ', 26, 7, 'The Example', 'Kept', '2026-01-02');",
        )
        .expect("rows");
    }
    assert_eq!(user_version(&h.ledger()), 1);
    assert_eq!(h.assign("Next"), "AUXYZ2600008");
    assert_eq!(user_version(&h.ledger()), isrckit::ledger::schema::CURRENT);
    const { assert!(isrckit::ledger::schema::CURRENT >= 2) };
    let c = rusqlite::Connection::open(h.ledger()).expect("open");
    let indexes: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'codes_by_%'",
            [],
            |r| r.get(0),
        )
        .expect("indexes");
    assert_eq!(indexes, 2, "migration 2 ran");
    assert!(
        h.ok(&["ledger", "export"])
            .contains("AUXYZ2600007,The Example,Kept,,,audio,,2026-01-02,active")
    );
}

#[test]
fn a_ledger_from_a_newer_isrckit_is_refused_and_left_as_it_was() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    h.assign("A");
    {
        let c = rusqlite::Connection::open(h.ledger()).expect("open");
        c.pragma_update(None, "user_version", 99).expect("version");
    }
    let before = std::fs::read(h.ledger()).expect("read");
    for args in [
        &["assign", "--title", "B", "--artist", "X"][..],
        &["ledger", "export"],
        &["ledger", "init", "--prefix", "AUXYZ"],
    ] {
        let e = h.refused(args);
        assert!(
            e.contains(
                "written by a newer isrckit (schema version 99; this isrckit knows versions up to"
            ) && e.contains("not changed"),
            "{e}"
        );
    }
    assert_eq!(
        std::fs::read(h.ledger()).expect("read"),
        before,
        "unchanged"
    );
    // Not a ledger at all: another SQLite database, or a text file.
    let other = h.path("other.db");
    rusqlite::Connection::open(&other)
        .expect("open")
        .execute_batch("CREATE TABLE t (x)")
        .expect("table");
    let e = h.refused(&[
        "ledger", "--ledger", "other.db", "init", "--prefix", "AUXYZ",
    ]);
    assert!(e.contains("other.db: not an isrckit ledger"), "{e}");
    std::fs::write(
        h.path("notes.txt"),
        "hello, this is text and not a database at all",
    )
    .expect("write");
    let e = h.refused(&["ledger", "export", "--ledger", "notes.txt"]);
    assert!(e.contains("notes.txt: not an isrckit ledger"), "{e}");
}

#[test]
fn the_ledger_path_comes_from_isrckit_toml() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    std::fs::create_dir(h.path("codes")).expect("mkdir");
    std::fs::write(
        h.path("isrckit.toml"),
        "[ledger]\npath = \"codes/label.db\"\n",
    )
    .expect("write");
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    assert!(h.path("codes/label.db").is_file());
    assert!(!h.ledger().exists());
    assert_eq!(h.assign("A"), "AUXYZ2600000");
    // The audit reads the same file and takes the [ledger] table in its stride.
    h.ok(&["audit", "--allow-empty", "."]);
    std::fs::write(h.path("isrckit.toml"), "[ledger]\nfile = \"x.db\"\n").expect("write");
    let e = h.refused(&["ledger", "export"]);
    assert!(e.contains("isrckit.toml") && e.contains("file"), "{e}");
}

#[test]
fn audit_with_the_ledger_flags_unknown_void_and_mismatched_codes() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    std::fs::create_dir(h.path("m")).expect("mkdir");
    h.wav("m/good.wav", "wav/no_tags.wav");
    h.ok(&[
        "assign",
        "--title",
        "Good",
        "--artist",
        "The Example",
        "--file",
        "m/good.wav",
        "--embed",
    ]);
    let void = h.assign("Void");
    h.ok(&["ledger", "void", &void, "--reason", "wrong mix"]);
    let long = h.ok(&[
        "assign",
        "--title",
        "Long",
        "--artist",
        "The Example",
        "--duration",
        "4:00",
    ]);
    let long = long.trim_end();
    for (file, code) in [
        ("m/void.wav", void.as_str()),
        ("m/unknown.wav", "AUXYZ2600099"),
        ("m/long.wav", long),
        ("m/theirs.wav", "GBAYE2400301"),
    ] {
        h.wav(file, "wav/ffmpeg_info_isrc.wav");
        h.ok(&["set", "--isrc", code, file]);
    }
    // Titles: the ledger's title with its version agrees; another title does not.
    let live = h.ok(&[
        "assign",
        "--title",
        "Song",
        "--artist",
        "The Example",
        "--version",
        "Live",
    ]);
    let live = live.trim_end();
    h.tone_titled("m/live.wav", 9, Some("Song (Live)"));
    h.ok(&["set", "--isrc", live, "m/live.wav"]);
    h.tone_titled("m/renamed.wav", 11, Some("Another Song"));
    h.ok(&["set", "--isrc", live, "m/renamed.wav"]);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "--format",
            "json",
            "--select",
            "ledger",
            "--exit-zero",
        ];
        args.extend_from_slice(extra);
        args.push("m");
        let out = h.ok(&args);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let mut found: Vec<(String, String)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["rule"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        found.sort();
        (found, v)
    };
    let (found, v) = run(&["--ledger", "isrckit-ledger.db"]);
    assert_eq!(
        found,
        [
            ("m/long.wav".to_string(), "ledger-mismatch".to_string()),
            ("m/renamed.wav".to_string(), "ledger-mismatch".to_string()),
            ("m/unknown.wav".to_string(), "ledger-unknown".to_string()),
            ("m/void.wav".to_string(), "ledger-void".to_string()),
        ],
        "{v}"
    );
    let text = v.to_string();
    assert!(
        text.contains("is void in the ledger") && text.contains("wrong mix"),
        "{text}"
    );
    assert!(
        text.contains("the duration is 0:00.250, the ledger's 4:00"),
        "{text}"
    );
    assert!(
        text.contains(r#"the title is \"Another Song\", the ledger's \"Song\""#),
        "{text}"
    );
    // Without --ledger, the rules find nothing.
    let (found, _) = run(&[]);
    assert!(found.is_empty(), "{found:?}");
    // A missing ledger is a usage error.
    let out = h.run(&["audit", "--ledger", "nope.db", "m"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("--ledger: nope.db: no ledger there"), "{e}");
}

#[test]
fn init_twice_is_fine_and_a_ledger_without_a_prefix_assigns_nothing() {
    if !common::hooks() {
        return; // today's date comes from ISRCKIT_TEST_TODAY, a debug-build hook
    }
    let h = Here::new();
    // A ledger file with no prefix (an empty SQLite file is made a ledger).
    std::fs::write(h.ledger(), b"").expect("empty file");
    let e = h.refused(&["assign", "--title", "A", "--artist", "B"]);
    assert!(
        e.contains("the ledger has no prefix yet") && e.contains("ledger init --prefix"),
        "{e}"
    );
    h.ok(&[
        "ledger",
        "init",
        "--prefix",
        "AUXYZ",
        "--range",
        "00000-00009",
    ]);
    let again = h.ok(&["ledger", "init", "--prefix", "AU-XYZ", "--range", "0-9"]);
    assert!(again.ends_with("(already there)\n"), "{again}");
    assert_eq!(h.assign("A"), "AUXYZ2600000");
}

#[test]
fn a_file_that_cannot_be_written_keeps_its_code_in_the_ledger() {
    if !common::hooks() {
        return; // the injected fault and the date are debug-build hooks
    }
    let h = Here::new();
    h.ok(&["ledger", "init", "--prefix", "AUXYZ"]);
    let wav = h.tone("a.wav", 13);
    let before = std::fs::read(&wav).expect("read");
    let out = Command::new(common::bin())
        .args([
            "assign",
            "--title",
            "A",
            "--artist",
            "The Example",
            "--file",
            "a.wav",
            "--embed",
        ])
        .current_dir(h.dir.path())
        .env("ISRCKIT_TEST_TODAY", "2026-12-02")
        .env("ISRCKIT_TEST_FAULT", "rename")
        .output()
        .expect("runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.starts_with("AUXYZ2600000\n"), "{stdout}");
    assert!(
        stderr.contains("the codes are assigned in the ledger"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&wav).expect("read"),
        before,
        "the original as it was"
    );
    assert_eq!(h.codes(), ["AUXYZ2600000"]);
    // Written later, as the message says; the same audio is not given another code.
    h.ok(&["set", "--isrc", "AUXYZ2600000", "a.wav"]);
    let e = h.refused(&[
        "assign",
        "--title",
        "A2",
        "--artist",
        "The Example",
        "--file",
        "a.wav",
    ]);
    assert!(e.contains("this audio already has AUXYZ2600000"), "{e}");
}

#[test]
fn the_readme_documents_every_export_column_and_schema_version() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let at = readme
        .find("## `isrckit assign` and the ledger")
        .expect("the ledger section");
    let section = &readme[at..];
    for c in isrckit::ledger::EXPORT_COLUMNS {
        assert!(
            section.contains(&format!("`{c}`")),
            "README lacks the column {c}"
        );
    }
    for v in 1..=isrckit::ledger::schema::CURRENT {
        assert!(
            section.contains(&format!("\n| {v} | ")),
            "README lacks schema version {v}"
        );
    }
}
