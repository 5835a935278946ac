//! Building the mails the engine sends: ids, subjects, senders, template text.

use super::{Effect, OutgoingKind, OutgoingMail, Step, Ticket};
use crate::config::policy::{Agent, Desk, Policy};
use crate::mail::sanitize;
use crate::templates::{MailVars, TemplateKind};
use crate::types::Language;
use crate::types::{Contact, MessageId, TicketId, Timestamp};
use crate::words;

/// The subject tag of a ticket at its desk: `[HD #42]`.
pub fn tag(desk: &Desk, ticket: &Ticket) -> String {
    format!("[{} #{}]", desk.tag, ticket.id)
}

/// Longest subject text Loket writes before the ticket's tag, in characters: mail
/// clients show about this much, and the tag must stay visible.
pub const MAX_SUBJECT_TEXT: usize = 150;

/// What a ticket whose first mail had no subject is called.
pub fn no_subject(language: Language) -> &'static str {
    match language {
        Language::En => "(no subject)",
        Language::Id => "(tanpa subjek)",
    }
}

/// `Re: <subject> [HD #42]`, without doubling `Re:` and without tags of other tickets; a
/// long subject is cut at a word, never the tag.
pub fn reply_subject(subject: &str, tag: &str, prefixes: &[&str]) -> String {
    let bare = strip_tags(&sanitize::subject(subject), prefixes);
    let bare = strip_reply_prefixes(&bare);
    if bare.is_empty() {
        return sanitize::subject(tag);
    }
    format!(
        "Re: {} {}",
        shortened(&bare, MAX_SUBJECT_TEXT),
        sanitize::subject(tag)
    )
}

/// `text` cut to at most `max` characters at a word boundary, with "…" when cut.
pub(super) fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => &cut,
    };
    format!("{}…", at_word.trim_end_matches([' ', ',', ';', ':', '-']))
}

fn strip_tags(subject: &str, prefixes: &[&str]) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        if crate::thread::find_tags(&rest[open..=close], prefixes).is_empty() {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_reply_prefixes(subject: &str) -> String {
    let mut text = subject.trim();
    loop {
        let lower = text.to_lowercase();
        let prefix = ["re:", "aw:", "fw:", "fwd:", "balas:"]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => text = text[p.len()..].trim_start(),
            None => return text.to_string(),
        }
    }
}

/// The desk a ticket belongs to (the default desk if its desk left the config).
pub fn desk_of<'p>(policy: &'p Policy, ticket: &Ticket) -> &'p Desk {
    policy
        .desk(&ticket.desk)
        .unwrap_or_else(|| policy.default_desk())
}

/// The template variables of a ticket, for any kind of mail, in the reader's language.
pub fn vars(ticket: &Ticket, desk: &Desk, policy: &Policy, language: Language) -> MailVars {
    let customer = ticket.requester.as_ref();
    MailVars {
        ticket: ticket.id.0,
        tag: tag(desk, ticket),
        desk: desk.name.clone(),
        customer: customer.map_or(String::new(), |c| {
            c.name.clone().unwrap_or_else(|| c.address.to_string())
        }),
        customer_address: customer.map_or(String::new(), |c| c.address.to_string()),
        subject: ticket.subject.clone(),
        status: words::status(ticket.status, language).to_string(),
        tier: ticket.tier.0,
        priority: words::priority(ticket.priority, language).to_string(),
        category: ticket.category.clone().unwrap_or_default(),
        assignee: ticket
            .assignee
            .as_ref()
            .and_then(|id| policy.agent(id))
            .map_or(String::new(), |a| a.name.clone()),
        due: next_deadline(ticket, desk, language),
        cc: ticket
            .cc
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        ..MailVars::default()
    }
}

/// The earliest running SLA deadline, as the desk reads it, or empty.
fn next_deadline(ticket: &Ticket, desk: &Desk, language: Language) -> String {
    let Some(sla) = ticket.sla.as_ref().filter(|s| s.paused_at.is_none()) else {
        return String::new();
    };
    sla.clocks
        .iter()
        .min_by_key(|c| c.due)
        .map_or(String::new(), |c| {
            format!(
                "{} {}",
                words::metric(c.metric, language),
                words::date_time(c.due, &desk.calendar, language)
            )
        })
}

/// A mail from the desk, numbered as the ticket's next message.
pub struct Draft {
    /// Why it is sent.
    pub kind: OutgoingKind,
    /// Display name on the desk address.
    pub from_name: String,
    /// Recipient.
    pub to: Contact,
    /// Copy recipients.
    pub cc: Vec<Contact>,
    /// Reply address, when not the desk's.
    pub reply_to: Option<Contact>,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Whether it is automatic (RFC 3834 `Auto-Submitted`).
    pub auto_submitted: Option<&'static str>,
    /// Whether to thread it into the customer's conversation.
    pub in_customer_thread: bool,
}

/// The Reply-To of a mail to `agent` about `ticket`: the desk's address signed for that
/// ticket and agent, so that the agent's answer to it is verified (`trust`).
pub fn agent_reply_to(desk: &Desk, ticket: TicketId, agent: &Agent, policy: &Policy) -> Contact {
    let address =
        super::trust::reply_address(&desk.address, ticket, &agent.id, &policy.security.reply_key);
    Contact {
        name: Some(desk.name.clone()),
        address,
    }
}

/// Turns a draft into an effect: gives it the next Message-ID of the ticket, threads it.
pub fn send(step: &mut Step, desk: &Desk, draft: Draft, now: Timestamp) -> MessageId {
    let ticket = &mut step.ticket;
    let message_id = outgoing_id(ticket, desk);
    let in_reply_to = if draft.in_customer_thread {
        ticket.last_customer_message.clone()
    } else {
        None
    };
    let mail = OutgoingMail {
        kind: draft.kind,
        message_id: message_id.clone(),
        from: Contact {
            name: Some(draft.from_name),
            address: desk.address.clone(),
        },
        to: draft.to,
        cc: draft.cc,
        reply_to: draft.reply_to,
        subject: sanitize::subject(&draft.subject),
        in_reply_to,
        references: ticket.thread.clone(),
        body: draft.body,
        auto_submitted: draft.auto_submitted.map(str::to_string),
        date: now,
        calendar: None,
        arrival_files: Vec::new(),
    };
    ticket.message_count += 1;
    if draft.in_customer_thread {
        ticket.remember_in_thread(&message_id);
    }
    step.effects.push(Effect::Send(Box::new(mail)));
    message_id
}

/// Renders a template in a language, falling back to a one-line text if it fails (the
/// templates are checked at start, so this is a safety net, never the normal path).
pub fn render(policy: &Policy, kind: TemplateKind, language: Language, vars: &MailVars) -> String {
    policy
        .templates
        .render(kind, language, vars)
        .unwrap_or_else(|e| format!("{} {}\n\n({e})\n", vars.tag, vars.subject))
}

/// The language to write to an agent in.
pub fn agent_language(agent: &Agent, desk: &Desk) -> Language {
    agent.language.unwrap_or(desk.language)
}

/// The agent's mail address for Loket's mails to them.
pub fn agent_contact(agent: &Agent) -> Contact {
    Contact {
        name: Some(agent.name.clone()),
        address: agent.addresses[0].clone(),
    }
}

/// A Message-ID for the next outgoing mail of a ticket: unique per ticket and message,
/// and across stores through the ticket's creation time.
fn outgoing_id(ticket: &Ticket, desk: &Desk) -> MessageId {
    let text = format!(
        "loket.{}.{}.{}@{}",
        ticket.id,
        ticket.message_count,
        ticket.created_at.0,
        desk.address.domain()
    );
    MessageId::parse(&text).expect("ids and a domain make a valid Message-ID")
}
