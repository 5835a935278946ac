//! Text whose charset is missing, wrong or unknown, read as the writer meant it.
//!
//! mail-parser decodes every charset a part declares (its `full_encoding` feature, on
//! encoding_rs). What it cannot know is when the label lies: 8-bit text with no charset,
//! UTF-8 sent as "iso-8859-1" or "us-ascii", Windows-1252 sent as "utf-8", raw 8-bit
//! bytes in a header. For those, valid UTF-8 is taken as UTF-8 (a legacy text that is
//! also valid UTF-8 is vanishingly rare), and anything else is guessed with chardetng,
//! the detector Firefox uses, and decoded with encoding_rs.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use mail_parser::decoders::base64::base64_decode;

/// Whether text that mail-parser decoded by its `declared` charset may be wrong: a
/// missing or UTF-8 label that produced U+FFFD, or an ASCII, Latin-1 or unknown label on
/// text that is not ASCII. A real legacy charset is trusted.
pub fn suspect(declared: Option<&str>, decoded: &str) -> bool {
    match Label::of(declared) {
        Label::Specific => false,
        // mail-parser's UTF-7 decoder swallows the character after a run and "+-".
        Label::Utf7 => decoded.contains('+') || !decoded.is_ascii(),
        Label::Unreliable if declared.is_none_or(is_utf8_label) => decoded.contains('\u{FFFD}'),
        _ => !decoded.is_ascii(),
    }
}

fn is_utf8_label(name: &str) -> bool {
    let name = name.trim().trim_matches('"');
    name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
}

/// The text of `bytes` (a part's body after its transfer encoding, or a raw header
/// value) when its `declared` charset cannot be trusted; `None` when the declared
/// charset can be, or the bytes are plain ASCII, so the caller keeps its own decoding.
pub fn redecode(bytes: &[u8], declared: Option<&str>) -> Option<String> {
    let label = Label::of(declared);
    match label {
        Label::Specific => return None,
        Label::Utf7 => return Some(decode_utf7(bytes)),
        _ if bytes.is_ascii() => return None,
        _ => {}
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    let encoding = match label {
        // WHATWG reads every Latin-1 label as Windows-1252, its superset.
        Label::Latin1 => WINDOWS_1252,
        _ => guess(bytes),
    };
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Some(text.into_owned())
}

/// What a declared charset says about how far to trust it.
#[derive(Debug, PartialEq, Eq)]
enum Label {
    /// No charset, ASCII, UTF-8 or a name nobody knows: the bytes decide.
    Unreliable,
    /// One of the Latin-1 names: UTF-8 if the bytes are UTF-8, else Windows-1252.
    Latin1,
    /// UTF-7 (RFC 2152), decoded here.
    Utf7,
    /// Any other real charset (Cyrillic, CJK…): as declared.
    Specific,
}

impl Label {
    fn of(declared: Option<&str>) -> Label {
        let Some(name) = declared.map(|n| n.trim().trim_matches('"').to_ascii_lowercase()) else {
            return Label::Unreliable;
        };
        match name.as_str() {
            "" | "us-ascii" | "ascii" | "utf-8" | "utf8" | "unknown-8bit" | "x-unknown"
            | "unknown" | "default" => Label::Unreliable,
            "iso-8859-1" | "iso8859-1" | "latin1" | "l1" | "iso_8859-1" | "windows-1252"
            | "cp1252" | "x-cp1252" => Label::Latin1,
            "utf-7" | "utf7" | "unicode-1-1-utf-7" => Label::Utf7,
            other if Encoding::for_label(other.as_bytes()).is_some() => Label::Specific,
            _ => Label::Unreliable,
        }
    }
}

/// Fewer non-ASCII bytes than this in a raw header are read as Windows-1252: a guess
/// from so little is noise, and a short 8-bit name is nearly always Western ("Jürgen").
const GUESS_FROM: usize = 8;

/// A header value with raw 8-bit bytes, as text: UTF-8 when valid, else a guess.
pub fn header_bytes(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let encoding = if non_ascii < GUESS_FROM {
        WINDOWS_1252
    } else {
        guess(bytes)
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// An unstructured header value (a subject) with its RFC 2047 encoded-words decoded:
/// adjacent words of one charset are joined as bytes before decoding (a character may be
/// split between two), the space between encoded-words is dropped, and a word whose
/// bytes do not fit its label is read as the bytes say.
pub fn decode_words(value: &str) -> String {
    let value = unfold(value);
    let mut out = String::with_capacity(value.len());
    let mut rest = value.as_str();
    // The bytes of the encoded-words in a row, and their charset.
    let mut pending: Option<(String, Vec<u8>)> = None;
    while !rest.is_empty() {
        match encoded_word(rest) {
            Some((charset, bytes, len)) => {
                match &mut pending {
                    Some((label, run)) if label.eq_ignore_ascii_case(&charset) => {
                        run.extend_from_slice(&bytes)
                    }
                    _ => {
                        flush(&mut out, pending.take());
                        pending = Some((charset, bytes));
                    }
                }
                rest = &rest[len..];
            }
            None => {
                // Past the first character (which may be more than one byte), to the
                // next encoded-word or the end.
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let next = rest[first..].find("=?").map_or(rest.len(), |i| i + first);
                let text = &rest[..next];
                let between_words = pending.is_some()
                    && text.trim().is_empty()
                    && encoded_word(&rest[next..]).is_some();
                if !between_words {
                    flush(&mut out, pending.take());
                    out.push_str(text);
                }
                rest = &rest[next..];
            }
        }
    }
    flush(&mut out, pending);
    out
}

fn unfold(value: &str) -> String {
    value.replace("\r\n", "").replace('\n', "")
}

/// The encoded-word at the start of `text`: its charset, its bytes, its length.
fn encoded_word(text: &str) -> Option<(String, Vec<u8>, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (charset, after) = inner.split_once('?')?;
    let (encoding, after) = after.split_once('?')?;
    let end = after.find("?=")?;
    let payload = &after[..end];
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    if charset.is_empty() || text[..len].contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64_decode(payload.as_bytes())?,
        "Q" | "q" => q_decode(payload.as_bytes()),
        _ => return None,
    };
    // RFC 2231 lets a language follow the charset: "utf-8*id".
    let charset = charset.split('*').next().unwrap_or(charset).to_string();
    Some((charset, bytes, len))
}

/// The "Q" encoding of RFC 2047: `_` is a space, `=XX` a byte.
fn q_decode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len());
    let mut i = 0;
    while i < payload.len() {
        let hex = payload
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (payload[i], hex) {
            (b'_', _) => out.push(b' '),
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (byte, _) => out.push(byte),
        }
        i += 1;
    }
    out
}

/// Appends a run of encoded-word bytes, decoded by their label or, when the label
/// does not fit them, as the bytes say.
fn flush(out: &mut String, run: Option<(String, Vec<u8>)>) {
    let Some((label, bytes)) = run else {
        return;
    };
    let text = match Label::of(Some(&label)) {
        Label::Utf7 => decode_utf7(&bytes),
        Label::Specific => Encoding::for_label(label.as_bytes())
            .unwrap_or(UTF_8)
            .decode_without_bom_handling(&bytes)
            .0
            .into_owned(),
        _ => match redecode(&bytes, Some(&label)) {
            Some(text) => text,
            None => String::from_utf8_lossy(&bytes).into_owned(),
        },
    };
    out.push_str(&text);
}

/// UTF-7 (RFC 2152): `+` opens a run of modified base64 holding UTF-16, which a `-`
/// (absorbed) or any other character (kept) closes; `+-` is a plain `+`.
pub fn decode_utf7(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if byte != b'+' {
            out.push(char::from(byte));
            continue;
        }
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let mut bits: u32 = 0;
        let mut count = 0;
        let mut units = Vec::new();
        while let Some(value) = bytes.get(i).and_then(|b| base64_value(*b)) {
            bits = (bits << 6 | u32::from(value)) & 0x3F_FFFF;
            count += 6;
            if count >= 16 {
                count -= 16;
                units.push((bits >> count) as u16);
            }
            i += 1;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
    }
    out
}

fn base64_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// chardetng's best guess for bytes that are not UTF-8.
fn guess(bytes: &[u8]) -> &'static Encoding {
    use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
    // Mail cannot run scripts, so ISO-2022-JP may be guessed; UTF-8 was ruled out before.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_sent_as_latin1_reads_as_utf8() {
        let utf8 = "Grüße — Budi".as_bytes();
        assert_eq!(
            redecode(utf8, Some("iso-8859-1")).as_deref(),
            Some("Grüße — Budi")
        );
        assert_eq!(
            redecode(utf8, Some("us-ascii")).as_deref(),
            Some("Grüße — Budi")
        );
    }

    #[test]
    fn windows_1252_sent_as_utf8_or_undeclared_reads_as_windows_1252() {
        let cp1252 = b"Gr\xfc\xdfe, \x80 12,50 \x93ok\x94";
        let expected = "Grüße, € 12,50 “ok”";
        assert_eq!(redecode(cp1252, Some("utf-8")).as_deref(), Some(expected));
        assert_eq!(redecode(cp1252, None).as_deref(), Some(expected));
        assert_eq!(redecode(cp1252, Some("latin1")).as_deref(), Some(expected));
    }

    #[test]
    fn an_honest_label_and_ascii_are_left_alone() {
        assert_eq!(redecode(b"\xf0\xd2\xc9\xd7\xc5\xd4", Some("koi8-r")), None);
        assert_eq!(redecode(b"plain", None), None);
        assert_eq!(redecode(b"+AKw-", Some("utf-7")).as_deref(), Some("¬"));
    }

    #[test]
    fn undeclared_cyrillic_is_guessed() {
        // "Привет, мир" in Windows-1251.
        let cp1251 = b"\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0";
        assert_eq!(redecode(cp1251, None).as_deref(), Some("Привет, мир"));
    }
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn encoded_words_join_split_characters_and_drop_the_space_between() {
        // "заказ" with the "з" (D0 B7) split over two words.
        let value = "=?UTF-8?B?0LfQsNC60LDQtw==?= x =?utf-8?Q?a=D0?=\r\n =?utf-8?Q?=B7b?=";
        assert_eq!(decode_words(value), "заказ x aзb");
        assert_eq!(decode_words("=?iso-8859-1?q?caf=E9?= ok"), "café ok");
        assert_eq!(decode_words("plain =? not a word"), "plain =? not a word");
    }

    #[test]
    fn a_word_whose_bytes_do_not_fit_its_label_is_read_as_the_bytes_say() {
        assert_eq!(decode_words("=?utf-8?Q?n=BA_5531_=96_ok?="), "nº 5531 – ok");
    }

    #[test]
    fn utf7_keeps_the_character_after_a_run() {
        assert_eq!(decode_utf7(b"49 +IKw f+APw-r +-49"), "49 € für +49");
    }

    #[test]
    fn short_raw_headers_read_as_windows_1252() {
        assert_eq!(header_bytes(b"J\xfcrgen M\xfcller"), "Jürgen Müller");
        assert_eq!(header_bytes("Jürgen".as_bytes()), "Jürgen");
    }

    #[test]
    fn a_subject_that_starts_with_a_wide_character_is_read_not_a_panic() {
        // Found by the fuzzer: a header whose text begins with a two-byte character.
        assert_eq!(decode_words("®Khóa =?UTF-8?Q?x?="), "®Khóa x");
        assert_eq!(decode_words("é"), "é");
    }
}
