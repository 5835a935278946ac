//! The files a mail carries, read from its raw bytes: what agents and customers send
//! each other, and what `loket attachment` gives back.

use super::parse::{Limits, Refusal};
use super::{sanitize, tnef};
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

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
    let mut files = Vec::new();
    for id in ids {
        let Some(part) = message.parts.get_mut(id as usize) else {
            continue;
        };
        let name = name(part);
        let content_type = content_type(part);
        let packed = packed(part).files;
        let bytes = match std::mem::take(&mut part.body) {
            PartType::Text(text) | PartType::Html(text) => text.into_owned().into_bytes(),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => bytes.into_owned(),
            PartType::Message(nested) => nested.raw_message.into_owned(),
            PartType::Multipart(_) => Vec::new(),
        };
        files.push(File {
            name,
            content_type,
            bytes,
        });
        files.extend(packed);
    }
    files
}

/// What Outlook packed into a `winmail.dat` part (TNEF).
#[derive(Debug, Default)]
pub struct Packed {
    /// The plain text body, if Outlook put one in.
    pub text: Option<String>,
    /// The files, which follow the `winmail.dat` in a mail's list.
    pub files: Vec<File>,
}

/// What a `winmail.dat` part holds, read once; nothing for any other part.
pub fn packed(part: &MessagePart<'_>) -> Packed {
    if !is_tnef(part) {
        return Packed::default();
    }
    let Some(unpacked) = tnef::unpack(part.contents()) else {
        return Packed::default();
    };
    let files = unpacked
        .files
        .into_iter()
        .map(|file| File {
            name: sanitize::file_name(&file.name),
            content_type: file
                .content_type
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_else(|| type_of_name(&file.name).to_string()),
            bytes: file.bytes,
        })
        .collect();
    Packed {
        text: unpacked.text,
        files,
    }
}

/// Whether a part is Outlook's TNEF: declared so (or named `winmail.dat`) and starting
/// with the TNEF signature.
fn is_tnef(part: &MessagePart<'_>) -> bool {
    let declared = matches!(
        content_type(part).as_str(),
        "application/ms-tnef" | "application/vnd.ms-tnef"
    ) || part
        .attachment_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("winmail.dat"));
    declared && tnef::is_tnef(part.contents())
}

/// A MIME type for a file that came without one, from its name's extension.
fn type_of_name(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("txt") => "text/plain",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Every attachment part of a parsed mail, in order, with the limit that refuses it, if
/// any: the one judgement both the mail's file list and its notes are made from.
pub fn judged<'m>(
    message: &'m Message<'m>,
    limits: &Limits,
) -> impl Iterator<Item = (&'m MessagePart<'m>, Option<Refusal>)> {
    let depths = depths(message);
    let limits = *limits;
    message.attachments.iter().filter_map(move |&id| {
        let part = message.parts.get(id as usize)?;
        let depth = depths.get(id as usize).copied().unwrap_or(0);
        let refusal = if id as usize >= limits.max_parts {
            Some(Refusal::Parts(limits.max_parts))
        } else if depth > limits.max_depth {
            Some(Refusal::Depth(limits.max_depth))
        } else if part.contents().len() > limits.max_attachment_size {
            Some(Refusal::FileSize(limits.max_attachment_size))
        } else {
            None
        };
        Some((part, refusal))
    })
}

/// How deep each part of a mail sits: the top is 0, a part of a multipart one more than
/// the multipart. Parts come in document order, so a container precedes its children.
fn depths(message: &Message<'_>) -> Vec<usize> {
    let mut depths = vec![0; message.parts.len()];
    for (id, part) in message.parts.iter().enumerate() {
        if let PartType::Multipart(children) = &part.body {
            let below = depths[id] + 1;
            for &child in children {
                if let Some(depth) = depths.get_mut(child as usize) {
                    *depth = below;
                }
            }
        }
    }
    depths
}

/// An attachment's name as shown and saved: decoded, without folders or control
/// characters; `attachment` when it has none.
pub fn name(part: &MessagePart<'_>) -> String {
    sanitize::file_name(part.attachment_name().unwrap_or("attachment"))
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

    #[test]
    fn archives_stay_one_file_each_byte_for_byte() {
        // A zip holding a.txt, and a gzip of "halo": never expanded.
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00a.txtPK\x05\x06\x00\x00";
        let gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcc\xc9\x07\x00";
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let raw = format!(
            "From: a@example.id\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nLog terlampir\r\n\
--b\r\nContent-Type: application/zip; name=log.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--b\r\nContent-Type: application/gzip; name=log.gz\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--b--\r\n",
            b64(zip),
            b64(gz)
        );
        let files = attachments(raw.as_bytes());
        let got: Vec<(&str, &str, &[u8])> = files
            .iter()
            .map(|f| (f.name.as_str(), f.content_type.as_str(), f.bytes.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                ("log.zip", "application/zip", &zip[..]),
                ("log.gz", "application/gzip", &gz[..])
            ]
        );
    }
}
