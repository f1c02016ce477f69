//! The README's key table is the code's key table. Run with
//! `UPDATE_README=1 cargo test --test readme` to rewrite it.

mod common;

#[test]
fn readme_key_table_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (begin, end) = ("<!-- keys:begin -->\n", "<!-- keys:end -->");
    let start = readme.find(begin).expect("keys:begin marker") + begin.len();
    let stop = readme.find(end).expect("keys:end marker");
    let table = isrckit::keys::markdown_table();
    if std::env::var_os("UPDATE_README").is_some() {
        let new = format!("{}{}{}", &readme[..start], table, &readme[stop..]);
        std::fs::write(&path, new).expect("write README.md");
        return;
    }
    assert_eq!(
        &readme[start..stop],
        table,
        "README key table is stale: run UPDATE_README=1 cargo test --test readme"
    );
}

#[test]
fn readme_documents_every_rule_and_format() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    for rule in isrckit::audit::RULES {
        assert!(
            readme.contains(&format!("| `{}` |", rule.id)),
            "README lacks a row for {}",
            rule.id
        );
    }
    for format in ["table", "json", "csv", "junit", "github", "sarif"] {
        assert!(
            readme.contains(&format!("| `{format}` |")),
            "README lacks the {format} format"
        );
    }
}

/// The one command that runs every command line starting `cargo test` in
/// `text` (comments after `#` dropped).
fn test_commands(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| l.starts_with("cargo test"))
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_test_command_is_what_ci_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    let ci_cmds = test_commands(&ci);
    assert_eq!(
        ci_cmds.len(),
        1,
        ".ci/run runs one test command: {ci_cmds:?}"
    );
    // The README's "Two commands" block names the test command once.
    let block = readme
        .split("## Two commands")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .expect("README's Two commands code block");
    assert_eq!(
        test_commands(block),
        ci_cmds,
        "the README's test command must be the one .ci/run runs"
    );
}

mod transcripts {
    //! The README's command transcripts are real output: each block after
    //! a `<!-- transcript: NAME -->` marker is a list of `$ isrckit …`
    //! commands, each followed by what it prints (stdout, then stderr).
    //! The test builds the album the README describes with real tools,
    //! runs every command in it in order, and compares. Run with
    //! `UPDATE_README=1 cargo test --test readme` to rewrite the outputs.

    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::common;

    /// The manifests the README shows.
    const CODES_CSV: &str = "release;track;isrc;barcode\r\nalbum;1;US-RC1-26-00001;075678164125\r\nalbum;2;US-RC1-26-00002;075678164125\r\nalbum;3;US-RC1-26-00003;075678164125\r\n";
    const BAD_CSV: &str = "release;track;isrc;Barcodes\r\nalbum;1;US-RC1-26-0000;075678164125\r\n";

    fn tool(cmd: &mut Command) {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(out.status.success(), "{cmd:?}: {out:?}");
    }

    /// `album/`: a WAV without tags, a WAV whose LIST/INFO holds an older
    /// ISRC (as ffmpeg writes it), a FLAC with an ISRC and a barcode (as
    /// metaflac writes them); and the two manifests.
    fn album(dir: &Path) {
        let album = dir.join("album");
        std::fs::create_dir_all(&album).expect("mkdir");
        let tone = |out: &Path, extra: &[&str]| {
            tool(
                Command::new("ffmpeg")
                    .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
                    .arg("sine=frequency=440:duration=1")
                    .args(["-ar", "8000", "-ac", "1", "-bitexact"])
                    .args(extra)
                    .arg(out),
            )
        };
        tone(&album.join("01 Intro.wav"), &[]);
        tone(
            &album.join("02 Song.wav"),
            &["-metadata", "ISRC=USRC12400101"],
        );
        tone(&album.join("03 Outro.flac"), &[]);
        tool(
            Command::new("metaflac")
                .args([
                    "--set-tag=ISRC=GBAYE2400301",
                    "--set-tag=BARCODE=0886443927087",
                ])
                .arg(album.join("03 Outro.flac")),
        );
        std::fs::write(dir.join("codes.csv"), CODES_CSV).expect("write");
        std::fs::write(dir.join("bad.csv"), BAD_CSV).expect("write");
    }

    /// `masters/` (the three tagged WAVs of `testdata/cd/masters`) and
    /// `DDP/` (the image `testdata/cd/ddp/late_code`: track 3 without its
    /// ISRC), for the CD-master workflow.
    fn cd_masters(dir: &Path) {
        let td = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/cd");
        for (from, to) in [("masters", "masters"), ("ddp/late_code", "DDP")] {
            std::fs::create_dir_all(dir.join(to)).expect("mkdir");
            for e in std::fs::read_dir(td.join(from)).expect("list") {
                let e = e.expect("entry");
                if e.path().extension().is_some_and(|x| x == "cue") {
                    continue;
                }
                std::fs::copy(e.path(), dir.join(to).join(e.file_name())).expect("copy");
            }
        }
    }

    /// (start, end) of each transcript block's body, with its name.
    fn blocks(readme: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(i) = readme[at..].find("<!-- transcript: ") {
            let m = at + i;
            let name_end = readme[m..].find(' ').map(|_| m + 17).expect("marker");
            let name: String = readme[name_end..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let open = m + readme[m..].find("```text\n").expect("block") + 8;
            let close = open + readme[open..].find("```").expect("block end");
            out.push((name, open, close));
            at = close;
        }
        out
    }

    fn run(dir: &Path, line: &str) -> String {
        let args: Vec<&str> = line.split_whitespace().skip(2).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_isrckit"))
            .args(&args)
            .current_dir(dir)
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("runs");
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        text
    }

    #[test]
    fn readme_transcripts_are_real_output() {
        if !common::require("ffmpeg", &["-version"]) || !common::require("metaflac", &["--version"])
        {
            return;
        }
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        assert!(
            readme.contains(CODES_CSV.replace("\r\n", "\n").trim_end()),
            "README's codes.csv"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        album(dir.path());
        let cd_dir = tempfile::tempdir().expect("temp dir");
        cd_masters(cd_dir.path());
        let mut new = String::new();
        let mut last = 0;
        let found = blocks(&readme);
        assert!(found.len() >= 2, "transcript blocks: {found:?}");
        for (name, open, close) in found {
            let dir = match name.as_str() {
                "embed" => &dir,
                "cd" => &cd_dir,
                other => panic!("no fixture for transcript {other:?}"),
            };
            let mut body = String::new();
            for cmd in readme[open..close].lines().filter(|l| l.starts_with("$ ")) {
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(cmd);
                body.push('\n');
                body.push_str(&run(dir.path(), cmd));
            }
            new.push_str(&readme[last..open]);
            new.push_str(&body);
            last = close;
        }
        new.push_str(&readme[last..]);
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(&path, new).expect("write README.md");
            return;
        }
        if new != readme {
            let (a, b): (Vec<_>, Vec<_>) = (readme.lines().collect(), new.lines().collect());
            let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(0);
            panic!(
                "README transcript is not what the binary prints (line {}):\n  README: {:?}\n  binary: {:?}\nrun UPDATE_README=1 cargo test --test readme",
                i + 1,
                a.get(i),
                b.get(i)
            );
        }
    }
}

/// Every flag of every command (as `--help` lists them) is in the README's
/// synopsis of that command.
#[test]
fn readme_synopses_list_every_flag() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    for cmd in ["inspect", "audit", "set", "embed", "cue"] {
        let help = std::process::Command::new(env!("CARGO_BIN_EXE_isrckit"))
            .args([cmd, "--help"])
            .output()
            .expect("runs");
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        // The synopsis: from "isrckit CMD [" to the end of its block.
        let at = readme
            .find(&format!("isrckit {cmd} ["))
            .or_else(|| readme.find(&format!("isrckit {cmd} --manifest FILE|- [")))
            .unwrap_or_else(|| panic!("no synopsis for {cmd}"));
        let end = readme[at..]
            .find("```")
            .map_or(readme.len(), |e| at + e)
            .min(readme[at..].find("\n\n").map_or(readme.len(), |e| at + e));
        let synopsis = &readme[at..end];
        let mut missing = Vec::new();
        for line in help.lines() {
            let line = line.trim_start();
            let Some(rest) = line.strip_prefix("--").or_else(|| {
                line.strip_prefix('-')
                    .and_then(|l| l.split_once(", --").map(|(_, r)| r))
            }) else {
                continue;
            };
            let flag: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if flag.is_empty() || flag == "help" || flag == "version" {
                continue;
            }
            if !synopsis.contains(&format!("--{flag}")) {
                missing.push(flag);
            }
        }
        assert!(
            missing.is_empty(),
            "README's {cmd} synopsis lacks {missing:?}"
        );
    }
}
