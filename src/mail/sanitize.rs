//! Making text that came in by mail safe to put into an outgoing header or a file name.
//!
//! Customers control display names and subjects. lettre 0.11 panics on a line break in a
//! display name and copies raw ESC into headers, so every such string passes through here.

/// Longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest subject kept, in characters (well under the 998-octet line limit once encoded).
pub const MAX_SUBJECT_CHARS: usize = 250;

/// One line of header-safe text: control characters (CR, LF, NUL, ESC, Unicode line
/// separators) become spaces, runs of whitespace collapse, what could not be decoded
/// (U+FFFD) is dropped, the result is trimmed and capped.
pub fn header_text(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut pending_space = false;
    for c in text.chars() {
        if c == char::REPLACEMENT_CHARACTER {
            continue;
        }
        if c.is_control() || c.is_whitespace() || is_invisible_separator(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if out.chars().count() >= max_chars {
            break;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Characters that render as nothing or break lines but are not `char::is_control`.
fn is_invisible_separator(c: char) -> bool {
    matches!(
        c,
        '\u{2028}' | '\u{2029}' | '\u{200B}' | '\u{FEFF}' | '\u{202E}' | '\u{202D}'
    )
}

/// A display name fit for a header, or `None` when nothing printable is left.
pub fn display_name(name: &str) -> Option<String> {
    let clean = header_text(name, MAX_NAME_CHARS);
    let clean = clean
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_string();
    (!clean.is_empty()).then_some(clean)
}

/// A subject fit for a header.
pub fn subject(text: &str) -> String {
    header_text(text, MAX_SUBJECT_CHARS)
}

/// An attachment name safe to show or write: no folders, no control characters, no leading dots.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean = header_text(base, 100);
    let clean = clean.trim_start_matches('.').trim();
    if clean.is_empty() {
        "attachment".to_string()
    } else {
        clean.to_string()
    }
}

/// Body text fit for storing and showing: NUL and other control characters removed
/// except line breaks and tabs, line endings (CRLF, and a bare CR as old Mac mail
/// writes it) made `\n`.
pub fn body_text(text: &str) -> String {
    text.strip_prefix('\u{FEFF}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_removes_injection_characters() {
        assert_eq!(
            header_text("Evil\r\nBcc: victim@example.net", 100),
            "Evil Bcc: victim@example.net"
        );
        assert_eq!(header_text("a\0b\x1b[31mc", 100), "a b [31mc");
        assert_eq!(header_text("  line\u{2028}break  ", 100), "line break");
        assert_eq!(header_text("J\u{FFFD}rgen \u{FFFD}", 100), "Jrgen");
        assert_eq!(display_name("\u{FFFD}\u{FFFD}"), None);
    }

    #[test]
    fn header_text_caps_length() {
        let long = "x".repeat(5000);
        assert_eq!(
            header_text(&long, MAX_SUBJECT_CHARS).chars().count(),
            MAX_SUBJECT_CHARS
        );
    }

    #[test]
    fn display_name_is_none_when_nothing_printable() {
        assert_eq!(display_name("\r\n\0"), None);
        assert_eq!(
            display_name("\"Budi Santoso\""),
            Some("Budi Santoso".into())
        );
    }

    #[test]
    fn body_text_reads_a_bare_cr_as_a_line_break() {
        assert_eq!(body_text("one\rtwo\r\nthree\0"), "one\ntwo\nthree");
    }

    #[test]
    fn file_name_strips_folders() {
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(file_name("../"), "attachment");
        assert_eq!(file_name(".bashrc"), "bashrc");
    }
}
