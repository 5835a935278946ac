//! Where an arrived mail goes and who wrote it: the rules the worker applies before the
//! engine's step, as pure functions of the mail, the snapshot, the policy and `now`.
//!
//! The worker asks `wanted` what to load, loads it into a `Snapshot`, then calls `place`
//! and `author`; none of them reads the store.

use super::commands::{self, Command};
use super::event::{AgentMail, Author, Directory};
use super::outgoing;
use super::snapshot::Snapshot;
use super::ticket::{Status, Ticket};
use super::trust;
use crate::config::Policy;
use crate::mail::{Class, Mail};
use crate::thread::{self, MatchedBy, Placement};
use crate::types::{DeskId, EmailAddress, Language, MessageId, TicketId, Timestamp};

/// How many `merged_into` links are followed from a ticket to the one that took it in.
pub const MAX_MERGE_HOPS: usize = 8;

/// What the worker must load before deciding about a mail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Message-IDs whose stored copies matter: the mail's own (duplicates), then those it
    /// refers to in the order threading tries them. Only the first known of those counts,
    /// so loading stops there.
    pub message_ids: Vec<MessageId>,
    /// Tickets named in the subject's tags or by `#merge` commands; each is loaded with
    /// its merge chain, as is the ticket the first known message id belongs to.
    pub tickets: Vec<TicketId>,
    /// Addresses whose auto-reply ledger and customer record matter.
    pub addresses: Vec<EmailAddress>,
}

/// What a decision about `mail` needs from the store.
pub fn wanted(mail: &Mail, class: &Class, policy: &Policy) -> Wanted {
    let mut message_ids = vec![mail.message_id.clone()];
    for (id, _) in thread::referred_ids(mail, class) {
        if !message_ids.contains(id) {
            message_ids.push(id.clone());
        }
    }
    let mut tickets = thread::find_tags(&mail.subject, &policy.tag_prefixes());
    tickets.extend(merge_targets(mail, policy));
    Wanted {
        message_ids,
        tickets,
        addresses: mail.from.iter().map(|c| c.address.clone()).collect(),
    }
}

/// Tickets an agent's mail wants to `#merge` into (checked by the engine, loaded first).
fn merge_targets(mail: &Mail, policy: &Policy) -> Vec<TicketId> {
    let from = mail.from.as_ref().map(|c| &c.address);
    if from.is_none_or(|a| policy.agent_by_address(a).is_none()) {
        return Vec::new();
    }
    let Ok(reading) = commands::read(&mail.subject, &mail.new_text, policy) else {
        return Vec::new();
    };
    reading
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Merge(target) => Some(*target),
            _ => None,
        })
        .collect()
}

/// Same Message-ID and same content: the same message delivered again. A different
/// message that reuses a known Message-ID is stored like any other.
pub fn is_duplicate(mail: &Mail, snapshot: &Snapshot) -> bool {
    snapshot
        .messages
        .get(&mail.message_id)
        .is_some_and(|known| known.iter().any(|m| m.fingerprint == mail.fingerprint))
}

/// Where a mail goes: the ticket it continues (after merges) or a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The ticket as it is before the mail (a new one is freshly opened).
    pub ticket: Ticket,
    /// How threading found it.
    pub matched_by: MatchedBy,
    /// Whether the mail opens it.
    pub is_new: bool,
}

/// Threads a mail onto a ticket of the snapshot, or opens a new one at `desk` (the desk of
/// the mailbox it came in at, else the one it was addressed to).
pub fn place(
    mail: &Mail,
    class: &Class,
    desk: Option<DeskId>,
    snapshot: &Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> Placed {
    let is_staff = |a: &EmailAddress| policy.agent_by_address(a).is_some();
    let placement = match thread::resolve(mail, class, &policy.tag_prefixes(), snapshot, &is_staff)
    {
        Ok(placement) => placement,
        Err(never) => match never {},
    };
    let placement = past_reopen_window(mail, placement, snapshot, policy, now);
    let (linked_to, matched_by) = match placement {
        Placement::Existing { ticket, matched_by } => match follow_merges(ticket, snapshot) {
            Some(found) => {
                return Placed {
                    ticket: found.clone(),
                    matched_by,
                    is_new: false,
                }
            }
            None => (None, MatchedBy::New),
        },
        Placement::New {
            linked_to,
            matched_by,
        } => (linked_to, matched_by),
    };
    let desk = desk.unwrap_or_else(|| desk_for(mail, policy));
    let mut ticket = Ticket::open(snapshot.next_ticket, desk, mail, linked_to, now);
    if ticket.subject.trim().is_empty() {
        let language = policy.desk(&ticket.desk).map(|d| d.language);
        ticket.subject = outgoing::no_subject(language.unwrap_or(Language::En)).to_string();
    }
    Placed {
        ticket,
        matched_by,
        is_new: true,
    }
}

/// A customer writing long after their ticket was resolved starts a new one, linked.
pub fn past_reopen_window(
    mail: &Mail,
    placement: Placement,
    snapshot: &Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> Placement {
    let Placement::Existing { ticket, .. } = placement else {
        return placement;
    };
    let sender = mail.from.as_ref().map(|c| &c.address);
    if sender.is_some_and(|a| policy.agent_by_address(a).is_some()) {
        return placement;
    }
    let Some(found) = snapshot.tickets.get(&ticket) else {
        return placement;
    };
    let window = policy
        .desk(&found.desk)
        .map_or(0, |d| d.reopen_within.as_secs() as i64);
    let expired = matches!(found.status, Status::Resolved | Status::Closed)
        && found.resolved_at.is_some_and(|at| now.0 - at.0 > window);
    if expired {
        Placement::New {
            linked_to: Some(ticket),
            matched_by: MatchedBy::New,
        }
    } else {
        placement
    }
}

/// A ticket, or the one it was merged into (a few hops at most).
pub fn follow_merges(id: TicketId, snapshot: &Snapshot) -> Option<&Ticket> {
    let mut ticket = snapshot.tickets.get(&id);
    for _ in 0..MAX_MERGE_HOPS {
        match ticket.and_then(|t| t.merged_into) {
            Some(into) => ticket = snapshot.tickets.get(&into).or(ticket),
            None => break,
        }
    }
    ticket
}

/// The desk a new mail was addressed to, else the default desk.
pub fn desk_for(mail: &Mail, policy: &Policy) -> DeskId {
    let recipients = mail.to.iter().chain(&mail.cc);
    let desk = recipients
        .filter_map(|c| policy.desk_by_address(&c.address))
        .next();
    desk.unwrap_or_else(|| policy.default_desk()).id.clone()
}

/// Who wrote a mail on a ticket: the customer's side for a mail that opens it; else an
/// agent (by From:, with how that is verified), a specialist, or the customer's side.
pub fn author<'p>(
    mail: &Mail,
    placed: &Placed,
    policy: &'p Policy,
    tickets: Directory<'p>,
) -> Author<'p> {
    if placed.is_new {
        return Author::Customer;
    }
    let ticket = &placed.ticket;
    let from = mail.from.as_ref().map(|c| &c.address);
    if from.is_some_and(|a| ticket.specialists.contains(a)) {
        return Author::Specialist;
    }
    let Some((agent, address)) = from.and_then(|a| Some((policy.agent_by_address(a)?, a))) else {
        return Author::Customer;
    };
    let desk = policy
        .desk(&ticket.desk)
        .unwrap_or_else(|| policy.default_desk());
    let security = &policy.security;
    let verification = trust::verify(
        mail,
        &desk.address,
        ticket.id,
        &agent.id,
        address,
        &security.reply_key,
        &security.trusted_authserv_ids,
    );
    let comment = desk.comment_address.as_ref();
    let to_comment_address = mail
        .to
        .iter()
        .chain(&mail.cc)
        .any(|c| Some(&c.address) == comment);
    Author::Agent(AgentMail {
        agent,
        verification,
        to_comment_address,
        tickets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::policy::test_policy;
    use crate::engine::test_kit as kit;
    use crate::engine::trust::Verification;
    use crate::engine::KnownMessage;
    use crate::mail::parse;

    const NOW: Timestamp = Timestamp(1_790_000_000);
    const DAY: i64 = 86_400;

    fn mail(from: &str, subject: &str, extra: &str) -> Mail {
        parse(format!("From: {from}\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <x1@example.id>\r\n{extra}\r\nIt broke again.\r\n").as_bytes())
    }

    /// Budi's ticket 1, resolved `days` ago, in a snapshot.
    fn resolved_days_ago(days: i64) -> Snapshot {
        let mut ticket = kit::ticket(1);
        ticket.status = Status::Resolved;
        ticket.resolved_at = Some(Timestamp(NOW.0 - days * DAY));
        let mut snapshot = Snapshot {
            next_ticket: TicketId(2),
            ..Snapshot::default()
        };
        snapshot.tickets.insert(ticket.id, ticket);
        snapshot
    }

    #[test]
    fn a_mail_without_subject_opens_a_ticket_named_in_the_desk_language() {
        let policy = test_policy();
        let placed = place(
            &mail("budi@example.id", "  ", ""),
            &Class::Person,
            None,
            &Snapshot::default(),
            &policy,
            NOW,
        );
        assert_eq!(placed.ticket.subject, "(tanpa subjek)");
        assert_eq!(outgoing::no_subject(Language::En), "(no subject)");
    }

    #[test]
    fn a_customer_past_the_reopen_window_opens_a_new_linked_ticket() {
        let policy = test_policy();
        let late = mail("budi@example.id", "Re: Printer [HD #1]", "");
        let placed = place(
            &late,
            &Class::Person,
            None,
            &resolved_days_ago(30),
            &policy,
            NOW,
        );
        assert!(placed.is_new, "14 days have long passed");
        assert_eq!(
            (placed.ticket.id, placed.ticket.linked_to),
            (TicketId(2), Some(TicketId(1)))
        );
        assert_eq!(placed.matched_by, MatchedBy::New);
        let soon = place(
            &late,
            &Class::Person,
            None,
            &resolved_days_ago(3),
            &policy,
            NOW,
        );
        assert_eq!(
            (soon.ticket.id, soon.is_new),
            (TicketId(1), false),
            "within the window"
        );
        let agent = mail("andi@example.com", "Re: Printer [HD #1]", "");
        let by_agent = place(
            &agent,
            &Class::Person,
            None,
            &resolved_days_ago(30),
            &policy,
            NOW,
        );
        assert!(!by_agent.is_new, "an agent may always write to a ticket");
    }

    #[test]
    fn a_reply_follows_merges_to_the_ticket_that_took_its_ticket_in() {
        let policy = test_policy();
        let mut snapshot = Snapshot::default();
        for (id, into) in [(1, Some(2)), (2, Some(3)), (3, None)] {
            let mut ticket = kit::ticket(id);
            ticket.merged_into = into.map(TicketId);
            snapshot.tickets.insert(ticket.id, ticket);
        }
        assert_eq!(
            follow_merges(TicketId(1), &snapshot).map(|t| t.id),
            Some(TicketId(3))
        );
        // A link to a ticket that was not loaded stops at the last one known.
        snapshot.tickets.remove(&TicketId(3));
        assert_eq!(
            follow_merges(TicketId(1), &snapshot).map(|t| t.id),
            Some(TicketId(2))
        );
        let reply = mail("budi@example.id", "Re: Printer [HD #1]", "");
        let placed = place(&reply, &Class::Person, None, &snapshot, &policy, NOW);
        assert_eq!(
            (placed.ticket.id, placed.matched_by),
            (TicketId(2), MatchedBy::Tag)
        );
    }

    #[test]
    fn the_author_is_the_customer_an_agent_with_proof_or_a_specialist() {
        let policy = test_policy();
        let mut snapshot = resolved_days_ago(1);
        let ticket = snapshot.tickets.get_mut(&TicketId(1)).expect("ticket 1");
        ticket.specialists = vec![EmailAddress::parse("tech@vendor.example").expect("valid")];
        let existing = Placed {
            ticket: ticket.clone(),
            matched_by: MatchedBy::Tag,
            is_new: false,
        };
        let who = |from: &str, to: &str| {
            let mail = parse(
                format!("From: {from}\r\nTo: {to}\r\nSubject: Re: [HD #1]\r\n\r\nx\r\n").as_bytes(),
            );
            match author(&mail, &existing, &policy, Directory(&snapshot.tickets)) {
                Author::Customer => "customer".to_string(),
                Author::Specialist => "specialist".to_string(),
                Author::Agent(a) => format!(
                    "{} {:?} note={}",
                    a.agent.id, a.verification, a.to_comment_address
                ),
            }
        };
        assert_eq!(who("budi@example.id", "support@example.com"), "customer");
        assert_eq!(
            who("tech@vendor.example", "support@example.com"),
            "specialist"
        );
        assert_eq!(
            who("andi@example.com", "support-notes@example.com"),
            format!("andi {:?} note=true", Verification::Unverified),
            "From: alone proves nothing"
        );
        let opening = Placed {
            is_new: true,
            ..existing.clone()
        };
        let mail = parse(b"From: andi@example.com\r\nSubject: x\r\n\r\nx\r\n");
        let opener = author(&mail, &opening, &policy, Directory(&snapshot.tickets));
        assert!(
            matches!(opener, Author::Customer),
            "whoever opens a ticket is its customer"
        );
    }

    #[test]
    fn wanted_names_the_ids_tags_and_merge_targets_a_decision_reads() {
        let policy = test_policy();
        let reply = mail(
            "andi@example.com",
            "Re: [HD #4] and [HD #5]",
            "In-Reply-To: <a@x>\r\nReferences: <r@x> <a@x>\r\n\r\n#merge 9\r\n",
        );
        let wanted = wanted(&reply, &Class::Person, &policy);
        let ids: Vec<&str> = wanted.message_ids.iter().map(|m| m.as_str()).collect();
        assert_eq!(
            ids,
            ["x1@example.id", "a@x", "r@x"],
            "own, then as threading tries them, once each"
        );
        assert_eq!(wanted.tickets, [TicketId(4), TicketId(5), TicketId(9)]);
        let customer = mail("budi@example.id", "#merge 9", "\r\n#merge 9\r\n");
        assert!(
            wanted_no_merge(&customer, &policy),
            "a customer's #merge is text, not a command"
        );
    }

    fn wanted_no_merge(mail: &Mail, policy: &Policy) -> bool {
        !wanted(mail, &Class::Person, policy)
            .tickets
            .contains(&TicketId(9))
    }

    #[test]
    fn only_the_same_bytes_under_a_known_message_id_are_a_duplicate() {
        let mail = mail("budi@example.id", "Printer", "");
        let mut snapshot = Snapshot::default();
        assert!(!is_duplicate(&mail, &snapshot));
        let known = |fingerprint: &str| KnownMessage {
            ticket: TicketId(1),
            fingerprint: fingerprint.into(),
        };
        snapshot
            .messages
            .insert(mail.message_id.clone(), vec![known("other bytes")]);
        assert!(
            !is_duplicate(&mail, &snapshot),
            "a reused Message-ID is stored"
        );
        snapshot
            .messages
            .insert(mail.message_id.clone(), vec![known(&mail.fingerprint)]);
        assert!(is_duplicate(&mail, &snapshot));
    }
}
