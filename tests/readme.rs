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
