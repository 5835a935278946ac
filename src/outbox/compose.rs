//! `OutgoingMail` → the exact bytes to send, with lettre's message builder.
//!
//! Every header value here was cleaned when the mail was parsed or written by Loket;
//! names are cleaned once more because lettre panics on a line break in a display name.

use crate::engine::OutgoingMail;
use crate::ics;
use crate::mail::sanitize;
use crate::types::{Contact, EmailAddress};
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};

/// A formatted mail: envelope and bytes.
#[derive(Debug, Clone)]
pub struct Composed {
    /// Envelope sender.
    pub envelope_from: EmailAddress,
    /// Envelope recipients.
    pub envelope_to: Vec<EmailAddress>,
    /// RFC 5322 bytes.
    pub raw: Vec<u8>,
}

/// A file attached to an outgoing mail.
pub use crate::mail::files::File as FileAttachment;

/// Formats an outgoing mail with its attachments; `Err` names what lettre refused.
pub fn compose(mail: &OutgoingMail, attachments: &[FileAttachment]) -> Result<Composed, String> {
    let subject = sanitize::subject(&mail.subject);
    let builder = Message::builder()
        .from(mailbox(&mail.from)?)
        .to(mailbox(&mail.to)?);
    // lettre leaves text that looks like an encoded-word ("=?UTF-8?B?...") as it is, so a
    // reader would decode it into something else: such a subject is encoded here, whole.
    let builder = match subject.is_ascii() && !subject.contains("=?") {
        true => builder.subject(subject),
        false => builder.raw_header(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Subject"),
            subject.clone(),
            encoded_words(&subject),
        )),
    };
    let mut builder = builder
        .message_id(Some(mail.message_id.bracketed()))
        .date(mail.date.to_system_time())
        .raw_header(raw_header("X-Auto-Response-Suppress", "All"));
    for contact in &mail.cc {
        builder = builder.cc(mailbox(contact)?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    if let Some(value) = &mail.auto_submitted {
        builder = builder.raw_header(raw_header("Auto-Submitted", value));
    }
    if let Some(id) = &mail.in_reply_to {
        builder = builder.in_reply_to(id.bracketed());
    }
    if !mail.references.is_empty() {
        let ids: Vec<String> = mail.references.iter().map(|id| id.bracketed()).collect();
        builder = builder.references(ids.join(" "));
    }
    // A single text part declares MIME-Version and its charset; a bare body would not,
    // and clients would read UTF-8 text as US-ASCII.
    let message = match &mail.calendar {
        Some(calendar) => builder.multipart(invitation(&mail.body, calendar, attachments)?),
        None if attachments.is_empty() => builder.singlepart(SinglePart::plain(mail.body.clone())),
        None => builder.multipart(with_attachments(&mail.body, attachments)),
    }
    .map_err(|e| e.to_string())?;
    Ok(Composed {
        envelope_from: mail.from.address.clone(),
        envelope_to: std::iter::once(&mail.to)
            .chain(&mail.cc)
            .map(|c| c.address.clone())
            .collect(),
        raw: message.formatted(),
    })
}

fn with_attachments(body: &str, attachments: &[FileAttachment]) -> MultiPart {
    let parts = MultiPart::mixed().singlepart(SinglePart::plain(body.to_string()));
    attach(parts, attachments)
}

/// An iMIP mail (RFC 6047) as Gmail and Outlook expect it: the text and the calendar as
/// alternatives, then the calendar again as `invite.ics` for clients that look only at
/// attachments, then any other attachments. The `method` parameter must match the
/// object's METHOD, or clients ignore the invitation.
fn invitation(
    body: &str,
    calendar: &str,
    attachments: &[FileAttachment],
) -> Result<MultiPart, String> {
    let method = ics::method(calendar).ok_or("calendar object has no METHOD line")?;
    let calendar_type =
        ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
            .map_err(|e| format!("calendar content type: {e}"))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(body.to_string()))
        .singlepart(
            SinglePart::builder()
                .header(calendar_type)
                .body(calendar.to_string()),
        );
    let file_type = ContentType::parse("application/ics").expect("a valid type");
    let file =
        Attachment::new("invite.ics".to_string()).body(calendar.as_bytes().to_vec(), file_type);
    let parts = MultiPart::mixed().multipart(alternative).singlepart(file);
    Ok(attach(parts, attachments))
}

/// `parts` with each file added as an attachment.
fn attach(mut parts: MultiPart, attachments: &[FileAttachment]) -> MultiPart {
    for file in attachments {
        let content_type = ContentType::parse(&file.content_type).unwrap_or_else(|_| {
            ContentType::parse("application/octet-stream").expect("a valid type")
        });
        let name = sanitize::file_name(&file.name);
        parts = parts.singlepart(Attachment::new(name).body(file.bytes.clone(), content_type));
    }
    parts
}

fn mailbox(contact: &Contact) -> Result<Mailbox, String> {
    let address = contact
        .address
        .as_str()
        .parse()
        .map_err(|e| format!("address {}: {e}", contact.address))?;
    let name = contact.name.as_deref().and_then(sanitize::display_name);
    Ok(Mailbox::new(name, address))
}

/// `text` as RFC 2047 B encoded-words of whole characters, each short enough for a
/// folded line (RFC 2047 section 2: at most 75 characters a word).
fn encoded_words(text: &str) -> String {
    use base64::Engine;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(w.as_bytes());
            format!("=?utf-8?b?{b64}?=")
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn raw_header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(
        HeaderName::new_from_ascii_str(name),
        sanitize::header_text(value, 200),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::OutgoingKind;
    use crate::types::{MessageId, Timestamp};

    fn contact(name: &str, address: &str) -> Contact {
        Contact {
            name: Some(name.into()),
            address: EmailAddress::parse(address).expect("valid"),
        }
    }

    fn sample(to_name: &str, subject: &str) -> OutgoingMail {
        OutgoingMail {
            kind: OutgoingKind::Acknowledgement,
            message_id: MessageId::parse("loket.1.1.0@example.com").expect("valid"),
            from: contact("Support", "support@example.com"),
            to: contact(to_name, "budi@example.id"),
            cc: Vec::new(),
            reply_to: None,
            subject: subject.into(),
            in_reply_to: MessageId::parse("m1@example.id"),
            references: vec![MessageId::parse("m1@example.id").expect("valid")],
            body: "Halo\n".into(),
            auto_submitted: Some("auto-replied".into()),
            date: Timestamp(1_790_000_000),
            calendar: None,
            arrival_files: Vec::new(),
        }
    }

    fn text(mail: &OutgoingMail) -> String {
        String::from_utf8(compose(mail, &[]).expect("composes").raw).expect("ascii headers")
    }

    #[test]
    fn headers_for_threading_and_loop_prevention() {
        let out = text(&sample("Budi", "Re: Printer [HD #1]"));
        for header in [
            "Message-ID: <loket.1.1.0@example.com>",
            "In-Reply-To: <m1@example.id>",
            "References: <m1@example.id>",
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress: All",
            "Subject: Re: Printer [HD #1]",
        ] {
            assert!(out.contains(header), "missing {header:?} in\n{out}");
        }
    }

    #[test]
    fn a_hostile_display_name_cannot_inject_headers() {
        let out = text(&sample(
            "Evil\r\nBcc: victim@example.net\u{1b}",
            "x\r\nBcc: v@example.net",
        ));
        let header_block = out.split("\r\n\r\n").next().expect("has headers");
        assert!(
            !header_block.lines().any(|l| l.starts_with("Bcc:")),
            "{header_block}"
        );
        assert!(!out.contains('\u{1b}'));
        assert!(out.lines().all(|l| l.len() <= 998));
    }

    /// A random string of what breaks headers: control characters, CR and LF, NUL, bidi
    /// marks, U+FFFD, Latin-1 letters, quotes and specials, sometimes 2,000 characters.
    fn hostile(rng: &mut u64) -> String {
        const PIECES: [&str; 22] = [
            "\r",
            "\n",
            "\r\n",
            "\0",
            "\u{202e}",
            "\u{200f}",
            "\u{fffd}",
            "é",
            "ñ",
            "\u{ff}",
            "\"",
            "\\",
            "<",
            ">",
            ",",
            ";",
            ":",
            "=?UTF-8?B?",
            "?=",
            "Budi",
            " ",
            "\t",
        ];
        let mut next = || {
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            *rng
        };
        let length = if next() % 20 == 0 {
            2000
        } else {
            (next() % 40) as usize
        };
        let mut text = String::new();
        while text.chars().count() < length {
            match next() % 3 {
                0 => text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]),
                1 => text.push(char::from_u32((next() % 0x2ff) as u32).unwrap_or('x')),
                _ => text.push_str("Santoso"),
            }
        }
        text
    }

    /// 10,000 hostile display names and subjects: every header Loket writes stays one
    /// logical header, is plain ASCII (RFC 2047 words for the rest), and reads back with
    /// mail-parser as the text Loket meant to write.
    #[test]
    fn hostile_names_and_subjects_stay_one_header_and_read_back() {
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..10_000 {
            let (name, subject) = (hostile(&mut rng), hostile(&mut rng));
            let meant_name = crate::mail::sanitize::display_name(&name);
            let meant_subject = crate::mail::sanitize::subject(&subject);
            let mut mail = sample("x", &meant_subject);
            mail.to.name = meant_name.clone();
            let raw = compose(&mail, &[]).expect("composes").raw;
            let end = raw
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("a header block");
            let head = std::str::from_utf8(&raw[..end]).expect("headers are ASCII");
            assert!(head.is_ascii(), "{head}");
            let lines: Vec<&str> = head.split("\r\n").collect();
            assert!(
                lines
                    .iter()
                    .all(|l| !l.contains(['\r', '\n', '\0']) && l.len() <= 998),
                "{head:?}"
            );
            let count = |name: &str| {
                lines
                    .iter()
                    .filter(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                    .count()
            };
            assert_eq!(
                (count("subject"), count("to"), count("bcc")),
                (1, 1, 0),
                "{head}"
            );
            let parsed = mail_parser::MessageParser::default()
                .parse(&raw)
                .expect("parses");
            assert_eq!(parsed.subject().unwrap_or(""), meant_subject, "{head}");
            let to = parsed.to().and_then(|a| a.first()).expect("a To address");
            assert_eq!(to.address.as_deref(), Some("budi@example.id"), "{head}");
            assert_eq!(
                to.name.as_deref().map(str::trim),
                meant_name.as_deref(),
                "{head}"
            );
        }
    }

    fn visit() -> ics::Invitation {
        ics::Invitation {
            uid: "visit-1-1@example.com".into(),
            sequence: 0,
            stamp: Timestamp(1_789_005_600),
            start: Timestamp(1_789_437_600),
            end: Timestamp(1_789_444_800),
            summary: "Kunjungan teknisi".into(),
            description: "Teknisi datang memeriksa printer — mohon siapkan akses ruang server."
                .into(),
            location: "Gedung A, lantai 3".into(),
            organizer: contact("Support", "support@example.com"),
            attendees: vec![contact("Budi", "budi@example.id")],
        }
    }

    fn part_of_type<'a>(
        message: &'a mail_parser::Message<'a>,
        ctype: &str,
        subtype: &str,
    ) -> Option<&'a mail_parser::MessagePart<'a>> {
        use mail_parser::MimeHeaders;
        message.parts.iter().find(|part| {
            part.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case(ctype)
                    && ct
                        .subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
            })
        })
    }

    #[test]
    fn an_invitation_carries_its_calendar_as_alternative_and_as_invite_ics() {
        use mail_parser::{MessageParser, MimeHeaders};
        let calendar = ics::request(&visit());
        let mut mail = sample("Budi", "Kunjungan teknisi [HD #1]");
        mail.calendar = Some(calendar.clone());
        let photo = FileAttachment {
            name: "printer.jpg".into(),
            content_type: "image/jpeg".into(),
            bytes: vec![0xff, 0xd8, 0xff, 0xe0],
        };
        let raw = compose(&mail, &[photo]).expect("composes").raw;
        let out = String::from_utf8(raw.clone()).expect("ascii");
        assert!(
            out.contains("Content-Type: text/calendar; method=REQUEST; charset=utf-8"),
            "{out}"
        );
        let message = MessageParser::default().parse(&raw).expect("parses");
        let types: Vec<String> = message
            .parts
            .iter()
            .filter_map(|p| p.content_type())
            .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
            .collect();
        assert_eq!(
            types,
            [
                "multipart/mixed",
                "multipart/alternative",
                "text/plain",
                "text/calendar",
                "application/ics",
                "image/jpeg"
            ]
        );
        let inline = part_of_type(&message, "text", "calendar").expect("text/calendar part");
        assert_eq!(inline.text_contents(), Some(calendar.as_str()));
        let file = part_of_type(&message, "application", "ics").expect("invite.ics");
        assert_eq!(file.attachment_name(), Some("invite.ics"));
        assert_eq!(file.contents(), calendar.as_bytes());
        assert_eq!(message.body_text(0).as_deref().map(str::trim), Some("Halo"));
        let parsed = crate::mail::parse(&raw);
        assert_eq!(parsed.calendar.as_deref(), Some(calendar.as_str()));
    }

    #[test]
    fn a_cancellation_is_sent_with_method_cancel() {
        let mut mail = sample("Budi", "Kunjungan dibatalkan [HD #1]");
        mail.calendar = Some(ics::cancel(&visit()));
        assert!(text(&mail).contains("Content-Type: text/calendar; method=CANCEL; charset=utf-8"));
    }

    #[test]
    fn a_calendar_without_method_is_refused() {
        let mut mail = sample("Budi", "x");
        mail.calendar = Some("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".into());
        assert!(compose(&mail, &[]).is_err());
    }
}
