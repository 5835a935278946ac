//! Raw bytes → `Mail`: an owned, cleaned view of the parts of a message Loket uses.
//!
//! Parsing never fails: whatever cannot be read is left empty and noted in
//! `Mail::problems`, and the raw bytes are kept by the store regardless.

use super::{charset, flowed, html, quote, sanitize};
use crate::types::{Contact, EmailAddress, MessageId, Timestamp};
use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, Encoding, Header, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders,
    PartType,
};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// Most header fields kept in `Mail::headers`; later ones are dropped.
pub const MAX_HEADERS: usize = 200;
/// Longest header value kept in `Mail::headers`, in bytes.
pub const MAX_HEADER_VALUE: usize = 4 * 1024;
/// Longest calendar text kept in `Mail::calendar`, in bytes.
pub const MAX_CALENDAR: usize = 256 * 1024;

/// The parts of a message that Loket uses, cleaned and owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// The Message-ID header, or one derived from the raw bytes when absent.
    pub message_id: MessageId,
    /// Whether `message_id` came from the message itself.
    pub has_own_message_id: bool,
    /// In-Reply-To ids.
    pub in_reply_to: Vec<MessageId>,
    /// References ids, oldest first.
    pub references: Vec<MessageId>,
    /// The author (From:, else Sender:).
    pub from: Option<Contact>,
    /// The first Reply-To: address.
    pub reply_to: Option<Contact>,
    /// To: addresses.
    pub to: Vec<Contact>,
    /// Cc: addresses.
    pub cc: Vec<Contact>,
    /// Subject, decoded and made header-safe.
    pub subject: String,
    /// The Date: header.
    pub date: Option<Timestamp>,
    /// Readable body text (HTML-only mail is turned into text).
    pub text: String,
    /// What the author wrote in this mail: `text` without quoted history, signature
    /// and mobile footer (`quote::new_text`, with HTML quote containers removed first).
    pub new_text: String,
    /// Names and sizes of attachments.
    pub attachments: Vec<Attachment>,
    /// The headers that tell automatic mail apart (RFC 3834, RFC 3464).
    pub automation: AutomationHeaders,
    /// `Authentication-Results:` headers (RFC 8601), unfolded, newest first.
    pub authentication_results: Vec<String>,
    /// Every header field of the message itself, in order, as (name as written, value
    /// decoded and unfolded), for routing rules that match headers. At most
    /// `MAX_HEADERS` fields, each value cut to `MAX_HEADER_VALUE` bytes.
    pub headers: Vec<(String, String)>,
    /// The text of the first `text/calendar` part, inline or attached, decoded to UTF-8
    /// and cut to `MAX_CALENDAR` bytes: how an iMIP reply (RFC 6047) arrives.
    pub calendar: Option<String>,
    /// Hash of what makes the message itself (author, date, subject, body), ignoring
    /// transport headers, so that a redelivery through another path is recognised.
    pub fingerprint: String,
    /// What could not be read, one line each, for the log and the ticket.
    pub problems: Vec<String>,
    /// Set when the mail was larger than the intake takes in whole.
    pub oversize: Option<Oversize>,
    /// Files the mail carries that the intake's limits refuse (over the per-file size,
    /// past the most parts, nested too deep): kept in the raw mail, not in `attachments`.
    pub refused: Vec<RefusedFile>,
}

/// What the intake takes of one mail's structure (`intake.max_attachment_size`,
/// `intake.max_parts`, `intake.max_depth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file taken, decoded, in bytes.
    pub max_attachment_size: usize,
    /// The most MIME parts read; files in later parts are refused.
    pub max_parts: usize,
    /// The deepest multipart nesting read; files nested deeper are refused.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_attachment_size: DEFAULT_MAX_ATTACHMENT_SIZE,
            max_parts: DEFAULT_MAX_PARTS,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// The largest file taken unless the config says otherwise: as large as a whole mail.
pub const DEFAULT_MAX_ATTACHMENT_SIZE: usize = 25 * 1024 * 1024;
/// The most MIME parts read unless the config says otherwise.
pub const DEFAULT_MAX_PARTS: usize = 1000;
/// The deepest nesting read unless the config says otherwise.
pub const DEFAULT_MAX_DEPTH: usize = 50;

/// A file of a mail that a limit refused: its name, size and which limit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefusedFile {
    /// File name, made safe.
    pub name: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Why it was refused.
    pub refusal: Refusal,
}

/// Which limit refused a file, with the limit's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "limit", content = "value")]
pub enum Refusal {
    /// Larger than `intake.max_attachment_size` bytes.
    FileSize(usize),
    /// In a part after the first `intake.max_parts`.
    Parts(usize),
    /// Nested deeper than `intake.max_depth`.
    Depth(usize),
}

/// A mail over `intake.max_message_size`: what arrived, what was kept, what was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversize {
    /// Its size as it arrived, in bytes.
    pub size: usize,
    /// The limit, in bytes: this much of it is kept.
    pub limit: usize,
    /// The files that did not fit in what is kept: name and size.
    pub refused: Vec<(String, usize)>,
}

/// The bytes of `raw` that are kept when it is over `limit`: its header and as much of
/// the rest as makes `limit`. `None` when it is within the limit.
pub fn kept_part(raw: &[u8], limit: usize) -> Option<usize> {
    if raw.len() <= limit {
        return None;
    }
    let header_end = raw.len() - body_bytes(raw).len();
    Some(limit.max(header_end))
}

/// Reads a mail over the limit: the whole mail for its text and file list, and notes
/// which files the kept bytes (`raw[..kept]`) hold whole.
pub fn parse_oversized(raw: &[u8], kept: usize, limit: usize, limits: &Limits) -> Mail {
    let mut mail = parse_within(raw, limits);
    let held = parse_within(&raw[..kept], limits);
    let is_held = |name: &str, size: usize| {
        let same = |n: &str, s: usize| n == name && s == size;
        held.attachments.iter().any(|f| same(&f.name, f.size))
            || held.refused.iter().any(|f| same(&f.name, f.size))
    };
    // A file cut off by the limit is named as such, whatever other limit it is over.
    let mut cut_off = Vec::new();
    let mut keep_held = |name: &str, size: usize| {
        let held = is_held(name, size);
        if !held {
            cut_off.push((name.to_string(), size));
        }
        held
    };
    mail.attachments
        .retain(|file| keep_held(&file.name, file.size));
    mail.refused.retain(|file| keep_held(&file.name, file.size));
    mail.problems.push(format!(
        "{} bytes, over the intake limit of {limit}: the first {kept} bytes are kept",
        raw.len()
    ));
    mail.oversize = Some(Oversize {
        size: raw.len(),
        limit,
        refused: cut_off,
    });
    mail
}

/// An attachment's description (its bytes stay in the raw message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name, made safe.
    pub name: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Whether it is an image shown inside the HTML body (a Content-ID, not marked as an
    /// attachment): a signature's logo, a picture in the quoted history.
    pub inline: bool,
    /// Whether it is such a picture shown only outside the author's new text (in the
    /// quoted history or a signature): not passed on to the people who read that text.
    pub outside_new_text: bool,
    /// Whether it is a `winmail.dat` whose files were unpacked (they follow it): kept,
    /// but only its files are passed on.
    pub unpacked: bool,
}

impl Attachment {
    /// Whether the file is passed on to the people who read the mail (agents in their
    /// notification): not a picture of the quoted history or a signature, not a
    /// `winmail.dat` already unpacked.
    pub fn is_passed_on(&self) -> bool {
        !self.outside_new_text && !self.unpacked
    }
}

/// Headers by which automatic mail and bounces announce themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutomationHeaders {
    /// `Auto-Submitted:` value, lowercased.
    pub auto_submitted: Option<String>,
    /// `Precedence:` value, lowercased.
    pub precedence: Option<String>,
    /// Whether a `List-Id:` header is present.
    pub list_id: bool,
    /// `Return-Path:` address: `Some("")` for the null path `<>`.
    pub return_path: Option<String>,
    /// Non-standard auto-reply markers seen (`X-Autoreply`, `X-Autorespond`, ...).
    pub autoreply_marker: Option<String>,
    /// `report-type` of a `multipart/report` top-level content type.
    pub report_type: Option<String>,
    /// Message-IDs quoted inside a delivery report, naming the mail that bounced.
    pub reported_message_ids: Vec<MessageId>,
}

/// Parses a raw message under the default `Limits`. Never fails and never panics on
/// malformed input.
pub fn parse(raw: &[u8]) -> Mail {
    parse_within(raw, &Limits::default())
}

/// Parses a raw message, refusing the files that `limits` do not allow.
pub fn parse_within(raw: &[u8], limits: &Limits) -> Mail {
    match MessageParser::default().parse(raw) {
        Some(message) => from_message(&message, raw, limits),
        None => unreadable(raw),
    }
}

fn from_message(message: &Message<'_>, raw: &[u8], limits: &Limits) -> Mail {
    let mut problems = Vec::new();
    let own_id = message.message_id().and_then(MessageId::parse);
    let from = redecoded_header(message, raw, "From")
        .and_then(
            |value| match MessageStream::new(value.as_bytes()).parse_address() {
                HeaderValue::Address(address) => first_contact(Some(&address)),
                _ => None,
            },
        )
        .or_else(|| first_contact(message.from()))
        .or_else(|| first_contact(message.sender()));
    if from.is_none() {
        problems.push("no readable From: address".to_string());
    }
    if own_id.is_none() {
        problems.push("no Message-ID: header; identified by a hash of its bytes".to_string());
    }
    let author = from.as_ref().and_then(|c| c.name.as_deref());
    let Files {
        taken: attachments,
        refused,
        packed_text,
    } = files(message, limits, author);
    let Body { text, new_text } = match body(message, author, &mut problems) {
        body if body.text.trim().is_empty() => match packed_text {
            Some(text) => Body {
                new_text: quote::new_text_by(&text, author),
                text,
            },
            None => body,
        },
        body => body,
    };
    let subject = subject(message, raw);
    let date = message.date().map(|d| Timestamp(d.to_timestamp()));
    if !refused.is_empty() {
        problems.push(format!(
            "{} files refused by the intake limits",
            refused.len()
        ));
    }
    Mail {
        has_own_message_id: own_id.is_some(),
        message_id: own_id.unwrap_or_else(|| derived_id(raw)),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        reply_to: first_contact(message.reply_to()),
        to: contacts(message.to()),
        cc: contacts(message.cc()),
        fingerprint: fingerprint(&from, date, &subject, body_bytes(raw)),
        automation: automation(message, raw),
        authentication_results: authentication_results(message),
        headers: headers(message, raw),
        calendar: calendar(message, &mut problems),
        attachments,
        refused,
        from,
        subject,
        date,
        text,
        new_text,
        problems,
        oversize: None,
    }
}

fn unreadable(raw: &[u8]) -> Mail {
    let text = sanitize::body_text(&String::from_utf8_lossy(raw));
    Mail {
        new_text: quote::new_text(&text),
        message_id: derived_id(raw),
        has_own_message_id: false,
        in_reply_to: Vec::new(),
        references: Vec::new(),
        from: None,
        reply_to: None,
        to: Vec::new(),
        cc: Vec::new(),
        subject: String::new(),
        date: None,
        text,
        attachments: Vec::new(),
        automation: AutomationHeaders::default(),
        authentication_results: Vec::new(),
        headers: Vec::new(),
        calendar: None,
        fingerprint: hex::encode(Sha256::digest(raw)),
        problems: vec!["not a readable RFC 5322 message; kept as raw text".to_string()],
        oversize: None,
        refused: Vec::new(),
    }
}

/// The id used for a message without a Message-ID: the hash of its exact bytes, so
/// that a byte-identical redelivery is recognised as a duplicate.
fn derived_id(raw: &[u8]) -> MessageId {
    let hash = hex::encode(&Sha256::digest(raw)[..16]);
    MessageId::parse(&format!("{hash}@no-message-id.loket.invalid")).expect("hex is a valid id")
}

fn ids(value: &HeaderValue<'_>) -> Vec<MessageId> {
    match value {
        HeaderValue::Text(id) => MessageId::parse(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| MessageId::parse(id)).collect(),
        _ => Vec::new(),
    }
}

fn contacts(address: Option<&Address<'_>>) -> Vec<Contact> {
    let Some(address) = address else {
        return Vec::new();
    };
    address.iter().filter_map(contact).collect()
}

fn first_contact(address: Option<&Address<'_>>) -> Option<Contact> {
    address?.iter().find_map(contact)
}

fn contact(addr: &mail_parser::Addr<'_>) -> Option<Contact> {
    let address = EmailAddress::parse(addr.address.as_deref()?)?;
    let name = addr.name.as_deref().and_then(sanitize::display_name);
    Some(Contact { name, address })
}

/// The body as stored and shown, and what its author wrote in it.
#[derive(Default)]
struct Body {
    text: String,
    new_text: String,
}

/// The first text part (text/plain preferred, else HTML), in the charset it was meant in.
fn body(message: &Message<'_>, author: Option<&str>, problems: &mut Vec<String>) -> Body {
    let part = message
        .text_body
        .first()
        .and_then(|&id| message.parts.get(id as usize));
    match part.map(|part| (part, &part.body)) {
        Some((part, PartType::Text(text))) => {
            let text = part_text(message, part, text);
            let text = match flowed_parameters(part) {
                Some(delete_space) => sanitize::body_text(&flowed::unflow(&text, delete_space)),
                None => sanitize::body_text(&text),
            };
            Body {
                new_text: quote::new_text_by(&text, author),
                text,
            }
        }
        Some((part, PartType::Html(markup))) => {
            let markup = part_text(message, part, markup);
            Body {
                text: sanitize::body_text(&html::to_text(&markup)),
                new_text: quote::new_text_by(
                    &sanitize::body_text(&html::without_history(&markup)),
                    author,
                ),
            }
        }
        _ if message.attachment_count() > 0 => Body::default(),
        _ => {
            problems.push("no readable text body".to_string());
            Body::default()
        }
    }
}

/// `Some(delsp)` for a `format=flowed` part (RFC 3676).
fn flowed_parameters(part: &MessagePart<'_>) -> Option<bool> {
    let content_type = part.content_type()?;
    let is = |name: &str, value: &str| {
        content_type
            .attribute(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
    };
    is("format", "flowed").then(|| is("delsp", "yes"))
}

/// A text part's content: as mail-parser decoded it, unless its declared charset is
/// suspect (`charset::suspect`) and its bytes read better another way.
fn part_text<'a>(message: &Message<'_>, part: &MessagePart<'_>, decoded: &'a str) -> Cow<'a, str> {
    let declared = part.content_type().and_then(|ct| ct.attribute("charset"));
    if !charset::suspect(declared, decoded) {
        return Cow::Borrowed(decoded);
    }
    match part_bytes(message, part).and_then(|bytes| charset::redecode(&bytes, declared)) {
        Some(text) => Cow::Owned(text),
        None => Cow::Borrowed(decoded),
    }
}

/// A part's body with its transfer encoding undone, charset not yet applied.
fn part_bytes<'a>(message: &'a Message<'_>, part: &MessagePart<'_>) -> Option<Cow<'a, [u8]>> {
    let raw = message
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize)?;
    Some(match part.encoding {
        Encoding::QuotedPrintable => Cow::Owned(quoted_printable_decode(raw)?),
        Encoding::Base64 => Cow::Owned(base64_decode(raw)?),
        Encoding::None => Cow::Borrowed(raw),
    })
}

/// The subject, decoded here rather than by mail-parser, which loses a character split
/// between two encoded-words and trusts a label that does not fit the bytes.
fn subject(message: &Message<'_>, raw: &[u8]) -> String {
    let text = match header_value(message, raw, "Subject") {
        Some(bytes) => charset::decode_words(&charset::header_bytes(bytes)),
        None => String::new(),
    };
    sanitize::subject(&text)
}

/// A header's value read again when it holds raw 8-bit bytes that are not UTF-8
/// (mail-parser would have replaced them with U+FFFD).
fn redecoded_header(message: &Message<'_>, raw: &[u8], name: &str) -> Option<String> {
    let bytes = header_value(message, raw, name)?;
    (std::str::from_utf8(bytes).is_err()).then(|| charset::header_bytes(bytes))
}

/// The raw bytes of a header's value; of the last one, as mail-parser's own accessors
/// return it.
fn header_value<'a>(message: &Message<'_>, raw: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let header = message
        .headers()
        .iter()
        .rev()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    raw.get(header.offset_start as usize..header.offset_end as usize)
}

/// A mail's files as the intake judges them.
struct Files {
    /// The files taken.
    taken: Vec<Attachment>,
    /// Those a limit refused.
    refused: Vec<RefusedFile>,
    /// The text of the first `winmail.dat` that holds one, for a mail with no other body.
    packed_text: Option<String>,
}

/// The files the limits take, and those they refuse. The files packed in a `winmail.dat`
/// follow it; each is held to the size limit on its own, and shares the `winmail.dat`'s
/// fate when that lies past the parts or depth limit.
fn files(message: &Message<'_>, limits: &Limits, author: Option<&str>) -> Files {
    let mut taken = Vec::new();
    let mut refused = Vec::new();
    let mut packed_text = None;
    let mut outside = None;
    for (part, refusal) in super::files::judged(message, limits) {
        let inline = super::files::is_inline(part);
        let outside_new_text = inline && {
            let outside = outside.get_or_insert_with(|| pictures_outside_new_text(message, author));
            part.content_id()
                .is_some_and(|id| outside.contains(&id.to_ascii_lowercase()))
        };
        let super::files::Packed {
            text,
            files: packed,
        } = super::files::packed(part);
        if packed_text.is_none() {
            packed_text = text
                .map(|t| sanitize::body_text(&t))
                .filter(|t| !t.trim().is_empty());
        }
        let own = Attachment {
            name: super::files::name(part),
            content_type: super::files::content_type(part),
            size: part.contents().len(),
            inline,
            outside_new_text,
            unpacked: !packed.is_empty(),
        };
        let shared = refusal.filter(|r| !matches!(r, Refusal::FileSize(_)));
        let packed = packed.into_iter().map(|file| {
            let size = file.bytes.len();
            let too_large = size > limits.max_attachment_size;
            let refusal =
                shared.or(too_large.then_some(Refusal::FileSize(limits.max_attachment_size)));
            let file = Attachment {
                name: file.name,
                content_type: file.content_type,
                size,
                inline: false,
                outside_new_text: false,
                unpacked: false,
            };
            (file, refusal)
        });
        for (file, refusal) in std::iter::once((own, refusal)).chain(packed) {
            match refusal {
                None => taken.push(file),
                Some(refusal) => refused.push(RefusedFile {
                    name: file.name,
                    size: file.size,
                    refusal,
                }),
            }
        }
    }
    Files {
        taken,
        refused,
        packed_text,
    }
}

/// The Content-IDs of the pictures an HTML mail shows only outside its author's new
/// text: found by the same rules that find the new text, on the HTML with each picture
/// marked in place. A picture the HTML does not show at all is not among them.
fn pictures_outside_new_text(message: &Message<'_>, author: Option<&str>) -> Vec<String> {
    let html = message
        .html_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .find_map(|part| match &part.body {
            PartType::Html(html) => Some(html),
            _ => None,
        });
    let Some(html) = html else {
        return Vec::new();
    };
    let shown = html::pictures(&html::marking_pictures(html, true));
    if shown.is_empty() {
        return Vec::new();
    }
    let new_text = quote::new_text_by(&html::marking_pictures(html, false), author);
    let in_new_text = html::pictures(&new_text);
    shown
        .into_iter()
        .filter(|id| !in_new_text.contains(id))
        .collect()
}

fn automation(message: &Message<'_>, raw: &[u8]) -> AutomationHeaders {
    let lower_text = |name: &str| header_text(message, name).map(|v| v.trim().to_lowercase());
    let report_type = message
        .content_type()
        .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
        .filter(|ct| {
            ct.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .map(|ct| ct.attribute("report-type").unwrap_or("").to_lowercase());
    let reported = if report_type.is_some() {
        reported_ids(message, raw)
    } else {
        Vec::new()
    };
    AutomationHeaders {
        auto_submitted: lower_text("Auto-Submitted"),
        precedence: lower_text("Precedence"),
        list_id: message.header("List-Id").is_some(),
        return_path: return_path(message),
        autoreply_marker: autoreply_marker(message),
        report_type,
        reported_message_ids: reported,
    }
}

fn authentication_results(message: &Message<'_>) -> Vec<String> {
    message
        .headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn headers(message: &Message<'_>, raw: &[u8]) -> Vec<(String, String)> {
    message
        .headers()
        .iter()
        .take(MAX_HEADERS)
        .map(|header| (written_name(header, raw), decoded_value(header, raw)))
        .collect()
}

/// The field name with the case the sender used (mail-parser keeps only its own).
fn written_name(header: &Header<'_>, raw: &[u8]) -> String {
    let field = raw
        .get(header.offset_field as usize..header.offset_start as usize)
        .unwrap_or_default();
    let field = String::from_utf8_lossy(field);
    let name = field.trim_end().trim_end_matches(':').trim();
    if name.is_empty() {
        header.name.as_str().to_string()
    } else {
        sanitize::header_text(name, 100)
    }
}

/// The value unfolded, RFC 2047 words decoded, made one header-safe line and capped.
fn decoded_value(header: &Header<'_>, raw: &[u8]) -> String {
    let bytes = raw
        .get(header.offset_start as usize..header.offset_end as usize)
        .unwrap_or_default();
    let value = match MessageStream::new(bytes).parse_unstructured() {
        HeaderValue::Text(text) => sanitize::header_text(&text, MAX_HEADER_VALUE),
        _ => String::new(),
    };
    cut(value, MAX_HEADER_VALUE)
}

fn calendar(message: &Message<'_>, problems: &mut Vec<String>) -> Option<String> {
    let part = message.parts.iter().find(|part| is_calendar(part))?;
    let text = match part.text_contents() {
        Some(text) => text.to_string(),
        None => String::from_utf8_lossy(part.contents()).into_owned(),
    };
    if text.len() > MAX_CALENDAR {
        problems.push(format!("text/calendar part over {MAX_CALENDAR} bytes; cut"));
    }
    Some(cut(text, MAX_CALENDAR))
}

fn is_calendar(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("text")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
    })
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let end = (0..=max)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(end);
    }
    text
}

fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    message.header_raw(name.to_string()).map(str::to_string)
}

fn return_path(message: &Message<'_>) -> Option<String> {
    let raw = message.header_raw("Return-Path")?;
    let inner = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    Some(inner.to_lowercase())
}

const AUTOREPLY_MARKERS: [&str; 4] = [
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "X-Autogenerated",
];

fn autoreply_marker(message: &Message<'_>) -> Option<String> {
    AUTOREPLY_MARKERS
        .iter()
        .find(|name| message.header_raw(name.to_string()).is_some())
        .map(|name| name.to_string())
}

/// Message-IDs named inside a delivery report: the `Message-ID:` lines after the
/// report's own headers (in the returned message or its headers).
fn reported_ids(message: &Message<'_>, raw: &[u8]) -> Vec<MessageId> {
    let own = message.message_id().and_then(MessageId::parse);
    let body = String::from_utf8_lossy(body_bytes(raw));
    body.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("message-id")
                .then(|| MessageId::parse(value))?
        })
        .filter(|id| Some(id) != own.as_ref())
        .collect()
}

/// The bytes after the header block (after the first empty line).
fn body_bytes(raw: &[u8]) -> &[u8] {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    let start = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    };
    &raw[start..]
}

fn fingerprint(
    from: &Option<Contact>,
    date: Option<Timestamp>,
    subject: &str,
    body: &[u8],
) -> String {
    let mut hash = Sha256::new();
    hash.update(from.as_ref().map_or("", |c| c.address.as_str()));
    hash.update([0]);
    hash.update(date.map_or(0, |d| d.0).to_be_bytes());
    hash.update(subject);
    hash.update([0]);
    // CRLF and LF copies of one message (spool vs IMAP) must hash alike.
    for line in body.split(|b| *b == b'\n') {
        hash.update(line.strip_suffix(b"\r").unwrap_or(line));
        hash.update(b"\n");
    }
    hex::encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_basics() {
        let raw = b"From: \"Budi\" <Budi@Example.id>\r\nTo: support@example.com\r\nSubject: =?UTF-8?B?VGlkYWsgYmlzYSBtYXN1aw==?=\r\nMessage-ID: <a1@example.id>\r\nIn-Reply-To: <x@y>\r\n\r\nHalo\r\n";
        let mail = parse(raw);
        assert_eq!(mail.message_id.as_str(), "a1@example.id");
        assert!(mail.has_own_message_id);
        assert_eq!(
            mail.from.as_ref().map(|c| c.address.as_str()),
            Some("budi@example.id")
        );
        assert_eq!(mail.subject, "Tidak bisa masuk");
        assert_eq!(mail.in_reply_to.len(), 1);
        assert_eq!(mail.text.trim(), "Halo");
    }

    #[test]
    fn crlf_and_lf_copies_share_a_fingerprint() {
        let lf = b"From: a@b.c\nSubject: s\nMessage-ID: <m@b.c>\n\nline one\nline two\n";
        let crlf =
            b"From: a@b.c\r\nSubject: s\r\nMessage-ID: <m@b.c>\r\n\r\nline one\r\nline two\r\n";
        assert_eq!(parse(lf).fingerprint, parse(crlf).fingerprint);
    }

    #[test]
    fn message_without_id_is_named_by_its_bytes() {
        let raw = b"From: a@b.c\n\nno id\n";
        assert_eq!(parse(raw).message_id, parse(raw).message_id);
        assert!(!parse(raw).has_own_message_id);
        assert_ne!(
            parse(raw).message_id,
            parse(b"From: a@b.c\n\nother\n").message_id
        );
    }

    #[test]
    fn garbage_still_gives_a_mail() {
        let mail = parse(b"\0\0\xff\xfe not mail at all");
        assert!(!mail.problems.is_empty());
    }

    /// What the Outlook reply below carries, base64-encoded, in its `text/calendar` part.
    const OUTLOOK_ICS: &str =
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\n\
VERSION:2.0\r\nBEGIN:VEVENT\r\n\
ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Santoso, Siti\":MAILTO:siti@example.co.id\r\n\
COMMENT;LANGUAGE=id-ID:Baik\\, sampai jumpa. Terima kasih — Siti\r\n\
UID:visit-42-1@loket.example.com\r\nSEQUENCE:0\r\nDTSTAMP:20260910T040233Z\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    /// Outlook accepting an invitation: multipart/alternative, text/plain and a base64
    /// `text/calendar; method=REPLY`.
    const OUTLOOK_REPLY: &str = "From: \"Santoso, Siti\" <siti@example.co.id>\r\n\
To: Helpdesk Loket <support@example.com>\r\n\
Subject: Accepted: Kunjungan teknisi [HD #42]\r\n\
Thread-Topic: Kunjungan teknisi [HD #42]\r\n\
Date: Thu, 10 Sep 2026 04:02:33 +0000\r\n\
Message-ID: <SG2PR06MB1234ABCD@SG2PR06MB1234.apcprd06.prod.outlook.com>\r\n\
Content-Language: id-ID\r\n\
X-MS-Has-Attach:\r\n\
X-MS-TNEF-Correlator:\r\n\
Content-Type: multipart/alternative;\r\n\
\tboundary=\"_000_SG2PR06MB1234ABCD_\"\r\n\
MIME-Version: 1.0\r\n\
\r\n\
--_000_SG2PR06MB1234ABCD_\r\n\
Content-Type: text/plain; charset=\"us-ascii\"\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Baik, sampai jumpa.\r\n\
\r\n\
--_000_SG2PR06MB1234ABCD_\r\n\
Content-Type: text/calendar; charset=\"utf-8\"; method=REPLY\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNClBST0RJRDpNaWNyb3NvZnQgRXhjaGFuZ2Ug\r\n\
U2VydmVyIDIwMTANClZFUlNJT046Mi4wDQpCRUdJTjpWRVZFTlQNCkFUVEVOREVFO1BBUlRTVEFU\r\n\
PUFDQ0VQVEVEO0NOPSJTYW50b3NvLCBTaXRpIjpNQUlMVE86c2l0aUBleGFtcGxlLmNvLmlkDQpD\r\n\
T01NRU5UO0xBTkdVQUdFPWlkLUlEOkJhaWtcLCBzYW1wYWkganVtcGEuIFRlcmltYSBrYXNpaCDi\r\n\
gJQgU2l0aQ0KVUlEOnZpc2l0LTQyLTFAbG9rZXQuZXhhbXBsZS5jb20NClNFUVVFTkNFOjANCkRU\r\n\
U1RBTVA6MjAyNjA5MTBUMDQwMjMzWg0KRU5EOlZFVkVOVA0KRU5EOlZDQUxFTkRBUg0K\r\n\
\r\n\
--_000_SG2PR06MB1234ABCD_--\r\n";

    #[test]
    fn outlook_reply_calendar_part_is_kept_as_text() {
        for raw in [
            OUTLOOK_REPLY.to_string(),
            OUTLOOK_REPLY.replace("\r\n", "\n"),
        ] {
            let mail = parse(raw.as_bytes());
            assert_eq!(mail.calendar.as_deref(), Some(OUTLOOK_ICS));
            assert_eq!(mail.text.trim(), "Baik, sampai jumpa.");
            let reply = crate::ics::read_reply(OUTLOOK_ICS).expect("a REPLY");
            assert_eq!(reply.attendee.as_str(), "siti@example.co.id");
        }
    }

    #[test]
    fn calendar_attachment_in_latin1_is_decoded_and_forwarded_ones_are_not_ours() {
        let raw = "From: a@example.id\r\nMessage-ID: <c1@example.id>\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\nMIME-Version: 1.0\r\n\r\n\
--b1\r\nContent-Type: message/rfc822\r\n\r\n\
From: old@example.net\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n\
BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n\
--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
--b1\r\nContent-Type: text/calendar; charset=ISO-8859-1; method=REPLY; name=\"invite.ics\"\r\n\
Content-Disposition: attachment; filename=\"invite.ics\"\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nCOMMENT:caf=E9\r\nEND:VCALENDAR\r\n\
--b1--\r\n";
        let mail = parse(raw.as_bytes());
        assert_eq!(
            mail.calendar.as_deref(),
            Some("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nCOMMENT:café\r\nEND:VCALENDAR")
        );
    }

    #[test]
    fn headers_are_kept_as_written_unfolded_and_decoded() {
        let raw = "Received: from mx.example.id (mx.example.id [203.0.113.5])\r\n\
\tby mx.example.com; Thu, 10 Sep 2026 04:02:33 +0000\r\n\
From: Budi <budi@example.id>\r\n\
x-loket-PRIORITY: tinggi\r\n\
X-Customer: =?UTF-8?Q?Budi_Santoso_=E2=80=94_PT_Maju?=\r\n =?ISO-8859-1?Q?_caf=E9?=\r\n\
Subject: Printer\r\n rusak lagi\r\n\
\r\n\
Halo\r\n";
        let mail = parse(raw.as_bytes());
        let expected = [
            (
                "Received",
                "from mx.example.id (mx.example.id [203.0.113.5]) by mx.example.com; \
Thu, 10 Sep 2026 04:02:33 +0000",
            ),
            ("From", "Budi <budi@example.id>"),
            ("x-loket-PRIORITY", "tinggi"),
            ("X-Customer", "Budi Santoso — PT Maju café"),
            ("Subject", "Printer rusak lagi"),
        ];
        let got: Vec<(&str, &str)> = mail
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(mail.calendar, None);
    }

    #[test]
    fn header_count_and_length_are_capped() {
        let mut raw = format!("From: a@example.id\r\nX-Long: {}\r\n", "é".repeat(5000));
        for i in 0..250 {
            raw.push_str(&format!("X-Field-{i}: {i}\r\n"));
        }
        raw.push_str("\r\nbody\r\n");
        let mail = parse(raw.as_bytes());
        assert_eq!(mail.headers.len(), MAX_HEADERS);
        assert_eq!(mail.headers[1].0, "X-Long");
        assert_eq!(mail.headers[1].1.len(), MAX_HEADER_VALUE);
        assert_eq!(cut("aéé".to_string(), 4), "aé");
    }

    #[test]
    fn a_mail_whose_only_body_is_a_winmail_dat_reads_its_text_and_lists_its_files() {
        let winmail = crate::mail::tnef::tests::outlook_winmail();
        let raw = format!(
            "From: Siti <siti@example.co.id>\r\nMessage-ID: <w1@example.co.id>\r\n\
MIME-Version: 1.0\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n\
Content-Disposition: attachment; filename=\"winmail.dat\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64_lines(&winmail)
        );
        let mail = parse(raw.as_bytes());
        assert_eq!(mail.text.trim_end(), "Printer di lantai 3 macet lagi.");
        let names: Vec<&str> = mail.attachments.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "winmail.dat",
                "FOTO.JPG",
                "Laporan Kerusakan — Lantai 3.pdf"
            ]
        );
        assert_eq!(mail.attachments[1].content_type, "image/jpeg");
        let passed_on: Vec<bool> = mail
            .attachments
            .iter()
            .map(Attachment::is_passed_on)
            .collect();
        assert_eq!(
            passed_on,
            [false, true, true],
            "agents get the files, not the package"
        );
        let files = crate::mail::files::attachments(raw.as_bytes());
        assert_eq!(files[2].bytes, b"%PDF-1.4 laporan");
        assert_eq!(files[0].bytes, winmail, "the original is kept");
    }

    #[test]
    fn a_file_inside_a_winmail_dat_over_the_file_limit_is_refused_alone() {
        let winmail = crate::mail::tnef::tests::outlook_winmail();
        let raw = format!(
            "From: Siti <siti@example.co.id>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHalo\r\n\
--b\r\nContent-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64_lines(&winmail)
        );
        let limits = Limits {
            max_attachment_size: 12,
            ..Limits::default()
        };
        let mail = parse_within(raw.as_bytes(), &limits);
        let refused: Vec<(&str, Refusal)> = mail
            .refused
            .iter()
            .map(|f| (f.name.as_str(), f.refusal))
            .collect();
        // The winmail.dat itself is larger still; FOTO.JPG (9 bytes) fits.
        assert_eq!(
            refused,
            [
                ("attachment", Refusal::FileSize(12)),
                ("Laporan Kerusakan — Lantai 3.pdf", Refusal::FileSize(12))
            ]
        );
        assert_eq!(mail.attachments.len(), 1);
        assert_eq!(mail.attachments[0].name, "FOTO.JPG");
    }

    fn base64_lines(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    #[test]
    fn pictures_only_in_the_quoted_history_or_a_signature_are_told_apart() {
        let picture = |cid: &str, name: &str| {
            format!(
                "--r\r\nContent-Type: image/png; name=\"{name}\"\r\nContent-ID: <{cid}>\r\n\
Content-Disposition: inline; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
iVBORw0KGgo=\r\n"
            )
        };
        let html = "<div dir=\"ltr\">Halo, ini tangkapan layarnya:<br><img src=\"cid:shot@x\"><br>\
<div class=\"gmail_signature\">Budi<br><img src=\"cid:LOGO@x\"></div></div>\
<div class=\"gmail_quote\">On Mon, Support wrote:<blockquote class=\"gmail_quote\">\
<img src=\"cid:old@x\">Tiket lama</blockquote></div>";
        let raw = format!(
            "From: Budi <budi@example.id>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/related; boundary=r\r\n\r\n\
--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n{}{}{}{}--r--\r\n",
            picture("shot@x", "shot.png"),
            picture("logo@x", "logo.png"),
            picture("old@x", "old.png"),
            picture("unused@x", "unused.png"),
        );
        let mail = parse(raw.as_bytes());
        let outside: Vec<(&str, bool)> = mail
            .attachments
            .iter()
            .map(|f| (f.name.as_str(), f.outside_new_text))
            .collect();
        assert_eq!(
            outside,
            [
                ("shot.png", false),
                ("logo.png", true),
                ("old.png", true),
                ("unused.png", false)
            ]
        );
        assert!(mail.attachments.iter().all(|f| f.inline));
        assert!(!mail.text.contains('\u{fffc}'), "{}", mail.text);
    }
}
