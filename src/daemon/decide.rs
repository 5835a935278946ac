//! The worker's second step: decide, as pure functions of the input, the snapshot loaded
//! for it, the policy and `now`. No store, no clock: what is decided here is then turned
//! into a `Change` (see `change`) and committed as it is.

use crate::config::Policy;
use crate::engine::arrival::{self, Placed};
use crate::engine::knowledge::Hints;
use crate::engine::loops::AutoReplyBudget;
use crate::engine::timer::{Timer, TimerKind};
use crate::engine::{
    self, ledger, DeliveryFailure, Directory, Event, Inbound, Snapshot, Staff, Step, Ticket,
};
use crate::mail::{Class, Mail};
use crate::search::Probe;
use crate::store::DueTimer;
use crate::types::{DeskId, Timestamp};

/// An arrived mail, decided: where it goes, as what the engine read it, and its step.
pub(super) struct MailStep<'a> {
    /// The ticket it goes to, as it was before.
    pub(super) placed: Placed,
    /// The mail as the engine read it.
    pub(super) inbound: Inbound<'a>,
    /// What the engine made of it.
    pub(super) step: Step,
}

/// Where an arrived mail goes: `None` when it is a redelivery of a stored one (it
/// changes nothing). `desk` is the desk of the mailbox it came in at, if that mailbox
/// belongs to one.
pub(super) fn placement(
    mail: &Mail,
    class: &Class,
    desk: Option<DeskId>,
    snapshot: &Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> Option<Placed> {
    if arrival::is_duplicate(mail, snapshot) {
        return None;
    }
    Some(arrival::place(mail, class, desk, snapshot, policy, now))
}

/// What to ask the search index about a placed mail: a person's mail that opens a ticket
/// or writes on a solved one (its notification lists similar solved tickets; a new one
/// may be offered an answer). `None` for everything else, which needs no index.
pub(super) fn probe(placed: &Placed, mail: &Mail, class: &Class, policy: &Policy) -> Option<Probe> {
    let from = mail.from.as_ref()?;
    let staff =
        policy.agent_by_address(&from.address).is_some() || policy.is_own_address(&from.address);
    let opens_or_reopens = placed.is_new || placed.ticket.status.is_finished();
    if !class.is_person() || staff || !opens_or_reopens {
        return None;
    }
    let desk = policy.desk(&placed.ticket.desk)?;
    Some(Probe {
        ticket: (!placed.is_new).then_some(placed.ticket.id),
        desk: desk.id.0.clone(),
        language: desk.language,
        text: format!("{}\n{}", mail.subject, mail.new_text),
        category: placed.ticket.category.clone(),
        domain: from.address.domain().to_string(),
    })
}

/// The queries of an agent's `#search` lines, which the index answers before the step.
pub(super) fn searches(mail: &Mail, policy: &Policy) -> Vec<String> {
    let from_agent = mail
        .from
        .as_ref()
        .is_some_and(|f| policy.agent_by_address(&f.address).is_some());
    if !from_agent {
        return Vec::new();
    }
    let Ok(reading) = engine::commands::read(&mail.subject, &mail.new_text, policy) else {
        return Vec::new();
    };
    reading
        .commands
        .into_iter()
        .filter_map(|command| match command {
            engine::commands::Command::Search(query) => Some(query),
            _ => None,
        })
        .collect()
}

/// Decides a placed mail: as what the engine reads it, and its step, given what the
/// search index knew of it.
pub(super) fn mail<'a>(
    placed: Placed,
    mail: &'a Mail,
    class: &'a Class,
    snapshot: &'a Snapshot,
    hints: &'a Hints,
    policy: &'a Policy,
    now: Timestamp,
) -> MailStep<'a> {
    let requester = placed.ticket.requester.as_ref().map(|c| &c.address);
    let to_requester = requester.map_or(0, |a| snapshot.auto_replies_to(a));
    let ratings_asked_today = requester.map_or(0, |a| {
        snapshot.replies_in(&ledger::ReplyWindow::rating_asked(a, now))
    });
    let inbound = Inbound {
        mail,
        class,
        matched_by: placed.matched_by,
        budget: AutoReplyBudget {
            ratings_asked_today,
            opened_last_30_days: mail
                .from
                .as_ref()
                .and_then(|f| snapshot.opened_last_30_days.get(&f.address))
                .copied()
                .unwrap_or(0),
            ..ledger::budget(to_requester, snapshot.auto_replies_to_all)
        },
        author: arrival::author(mail, &placed, policy, Directory(&snapshot.tickets)),
        staff: Staff(&snapshot.agents),
        hints,
    };
    let step = engine::step(&placed.ticket, Event::Mail(inbound), policy, now);
    MailStep {
        placed,
        inbound,
        step,
    }
}

/// What becomes of a timer found due.
pub(super) enum TimerStep<'a> {
    /// It no longer applies; it leaves the index, and why.
    Drop(&'static str),
    /// It fires on its ticket (as it was before).
    Fire(&'a Ticket, Box<Step>),
}

/// Decides a due timer: its ticket must still have it, else it is stale.
pub(super) fn timer<'a>(
    due: &DueTimer,
    snapshot: &'a Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> TimerStep<'a> {
    let ticket = snapshot.tickets.get(&due.ticket);
    let kind = TimerKind::parse(&due.kind);
    let (Some(ticket), Some(kind)) = (ticket, kind) else {
        return TimerStep::Drop("timer without its ticket");
    };
    let timer = Timer { due: due.due, kind };
    if !ticket.timers().contains(&timer) {
        return TimerStep::Drop("stale timer");
    }
    let event = Event::Timer {
        timer,
        staff: Staff(&snapshot.agents),
    };
    TimerStep::Fire(ticket, Box::new(engine::step(ticket, event, policy, now)))
}

/// Decides a permanent delivery failure: recorded on its ticket, if that is known.
pub(super) fn failure(
    failure: &DeliveryFailure,
    ticket: &Ticket,
    policy: &Policy,
    now: Timestamp,
) -> Step {
    engine::step(ticket, Event::DeliveryFailed(failure), policy, now)
}
