//! The README's key table is the code's key table. Run with
//! `UPDATE_README=1 cargo test --test readme` to rewrite it.

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
