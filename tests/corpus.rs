//! Corpus tests for everything that reads mail text. On a mismatch the actual output is
//! written beside the case as `<case>.actual`, for review.
//! - `quote/`: a body, a `#### new text ####` line, and the expected new text; every
//!   case runs with LF and with CRLF line endings.
//! - `replies/`: whole mails as clients send them (`.eml`) and the new text a person
//!   should see (`.expected`); see its README.
//! - `charsets/`: mails in legacy, missing or wrong charsets (`.eml`) and what a person
//!   should read (`.json`: subject, sender's name, text); see its README.

use std::path::{Path, PathBuf};

const SEPARATOR: &str = "\n#### new text ####\n";

fn cases(area: &str) -> Vec<PathBuf> {
    cases_with(area, "txt")
}

fn cases_with(area: &str, extension: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(area);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == extension))
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

/// Text compared the way a reader sees it: each line right-trimmed, runs of blank lines
/// collapsed to one, no blank lines at either end.
fn normalised(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[test]
fn replies_from_every_client_keep_only_what_the_person_wrote() {
    let files = cases_with("replies", "eml");
    let indonesian = files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with("-id.eml"))
        .count();
    assert!(
        files.len() >= 80,
        "the reply corpus has {} cases",
        files.len()
    );
    assert!(
        indonesian * 2 >= files.len(),
        "only {indonesian} of {} replies are Indonesian",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let raw = std::fs::read(path).expect("read case");
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|e| panic!("{}: no .expected file: {e}", path.display()));
        let actual = loket::mail::parse(&raw).new_text;
        if normalised(&actual) != normalised(&expected) {
            std::fs::write(path.with_extension("actual"), &actual).expect("write .actual");
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- actual\n{}",
                path.display(),
                normalised(&expected),
                normalised(&actual)
            ));
        }
    }
    let passed = files.len() - failures.len();
    let score = passed as f64 * 100.0 / files.len() as f64;
    println!(
        "reply corpus: {passed} of {} right ({score:.1} %), {indonesian} Indonesian",
        files.len()
    );
    for failure in &failures {
        println!("\n{failure}");
    }
    assert!(
        score >= 95.0,
        "{score:.1} % of replies right, below 95 %:\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn every_charset_reads_as_the_writer_meant_it() {
    let files = cases_with("charsets", "eml");
    assert!(
        files.len() >= 20,
        "the charset corpus has {} cases",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let raw = std::fs::read(path).expect("read case");
        let json = std::fs::read_to_string(path.with_extension("json"))
            .unwrap_or_else(|e| panic!("{}: no .json file: {e}", path.display()));
        let expected: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: bad json: {e}", path.display()));
        let mail = loket::mail::parse(&raw);
        let name = mail.from.as_ref().and_then(|c| c.name.clone());
        let mut wrong = Vec::new();
        if mail.subject != expected["subject"].as_str().unwrap_or_default() {
            wrong.push(format!(
                "subject {:?}, expected {}",
                mail.subject, expected["subject"]
            ));
        }
        let names_allowed: Vec<Option<String>> = match expected.get("from_name_any_of") {
            Some(any) => any
                .as_array()
                .expect("from_name_any_of is a list")
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect(),
            None => vec![expected["from_name"].as_str().map(str::to_string)],
        };
        if !names_allowed.contains(&name) {
            wrong.push(format!(
                "from name {name:?}, expected one of {names_allowed:?}"
            ));
        }
        let text = expected["text"].as_str().unwrap_or_default();
        if normalised(&mail.text) != normalised(text) {
            std::fs::write(path.with_extension("actual"), &mail.text).expect("write .actual");
            wrong.push(format!(
                "text:\n--- expected\n{}\n--- actual\n{}",
                normalised(text),
                normalised(&mail.text)
            ));
        }
        for header in [Some(mail.subject.as_str()), name.as_deref()]
            .into_iter()
            .flatten()
        {
            if header.contains('\u{FFFD}') || header.chars().any(char::is_control) {
                wrong.push(format!(
                    "header text {header:?} has U+FFFD or a control character"
                ));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {}", path.display(), wrong.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} charset cases read wrong:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
