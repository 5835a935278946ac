//! Who sent a message, as far as loops are concerned: a person, an automatic system, or a bounce.
//!
//! Decided from headers only (RFC 3834 section 5, RFC 3464), with the header that decided
//! kept for the log, so a misjudged mail can be explained.

use super::parse::Mail;
use crate::types::EmailAddress;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of sender wrote the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "class", content = "reason", rename_all = "kebab-case")]
pub enum Class {
    /// A person (customer or agent) wrote it.
    Person,
    /// A machine wrote it (auto-reply, list, notification); never answered automatically.
    Automatic(String),
    /// A delivery status notification about a mail that could not be delivered.
    Bounce(String),
}

impl Class {
    /// Whether Loket may answer this message automatically.
    pub fn is_person(&self) -> bool {
        matches!(self, Class::Person)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Person => f.write_str("person"),
            Class::Automatic(why) => write!(f, "automatic ({why})"),
            Class::Bounce(why) => write!(f, "bounce ({why})"),
        }
    }
}

/// Classifies a message; `is_own` says whether an address belongs to a Loket desk.
pub fn classify(mail: &Mail, is_own: impl Fn(&EmailAddress) -> bool) -> Class {
    if let Some(reason) = bounce_reason(mail) {
        return Class::Bounce(reason);
    }
    automatic_reason(mail, is_own).map_or(Class::Person, Class::Automatic)
}

fn bounce_reason(mail: &Mail) -> Option<String> {
    let headers = &mail.automation;
    if headers.report_type.as_deref() == Some("delivery-status") {
        return Some("multipart/report; report-type=delivery-status".into());
    }
    let from_daemon = mail.from.as_ref().is_some_and(|c| is_daemon(&c.address));
    let null_path = headers.return_path.as_deref() == Some("");
    (from_daemon && null_path).then(|| "From: mailer daemon with Return-Path: <>".into())
}

fn automatic_reason(mail: &Mail, is_own: impl Fn(&EmailAddress) -> bool) -> Option<String> {
    let headers = &mail.automation;
    if let Some(value) = headers.auto_submitted.as_deref().filter(|v| !is_no(v)) {
        return Some(format!("Auto-Submitted: {value}"));
    }
    if let Some(value) = headers.precedence.as_deref().filter(|v| is_bulk(v)) {
        return Some(format!("Precedence: {value}"));
    }
    if headers.list_id {
        return Some("List-Id header".into());
    }
    if let Some(path) = headers.return_path.as_deref() {
        if path.is_empty() {
            return Some("Return-Path: <>".into());
        }
        if EmailAddress::parse(path).is_some_and(|a| is_daemon(&a)) {
            return Some(format!("Return-Path: {path}"));
        }
    }
    if let Some(marker) = &headers.autoreply_marker {
        return Some(format!("{marker} header"));
    }
    match &mail.from {
        Some(from) if is_daemon(&from.address) => Some(format!("From: {}", from.address)),
        Some(from) if is_own(&from.address) => {
            Some("From: one of Loket's own desk addresses".into())
        }
        _ => None,
    }
}

/// `Auto-Submitted: no` (possibly with comments) marks a person's mail.
fn is_no(value: &str) -> bool {
    value.split(['(', ';']).next().unwrap_or("").trim() == "no"
}

fn is_bulk(value: &str) -> bool {
    matches!(value, "bulk" | "list" | "junk")
}

fn is_daemon(address: &EmailAddress) -> bool {
    let local = address.local_part();
    local.eq_ignore_ascii_case("mailer-daemon")
        || local.eq_ignore_ascii_case("postmaster")
        || local.starts_with("noreply")
        || local.starts_with("no-reply")
        || local.starts_with("do-not-reply")
        || local.starts_with("donotreply")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse::parse;

    fn class_of(headers: &str) -> Class {
        let raw = format!("From: Budi <budi@example.id>\r\nSubject: s\r\n{headers}\r\nbody\r\n");
        let desk = EmailAddress::parse("support@example.com").expect("valid");
        classify(&parse(raw.as_bytes()), |a| a == &desk)
    }

    #[test]
    fn plain_mail_is_a_person() {
        assert_eq!(class_of(""), Class::Person);
        assert_eq!(class_of("Auto-Submitted: no\r\n"), Class::Person);
        assert_eq!(class_of("Precedence: first-class\r\n"), Class::Person);
    }

    #[test]
    fn rfc3834_markers_are_automatic() {
        for header in [
            "Auto-Submitted: auto-replied\r\n",
            "Auto-Submitted: auto-generated\r\n",
            "Precedence: bulk\r\n",
            "Precedence: junk\r\n",
            "Precedence: list\r\n",
            "List-Id: <news.example.id>\r\n",
            "Return-Path: <>\r\n",
            "Return-Path: <MAILER-DAEMON@mx.example.id>\r\n",
            "X-Autoreply: yes\r\n",
        ] {
            assert!(
                matches!(class_of(header), Class::Automatic(_)),
                "{header:?}"
            );
        }
    }

    #[test]
    fn own_desk_address_is_automatic() {
        let raw = b"From: support@example.com\r\nSubject: s\r\n\r\nx\r\n";
        let desk = EmailAddress::parse("support@example.com").expect("valid");
        assert!(matches!(
            classify(&parse(raw), |a| a == &desk),
            Class::Automatic(_)
        ));
    }

    #[test]
    fn delivery_report_is_a_bounce() {
        let raw = b"From: MAILER-DAEMON@mx.example.com\r\nReturn-Path: <>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@example.com>\r\n--b--\r\n";
        let mail = parse(raw);
        assert!(matches!(classify(&mail, |_| false), Class::Bounce(_)));
        assert_eq!(
            mail.automation.reported_message_ids[0].as_str(),
            "orig@example.com"
        );
    }
}
