//! The worker's second step: decide, as pure functions of the input, the snapshot loaded
//! for it, the policy and `now`. No store, no clock: what is decided here is then turned
//! into a `Change` (see `change`) and committed as it is.

use crate::config::Policy;
use crate::engine::arrival::{self, Placed};
use crate::engine::loops::AutoReplyBudget;
use crate::engine::timer::{Timer, TimerKind};
use crate::engine::{
    self, ledger, DeliveryFailure, Directory, Event, Inbound, Snapshot, Staff, Step, Ticket,
};
use crate::mail::{Class, Mail};
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

/// Decides an arrived mail: `None` when it is a redelivery of a stored one (it changes
/// nothing), else where it goes and the engine's step. `desk` is the desk of the mailbox
/// it came in at, if that mailbox belongs to one.
pub(super) fn mail<'a>(
    mail: &'a Mail,
    class: &'a Class,
    desk: Option<DeskId>,
    snapshot: &'a Snapshot,
    policy: &'a Policy,
    now: Timestamp,
) -> Option<MailStep<'a>> {
    if arrival::is_duplicate(mail, snapshot) {
        return None;
    }
    let placed = arrival::place(mail, class, desk, snapshot, policy, now);
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
    };
    let step = engine::step(&placed.ticket, Event::Mail(inbound), policy, now);
    Some(MailStep {
        placed,
        inbound,
        step,
    })
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
