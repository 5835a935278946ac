//! The rules that keep Loket from feeding mail loops or floods (RFC 3834 section 2).

use crate::config::policy::{Limits, Policy};
use crate::engine::snapshot::Snapshot;
use crate::mail::{Class, Mail};
use crate::types::Contact;

/// Why a mail is set aside in the quarantine instead of becoming a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The quarantine's word for it: `loop` or `no-sender`.
    pub kind: &'static str,
    /// One sentence for the log and `loket quarantine list`.
    pub why: String,
}

impl SetAside {
    /// The quarantine record's reason: the kind, then why.
    pub fn reason(&self) -> String {
        format!("{}: {}", self.kind, self.why)
    }
}

/// Whether a mail must not become a ticket: it comes from Loket itself (a desk's own
/// address: an acknowledgement echoed back, a loop between two desks), it answers one of
/// Loket's automatic mails with nothing written by a person, or it names no one who
/// could be answered or held to an SLA. A delivery report is neither: it is
/// filed on the ticket of the mail that bounced.
pub fn set_aside(
    mail: &Mail,
    class: &Class,
    policy: &Policy,
    snapshot: &Snapshot,
) -> Option<SetAside> {
    if matches!(class, Class::Bounce(_)) {
        return None;
    }
    if let Some(from) = mail
        .from
        .as_ref()
        .filter(|f| policy.is_own_address(&f.address))
    {
        return Some(SetAside {
            kind: "loop",
            why: format!("from {}, an address of Loket's own desks", from.address),
        });
    }
    let answered = mail.in_reply_to.iter().find(|id| {
        snapshot
            .messages
            .get(*id)
            .is_some_and(|copies| copies.iter().any(|k| k.is_own_automatic()))
    });
    // An agent answers notifications, automatic mails themselves, with files or commands
    // alone; that is the agent's word, never a loop.
    let from_agent = mail
        .from
        .as_ref()
        .is_some_and(|f| policy.agent_by_address(&f.address).is_some());
    let empty = mail.new_text.trim().is_empty();
    if let Some(id) = answered.filter(|_| empty && !from_agent) {
        return Some(SetAside {
            kind: "loop",
            why: format!("answers Loket's own automatic mail <{id}> with no text of its own"),
        });
    }
    if mail.from.is_none() && mail.reply_to.is_none() {
        return Some(SetAside {
            kind: "no-sender",
            why: "no usable From, Sender or Reply-To address; nobody to answer".into(),
        });
    }
    None
}

/// How many automatic replies went out recently, counted by the caller from the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoReplyBudget {
    /// To this sender in the last hour.
    pub to_sender_last_hour: u32,
    /// To anyone in the last minute.
    pub to_all_last_minute: u32,
    /// Satisfaction questions to the ticket's requester today (any ticket).
    pub ratings_asked_today: u32,
    /// Tickets the sender opened in the last 30 days, before this mail.
    pub opened_last_30_days: u32,
}

/// Decides whether an automatic reply may go to `recipient`; `Err` says why not.
pub fn may_auto_reply(
    class: &Class,
    recipient: Option<&Contact>,
    budget: AutoReplyBudget,
    limits: &Limits,
) -> Result<(), String> {
    match class {
        Class::Person => {}
        Class::Automatic(why) => return Err(format!("automatic mail is never answered: {why}")),
        Class::Bounce(why) => return Err(format!("bounces are never answered: {why}")),
    }
    let Some(recipient) = recipient else {
        return Err("the mail has no readable sender to answer".into());
    };
    if budget.to_sender_last_hour >= limits.auto_replies_per_sender_per_hour {
        return Err(format!(
            "{} already got {} automatic replies in the last hour (limits.auto_replies_per_sender_per_hour)",
            recipient.address, budget.to_sender_last_hour
        ));
    }
    if budget.to_all_last_minute >= limits.auto_replies_per_minute {
        return Err(format!(
            "{} automatic replies went out in the last minute (limits.auto_replies_per_minute)",
            budget.to_all_last_minute
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::EmailAddress;

    const LIMITS: Limits = Limits {
        auto_replies_per_sender_per_hour: 3,
        auto_replies_per_minute: 10,
    };

    fn budget(sender: u32, all: u32) -> AutoReplyBudget {
        AutoReplyBudget {
            to_sender_last_hour: sender,
            to_all_last_minute: all,
            ratings_asked_today: 0,
            opened_last_30_days: 0,
        }
    }

    fn budi() -> Contact {
        Contact {
            name: None,
            address: EmailAddress::parse("budi@example.id").expect("valid"),
        }
    }

    #[test]
    fn a_person_within_limits_is_answered() {
        assert_eq!(
            may_auto_reply(&Class::Person, Some(&budi()), budget(2, 9), &LIMITS),
            Ok(())
        );
    }

    #[test]
    fn automatic_mail_and_bounces_are_never_answered() {
        let auto = Class::Automatic("Auto-Submitted: auto-replied".into());
        assert!(may_auto_reply(&auto, Some(&budi()), budget(0, 0), &LIMITS).is_err());
        let bounce = Class::Bounce("report".into());
        assert!(may_auto_reply(&bounce, Some(&budi()), budget(0, 0), &LIMITS).is_err());
    }

    #[test]
    fn sender_cap_per_hour_stops_ping_pong() {
        let refusal = may_auto_reply(&Class::Person, Some(&budi()), budget(3, 0), &LIMITS);
        assert!(refusal
            .expect_err("capped")
            .contains("auto_replies_per_sender_per_hour"));
    }

    #[test]
    fn global_cap_per_minute_stops_floods() {
        let refusal = may_auto_reply(&Class::Person, Some(&budi()), budget(0, 10), &LIMITS);
        assert!(refusal
            .expect_err("capped")
            .contains("auto_replies_per_minute"));
    }

    #[test]
    fn no_sender_no_reply() {
        assert!(may_auto_reply(&Class::Person, None, budget(0, 0), &LIMITS).is_err());
    }
}
