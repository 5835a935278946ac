//! Corpus tests for everything that reads mail text: each case is a file under
//! `tests/corpus/<area>/`, the input, a `#### new text ####` line, and the expected
//! result. Every case runs with LF and with CRLF line endings. On a mismatch the actual
//! output is written beside the case as `<case>.actual`, for review.

use std::path::{Path, PathBuf};

const SEPARATOR: &str = "\n#### new text ####\n";

fn cases(area: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(area);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

fn split(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).expect("read case");
    let (input, expected) = text
        .split_once(SEPARATOR)
        .unwrap_or_else(|| panic!("{} has no {SEPARATOR:?} line", path.display()));
    (
        input.to_string(),
        expected.trim_end_matches('\n').to_string(),
    )
}

#[test]
fn quote_stripping_keeps_only_the_new_text() {
    let files = cases("quote");
    assert!(
        files.len() >= 30,
        "the quote corpus has {} cases",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let (input, expected) = split(path);
        for (ending, body) in [
            ("LF", input.replace("\r\n", "\n")),
            ("CRLF", input.replace("\r\n", "\n").replace('\n', "\r\n")),
        ] {
            let actual = loket::mail::quote::new_text(&body);
            if actual != expected {
                std::fs::write(path.with_extension("actual"), &actual).expect("write .actual");
                failures.push(format!(
                    "{} ({ending}):\n--- expected\n{expected}\n--- actual\n{actual}",
                    path.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
