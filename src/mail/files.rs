//! The files a mail carries, read from its raw bytes: what agents and customers send
//! each other, and what `loket attachment` gives back.

use super::sanitize;
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

/// One attachment of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// File name, made safe (no folders, no control characters).
    pub name: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// Every attachment of a raw mail, in the order the mail holds them (the index
/// `loket attachment get` takes, from 1). The decoded bytes are moved out of the parse,
/// not copied: a large file is held once.
pub fn attachments(raw: &[u8]) -> Vec<File> {
    let Some(mut message) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    let ids = std::mem::take(&mut message.attachments);
    ids.iter()
        .filter_map(|&id| {
            let part = message.parts.get_mut(id as usize)?;
            let name = sanitize::file_name(part.attachment_name().unwrap_or("attachment"));
            let content_type = content_type(part);
            let bytes = match std::mem::take(&mut part.body) {
                PartType::Text(text) | PartType::Html(text) => text.into_owned().into_bytes(),
                PartType::Binary(bytes) | PartType::InlineBinary(bytes) => bytes.into_owned(),
                PartType::Message(nested) => nested.raw_message.into_owned(),
                PartType::Multipart(_) => Vec::new(),
            };
            Some(File {
                name,
                content_type,
                bytes,
            })
        })
        .collect()
}

/// Whether a part is shown inside the HTML body rather than attached: it has a
/// Content-ID and its disposition is not `attachment`.
pub fn is_inline(part: &MessagePart<'_>) -> bool {
    let attached = part
        .content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
    part.content_id().is_some() && !attached
}

/// A part's MIME type, lowercased; `application/octet-stream` when it names none.
pub fn content_type(part: &MessagePart<'_>) -> String {
    part.content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
            None => ct.ctype().to_lowercase(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_decoded_with_safe_names_in_order() {
        let raw = b"From: a@example.id\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nHalo\r\n\
--b\r\nContent-Type: application/pdf; name=\"../../laporan.pdf\"\r\nContent-Disposition: attachment; filename*=UTF-8''..%2F..%2Flaporan%20akhir.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n\
--b\r\nContent-Type: image/PNG\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?Zm90byDigJQg4oCuZ25wLmV4ZQ==?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n\
--b--\r\n";
        let files = attachments(raw);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].bytes, b"%PDF-1.4\n");
        assert_eq!(files[0].content_type, "application/pdf");
        assert_eq!(files[0].name, "laporan akhir.pdf");
        assert_eq!(files[1].content_type, "image/png");
        assert_eq!(files[1].bytes, b"\x89PNG\r\n\x1a\n");
        assert!(!files[1].name.contains('\u{202E}'), "{:?}", files[1].name);
    }

    #[test]
    fn names_split_over_rfc_2231_continuations_are_joined_and_cleaned() {
        let raw = b"From: a@example.id\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nx\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=UTF-8''Laporan%20Keuangan%20;\r\n filename*1*=Triwulan%20III%20%E2%80%94%20;\r\n filename*2=\"final.pdf\"\r\n\r\nx\r\n\
--b\r\nContent-Type: text/plain; name=\"a\\0b\\\\..\\\\evil.txt\"\r\nContent-Disposition: attachment\r\n\r\nx\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"same.pdf\"\r\n\r\n1\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"same.pdf\"\r\n\r\n2\r\n\
--b--\r\n";
        let files = attachments(raw);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names[0], "Laporan Keuangan Triwulan III — final.pdf");
        assert!(!names[1].contains(['\\', '/', '\0']), "{:?}", names[1]);
        // Two files of one name stay two files, told apart by their index.
        assert_eq!(&names[2..], ["same.pdf", "same.pdf"]);
        assert_ne!(files[2].bytes, files[3].bytes);
    }
}
