//! Small value types shared by every module: ids, addresses, time, priority, language.
//!
//! Each type is checked once where it is made (parse at the edge), so the rest of
//! Loket can trust it without validating strings again.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A ticket's number, as customers see it in `[HD #42]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(pub u64);

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The name a desk has in the config (`[desk.support]` → `support`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeskId(pub String);

impl fmt::Display for DeskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An agent's name in the config (`[agent.andi]` → `andi`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgentId(pub String);

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A team's name in the config (`[team.it]` → `it`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TeamId(pub String);

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A support level: 1 (front desk), 2 (senior and specialist teams), 3 (engineers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tier(pub u8);

impl Tier {
    /// Where every ticket starts: the front desk.
    pub const FIRST: Tier = Tier(1);
    /// The last tier: engineers, who may visit the customer.
    pub const LAST: Tier = Tier(3);
}

/// An RFC 5322 Message-ID without its angle brackets, e.g. `abc@example.com`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    /// Reads a Message-ID as it appears in a header; `None` when nothing usable is left.
    pub fn parse(text: &str) -> Option<MessageId> {
        let inner = text
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let clean: String = inner
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .take(250)
            .collect();
        (!clean.is_empty()).then_some(MessageId(clean))
    }

    /// The id as stored and shown: no angle brackets.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as written in a header: `<id>`.
    pub fn bracketed(&self) -> String {
        format!("<{}>", self.0)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mail address, lowercased, with exactly one `@` and no spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks and normalises an address; `None` when it is not a plausible `local@domain`.
    pub fn parse(text: &str) -> Option<EmailAddress> {
        let text = text.trim().to_lowercase();
        let (local, domain) = text.rsplit_once('@')?;
        let plausible = text.len() <= 254
            && dotted(local, |c| {
                c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
            })
            && dotted(domain, |c| c.is_alphanumeric() || c == '-')
            && domain
                .split('.')
                .all(|label| !label.starts_with('-') && !label.ends_with('-'));
        plausible.then_some(EmailAddress(text))
    }

    /// The whole address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`, used as the customer's organisation.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }
}

/// Whether `text` is one or more non-empty runs of `allowed` characters joined by single
/// dots (RFC 5322's dot-atom, with the non-ASCII letters of RFC 6531).
fn dotted(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    text.split('.')
        .all(|run| !run.is_empty() && run.chars().all(&allowed))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person or system on a mail: an address and, when known, a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Display name, already cleaned of control characters.
    pub name: Option<String>,
    /// The address.
    pub address: EmailAddress,
}

/// As a header shows it: `Budi <budi@example.id>`, or the bare address.
impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => write!(f, "{}", self.address),
        }
    }
}

impl Contact {
    /// Reads `Name <address>` or a bare address, as written in the config.
    pub fn parse(text: &str) -> Option<Contact> {
        let text = text.trim();
        let Some((name, rest)) = text.split_once('<') else {
            return EmailAddress::parse(text).map(|address| Contact {
                name: None,
                address,
            });
        };
        let address = EmailAddress::parse(rest.strip_suffix('>')?)?;
        let name = name.trim().trim_matches('"').trim();
        let name =
            (!name.is_empty() && !name.chars().any(char::is_control)).then(|| name.to_string());
        Some(Contact { name, address })
    }
}

/// A point in time, in whole seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Reads the wall clock. Only the edges call this; the engine is given `now`.
    pub fn now() -> Timestamp {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since.as_secs() as i64)
    }

    /// The same instant as a `SystemTime`, for mail `Date:` headers.
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.max(0) as u64)
    }

    /// RFC 3339 text in UTC, as shown by the CLI and the JSON output.
    pub fn to_rfc3339(self) -> String {
        humantime::format_rfc3339_seconds(self.to_system_time()).to_string()
    }

    /// This instant minus a number of seconds.
    pub fn minus_secs(self, secs: i64) -> Timestamp {
        Timestamp(self.0 - secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_drops_brackets_and_control_characters() {
        let id = MessageId::parse(" <abc\r\n@x.y> ").expect("usable id");
        assert_eq!(id.as_str(), "abc@x.y");
        assert_eq!(id.bracketed(), "<abc@x.y>");
        assert_eq!(MessageId::parse("<>"), None);
    }

    #[test]
    fn address_is_lowercased_and_checked() {
        let address = EmailAddress::parse(" Budi@Example.CO.ID ").expect("valid");
        assert_eq!(address.as_str(), "budi@example.co.id");
        assert_eq!(address.domain(), "example.co.id");
        assert_eq!(EmailAddress::parse("no-at-sign"), None);
        assert_eq!(EmailAddress::parse("a b@example.com"), None);
        assert_eq!(EmailAddress::parse("a@b\r\nBcc: x@y"), None);
        for wrong in [
            "it@@example.com",
            "it@example..com",
            ".it@example.com",
            "it.@example.com",
            "it@-example.com",
            "it@example.com.",
            "it,ops@example.com",
            "@example.com",
            "it@",
        ] {
            assert_eq!(EmailAddress::parse(wrong), None, "{wrong}");
        }
        for right in [
            "o'brien+hd@example.com",
            "budi.santoso@mail.example.co.id",
            "siti@münchen.example",
            "support@localhost",
        ] {
            assert!(EmailAddress::parse(right).is_some(), "{right}");
        }
    }

    #[test]
    fn timestamp_prints_rfc3339_utc() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00Z");
    }
}

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Soon.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// Reads a priority word, in English or Indonesian.
    pub fn parse(word: &str) -> Option<Priority> {
        match word.to_lowercase().as_str() {
            "low" | "rendah" => Some(Priority::Low),
            "normal" | "biasa" => Some(Priority::Normal),
            "high" | "tinggi" => Some(Priority::High),
            "urgent" | "mendesak" => Some(Priority::Urgent),
            _ => None,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        };
        f.write_str(text)
    }
}

/// A language Loket ships templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English.
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Language {
    /// Every language, for error messages and template checks.
    pub const ALL: [Language; 2] = [Language::En, Language::Id];

    /// Reads the config's language code.
    pub fn parse(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The ISO 639-1 code used in the config and in template file names.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Id => "id",
        }
    }
}
