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
    let mut builder = Message::builder()
        .from(mailbox(&mail.from)?)
        .to(mailbox(&mail.to)?)
        .subject(sanitize::subject(&mail.subject))
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
