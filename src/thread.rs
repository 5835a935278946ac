//! Which ticket a message belongs to: subject tag → In-Reply-To → References → new.
//!
//! Pure: it reads the store only through `ThreadLookup`. A tag is easy to guess, so a
//! person's mail is added to a ticket only when its sender takes part in that ticket, or
//! is a colleague of its requester (same organisation's domain, never a free-mail one);
//! otherwise it opens a new ticket linked to the old one.

use crate::mail::{Class, Mail};
use crate::types::{EmailAddress, MessageId, TicketId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a message landed where it did, recorded with every stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The subject carried the ticket's tag.
    Tag,
    /// In-Reply-To named a message of the ticket.
    InReplyTo,
    /// References (or a bounce's report) named a message of the ticket.
    References,
    /// Nothing matched: a new ticket.
    New,
    /// It matched a ticket whose participants do not include the sender: a new, linked ticket.
    NewNotParticipant,
    /// Loket wrote it.
    Outbound,
}

impl fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            MatchedBy::Tag => "tag",
            MatchedBy::InReplyTo => "in-reply-to",
            MatchedBy::References => "references",
            MatchedBy::New => "new",
            MatchedBy::NewNotParticipant => "new-not-participant",
            MatchedBy::Outbound => "outbound",
        };
        f.write_str(text)
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Into an existing ticket.
    Existing {
        /// The ticket.
        ticket: TicketId,
        /// How it was found.
        matched_by: MatchedBy,
    },
    /// Into a new ticket, possibly linked to the one it tried to join.
    New {
        /// The ticket it referred to but may not join.
        linked_to: Option<TicketId>,
        /// `New` or `NewNotParticipant`.
        matched_by: MatchedBy,
    },
}

/// What threading needs to know from the store.
pub trait ThreadLookup {
    /// Why a lookup failed (the store could not be read).
    type Error;
    /// The participants of a ticket, or `None` when there is no such ticket.
    fn participants(&self, ticket: TicketId) -> Result<Option<Vec<EmailAddress>>, Self::Error>;
    /// The ticket a stored message belongs to.
    fn ticket_of(&self, message: &MessageId) -> Result<Option<TicketId>, Self::Error>;
    /// The address of a ticket's requester.
    fn requester(&self, ticket: TicketId) -> Result<Option<EmailAddress>, Self::Error>;
}

/// Mail domains anyone can have an address at: sharing one says nothing about working
/// together.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.id",
    "ymail.com",
    "rocketmail.com",
    "outlook.com",
    "outlook.co.id",
    "hotmail.com",
    "hotmail.co.id",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.net",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "126.com",
];

/// Whether two addresses are at the same organisation: one domain, not a free-mail one.
pub fn are_colleagues(a: &EmailAddress, b: &EmailAddress) -> bool {
    let domain = a.domain();
    !domain.is_empty() && domain.eq_ignore_ascii_case(b.domain()) && !is_free_mail(domain)
}

/// Whether anyone can have an address at `domain` (gmail.com), so that it names no
/// organisation.
pub fn is_free_mail(domain: &str) -> bool {
    FREE_MAIL
        .iter()
        .any(|free| free.eq_ignore_ascii_case(domain))
}

/// Decides where a message goes. `tags` are the desks' subject tag prefixes.
/// `is_staff` says whether an address is an agent's: agents may write to any ticket
/// (whether their mail is trusted is decided later, by the engine).
pub fn resolve<L: ThreadLookup>(
    mail: &Mail,
    class: &Class,
    tags: &[&str],
    lookup: &L,
    is_staff: &dyn Fn(&EmailAddress) -> bool,
) -> Result<Placement, L::Error> {
    let Some((ticket, matched_by)) = find_candidate(mail, class, tags, lookup)? else {
        return Ok(Placement::New {
            linked_to: None,
            matched_by: MatchedBy::New,
        });
    };
    let staff = mail.from.as_ref().is_some_and(|c| is_staff(&c.address));
    Ok(
        if staff || may_join(mail, class, matched_by, ticket, lookup)? {
            Placement::Existing { ticket, matched_by }
        } else {
            Placement::New {
                linked_to: Some(ticket),
                matched_by: MatchedBy::NewNotParticipant,
            }
        },
    )
}

fn find_candidate<L: ThreadLookup>(
    mail: &Mail,
    class: &Class,
    tags: &[&str],
    lookup: &L,
) -> Result<Option<(TicketId, MatchedBy)>, L::Error> {
    if let Some(id) = tagged_ticket(mail, tags, lookup)? {
        return Ok(Some((id, MatchedBy::Tag)));
    }
    for (id, how) in referred_ids(mail, class) {
        if let Some(ticket) = lookup.ticket_of(id)? {
            return Ok(Some((ticket, how)));
        }
    }
    Ok(None)
}

/// The Message-IDs a mail refers to, in the order threading tries them: In-Reply-To,
/// then References, then (for a bounce) the ids it reports, each list newest first (the
/// newest is the likeliest to be known). The first one known decides.
pub fn referred_ids<'m>(
    mail: &'m Mail,
    class: &'m Class,
) -> impl Iterator<Item = (&'m MessageId, MatchedBy)> + 'm {
    let reported: &[MessageId] = match class {
        Class::Bounce(_) => &mail.automation.reported_message_ids,
        _ => &[],
    };
    let in_reply_to = mail
        .in_reply_to
        .iter()
        .rev()
        .map(|id| (id, MatchedBy::InReplyTo));
    let references = mail
        .references
        .iter()
        .rev()
        .map(|id| (id, MatchedBy::References));
    let reported = reported.iter().rev().map(|id| (id, MatchedBy::References));
    in_reply_to.chain(references).chain(reported)
}

/// Of the existing tickets tagged in the subject, the first the sender takes part in,
/// else the first one (an old tag left in a subject must not hide the right one).
fn tagged_ticket<L: ThreadLookup>(
    mail: &Mail,
    tags: &[&str],
    lookup: &L,
) -> Result<Option<TicketId>, L::Error> {
    let sender = mail.from.as_ref().map(|c| &c.address);
    let mut first = None;
    for id in find_tags(&mail.subject, tags) {
        let Some(people) = lookup.participants(id)? else {
            continue;
        };
        if sender.is_some_and(|s| people.contains(s)) {
            return Ok(Some(id));
        }
        first = first.or(Some(id));
    }
    Ok(first)
}

/// A person may join a ticket as one of its participants, or as a colleague of its
/// requester answering in its thread (by tag or In-Reply-To). Automatic mail found by its
/// headers (an out-of-office, a bounce) is filed with the ticket it answers: it carries
/// no authority and is never answered. A tag alone, though, is a guess anyone can make.
fn may_join<L: ThreadLookup>(
    mail: &Mail,
    class: &Class,
    matched_by: MatchedBy,
    ticket: TicketId,
    lookup: &L,
) -> Result<bool, L::Error> {
    if !class.is_person() && matched_by != MatchedBy::Tag {
        return Ok(true);
    }
    let Some(sender) = mail.from.as_ref().map(|c| &c.address) else {
        return Ok(false);
    };
    if lookup
        .participants(ticket)?
        .is_some_and(|people| people.contains(sender))
    {
        return Ok(true);
    }
    let in_thread = matches!(matched_by, MatchedBy::Tag | MatchedBy::InReplyTo);
    Ok(in_thread
        && lookup
            .requester(ticket)?
            .is_some_and(|requester| are_colleagues(sender, &requester)))
}

/// Every ticket number tagged in a subject, in order: `[HD #42]`, `[hd#42]`, `[ #42 ]`.
pub fn find_tags(subject: &str, prefixes: &[&str]) -> Vec<TicketId> {
    let mut found = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        if let Some(id) = parse_tag(&after[..close], prefixes) {
            found.push(id);
        }
        rest = &after[close..];
    }
    found
}

/// Reads the inside of one bracket pair: optional known prefix, `#`, digits.
fn parse_tag(inside: &str, prefixes: &[&str]) -> Option<TicketId> {
    let (prefix, number) = inside.split_once('#')?;
    let prefix = prefix.trim();
    let known = prefix.is_empty() || prefixes.iter().any(|p| p.eq_ignore_ascii_case(prefix));
    let number = number.trim();
    let digits =
        !number.is_empty() && number.len() <= 18 && number.bytes().all(|b| b.is_ascii_digit());
    (known && digits).then(|| TicketId(number.parse().expect("checked digits")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Fake {
        tickets: HashMap<u64, Vec<&'static str>>,
        messages: HashMap<&'static str, u64>,
    }

    impl ThreadLookup for Fake {
        type Error = std::convert::Infallible;
        fn participants(&self, ticket: TicketId) -> Result<Option<Vec<EmailAddress>>, Self::Error> {
            let people = self.tickets.get(&ticket.0);
            Ok(people.map(|p| p.iter().filter_map(|p| EmailAddress::parse(p)).collect()))
        }
        fn ticket_of(&self, message: &MessageId) -> Result<Option<TicketId>, Self::Error> {
            Ok(self.messages.get(message.as_str()).map(|t| TicketId(*t)))
        }
        fn requester(&self, ticket: TicketId) -> Result<Option<EmailAddress>, Self::Error> {
            let people = self.tickets.get(&ticket.0);
            Ok(people
                .and_then(|p| p.first())
                .and_then(|p| EmailAddress::parse(p)))
        }
    }

    fn world() -> Fake {
        let mut fake = Fake::default();
        fake.tickets.insert(7, vec!["budi@example.id"]);
        fake.tickets.insert(8, vec!["sari@example.id"]);
        fake.tickets.insert(9, vec!["rudi@gmail.com"]);
        fake.messages.insert("first@example.id", 7);
        fake.messages.insert("ack7@loket", 7);
        fake.messages.insert("first@sari", 8);
        fake
    }

    fn place(headers: &str) -> Placement {
        let raw = format!("{headers}\r\n\r\nbody\r\n");
        let mail = parse(raw.as_bytes());
        let class = crate::mail::classify(&mail, |_| false);
        resolve(&mail, &class, &["HD"], &world(), &|a| {
            a.as_str() == "andi@example.com"
        })
        .expect("infallible")
    }

    fn existing(ticket: u64, matched_by: MatchedBy) -> Placement {
        Placement::Existing {
            ticket: TicketId(ticket),
            matched_by,
        }
    }

    #[test]
    fn tag_in_subject_wins() {
        let p = place(
            "From: budi@example.id\r\nSubject: Re: printer [HD #7]\r\nIn-Reply-To: <first@sari>",
        );
        assert_eq!(p, existing(7, MatchedBy::Tag));
    }

    #[test]
    fn tag_is_tolerant_of_case_spacing_and_missing_prefix() {
        assert_eq!(find_tags("Re: x [hd#7]", &["HD"]), vec![TicketId(7)]);
        assert_eq!(find_tags("[ HD # 7 ] x", &["HD"]), vec![TicketId(7)]);
        assert_eq!(find_tags("[#7]", &["HD"]), vec![TicketId(7)]);
        assert_eq!(find_tags("[XX #7] [HD #x] [HD 7]", &["HD"]), vec![]);
    }

    #[test]
    fn the_senders_own_tag_wins_over_a_strangers_tag() {
        let p = place("From: sari@example.id\r\nSubject: Re: [HD #7] x [HD #8]");
        assert_eq!(p, existing(8, MatchedBy::Tag));
    }

    #[test]
    fn an_agent_joins_any_ticket_by_its_tag() {
        let p = place("From: andi@example.com\r\nSubject: Re: [HD #7] printer");
        assert_eq!(p, existing(7, MatchedBy::Tag));
    }

    #[test]
    fn unknown_tagged_ticket_falls_through_to_headers() {
        let p =
            place("From: budi@example.id\r\nSubject: [HD #999]\r\nIn-Reply-To: <first@example.id>");
        assert_eq!(p, existing(7, MatchedBy::InReplyTo));
    }

    #[test]
    fn in_reply_to_then_references() {
        let p = place("From: budi@example.id\r\nSubject: Re: x\r\nIn-Reply-To: <ack7@loket>");
        assert_eq!(p, existing(7, MatchedBy::InReplyTo));
        let p = place(
            "From: budi@example.id\r\nSubject: Re: x\r\nReferences: <other@x> <first@example.id>",
        );
        assert_eq!(p, existing(7, MatchedBy::References));
    }

    #[test]
    fn nothing_matching_opens_a_new_ticket() {
        let p = place("From: budi@example.id\r\nSubject: Hello\r\nIn-Reply-To: <unknown@x>");
        assert_eq!(
            p,
            Placement::New {
                linked_to: None,
                matched_by: MatchedBy::New
            }
        );
    }

    #[test]
    fn stranger_with_a_guessed_tag_gets_a_linked_new_ticket() {
        let p = place("From: mallory@evil.example\r\nSubject: [HD #7] give me the data");
        let expected = Placement::New {
            linked_to: Some(TicketId(7)),
            matched_by: MatchedBy::NewNotParticipant,
        };
        assert_eq!(p, expected);
    }

    #[test]
    fn a_colleague_of_the_requester_joins_by_tag_or_reply() {
        let by_tag = place("From: sari@example.id\r\nSubject: Re: [HD #7] printer");
        assert_eq!(by_tag, existing(7, MatchedBy::Tag));
        let by_reply = place(
            "From: Dewi <dewi@example.id>\r\nSubject: Re: x\r\nIn-Reply-To: <first@example.id>",
        );
        assert_eq!(by_reply, existing(7, MatchedBy::InReplyTo));
        // Only References, an old thread somewhere below: not enough.
        let by_references =
            place("From: dewi@example.id\r\nSubject: x\r\nReferences: <first@example.id>");
        assert!(matches!(by_references, Placement::New { .. }));
    }

    #[test]
    fn a_free_mail_domain_or_another_domain_makes_nobody_a_colleague() {
        let free = place("From: andre@gmail.com\r\nSubject: Re: [HD #9] laptop");
        assert_eq!(
            free,
            Placement::New {
                linked_to: Some(TicketId(9)),
                matched_by: MatchedBy::NewNotParticipant,
            }
        );
        let sub = place("From: x@mail.example.id\r\nSubject: Re: [HD #7] printer");
        assert!(
            matches!(sub, Placement::New { .. }),
            "a subdomain is another domain"
        );
    }

    #[test]
    fn stranger_with_a_message_id_is_not_let_in_either() {
        let p = place(
            "From: mallory@evil.example\r\nSubject: Re: x\r\nIn-Reply-To: <first@example.id>",
        );
        assert!(matches!(
            p,
            Placement::New {
                linked_to: Some(TicketId(7)),
                ..
            }
        ));
    }

    #[test]
    fn out_of_office_reply_to_our_ack_joins_the_ticket() {
        let p = place("From: robot@elsewhere.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\nIn-Reply-To: <ack7@loket>");
        assert_eq!(p, existing(7, MatchedBy::InReplyTo));
    }

    #[test]
    fn automatic_mail_with_only_a_tag_does_not_join_a_strangers_ticket() {
        let p = place(
            "From: robot@elsewhere.example\r\nAuto-Submitted: auto-replied\r\nSubject: [HD #7]",
        );
        assert!(matches!(
            p,
            Placement::New {
                linked_to: Some(TicketId(7)),
                ..
            }
        ));
    }
}
