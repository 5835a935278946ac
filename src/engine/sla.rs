//! SLA clocks on a ticket: which targets run, when each is due in the desk's working time,
//! and how they follow the ticket's life (an agent's reply stops the response clocks,
//! `pending` pauses them all, resolution ends them).

use super::effect::{Effect, Happening};
use super::outgoing::desk_of;
use super::ticket::{Status, Ticket};
use super::Step;
use crate::calendar::Calendar;
use crate::config::policy::{Policy, SlaPolicy};
use crate::types::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// What an SLA target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Opening to the first agent reply.
    FirstResponse,
    /// A customer's mail to the agent's answer.
    NextResponse,
    /// Opening to resolution.
    Resolution,
}

impl Metric {
    /// Reads the name `Display` writes.
    pub fn parse(text: &str) -> Option<Metric> {
        match text {
            "first_response" => Some(Metric::FirstResponse),
            "next_response" => Some(Metric::NextResponse),
            "resolution" => Some(Metric::Resolution),
            _ => None,
        }
    }

    /// The target of this metric in a policy.
    pub fn target(self, policy: &SlaPolicy) -> Option<Duration> {
        match self {
            Metric::FirstResponse => policy.first_response,
            Metric::NextResponse => policy.next_response,
            Metric::Resolution => policy.resolution,
        }
    }

    /// Words for people: "first response".
    pub fn words(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first response",
            Metric::NextResponse => "next response",
            Metric::Resolution => "resolution",
        }
    }

    fn is_response(self) -> bool {
        matches!(self, Metric::FirstResponse | Metric::NextResponse)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Metric::FirstResponse => "first_response",
            Metric::NextResponse => "next_response",
            Metric::Resolution => "resolution",
        })
    }
}

/// The SLA of a ticket: its running clocks and what was missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaState {
    /// The `[sla.<id>]` that applies.
    pub policy: String,
    /// Targets running now.
    pub clocks: Vec<SlaClock>,
    /// Since when the clocks stand still (the ticket is pending).
    pub paused_at: Option<Timestamp>,
    /// Every missed target, for reports and `--breached`.
    pub breaches: Vec<Breach>,
    /// Targets missed at the last tier and not yet met; the lead is reminded of them.
    pub overdue: Vec<Metric>,
    /// When the lead is next reminded.
    pub remind_at: Option<Timestamp>,
}

/// One running target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    /// What it measures.
    pub metric: Metric,
    /// When it started.
    pub started: Timestamp,
    /// The target, in seconds of working time.
    pub target: u64,
    /// Working time spent paused since it started, in seconds.
    pub paused: u64,
    /// When the target is missed.
    pub due: Timestamp,
    /// When the assignee is warned (`None` once warned, or when there is no warning).
    pub warn_at: Option<Timestamp>,
}

/// A missed target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    /// Which target.
    pub metric: Metric,
    /// At which tier it was missed.
    pub tier: u8,
    /// When.
    pub at: Timestamp,
}

impl SlaState {
    /// The running clock of a metric.
    pub fn clock(&self, metric: Metric) -> Option<&SlaClock> {
        self.clocks.iter().find(|c| c.metric == metric)
    }

    /// Whether any target was ever missed.
    pub fn is_breached(&self) -> bool {
        !self.breaches.is_empty()
    }
}

/// Keeps the SLA clocks in step with what the event did to the ticket.
pub(super) fn reconcile(before: &Ticket, step: &mut Step, policy: &Policy, now: Timestamp) {
    let desk = desk_of(policy, &step.ticket);
    let calendar = &desk.calendar;
    let opened = before.message_count == 0 && step.ticket.message_count > 0;
    let Some(mut sla) = step.ticket.sla.take() else {
        return;
    };
    reselect(before, &step.ticket, &mut sla, policy, calendar);
    let sla_policy = policy.sla(&sla.policy);
    let (from, to) = (before.status, step.ticket.status);
    if is_finished(to) {
        sla.clocks.clear();
        sla.overdue.clear();
        sla.remind_at = None;
        sla.paused_at = None;
    } else if is_finished(from) {
        // Reopened: the ticket needs an answer and a resolution again.
        if let Some(p) = sla_policy {
            start_clock(&mut sla, Metric::Resolution, p, calendar, now);
            start_clock(&mut sla, Metric::NextResponse, p, calendar, now);
        }
    }
    if to == Status::Pending && sla.paused_at.is_none() {
        sla.paused_at = Some(now);
    } else if to != Status::Pending {
        if let Some(paused_at) = sla.paused_at.take() {
            resume(&mut sla, paused_at, calendar, now);
        }
    }
    let answered = step
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Record(Happening::AgentReplied { .. })));
    if answered {
        sla.clocks.retain(|c| !c.metric.is_response());
        sla.overdue.retain(|m| !m.is_response());
    } else if customer_wrote(step) && !opened && !is_finished(to) {
        let waiting = sla.clocks.iter().any(|c| c.metric.is_response());
        if let (false, Some(p)) = (waiting, sla_policy) {
            start_clock(&mut sla, Metric::NextResponse, p, calendar, now);
        }
    }
    if sla.overdue.is_empty() {
        sla.remind_at = None;
    }
    step.ticket.sla = Some(sla);
}

fn is_finished(status: Status) -> bool {
    matches!(status, Status::Resolved | Status::Closed)
}

fn customer_wrote(step: &Step) -> bool {
    step.filed == super::Filed::Customer
}

/// Starts the SLA of a new ticket, once routing has set its priority and category (the
/// customer side calls it for every first mail).
pub(super) fn start_sla(step: &mut Step, policy: &Policy, now: Timestamp) {
    let ticket = &step.ticket;
    let Some(sla_policy) =
        policy.sla_for(&ticket.desk, ticket.priority, ticket.category.as_deref())
    else {
        return;
    };
    let calendar = &desk_of(policy, ticket).calendar;
    let mut sla = SlaState {
        policy: sla_policy.id.clone(),
        clocks: Vec::new(),
        paused_at: None,
        breaches: Vec::new(),
        overdue: Vec::new(),
        remind_at: None,
    };
    start_clock(&mut sla, Metric::FirstResponse, sla_policy, calendar, now);
    start_clock(&mut sla, Metric::Resolution, sla_policy, calendar, now);
    if ticket.status == Status::Pending {
        sla.paused_at = Some(now);
    }
    step.effects.push(Effect::Record(Happening::SlaStarted {
        policy: sla.policy.clone(),
        first_response_due: sla.clock(Metric::FirstResponse).map(|c| c.due),
        resolution_due: sla.clock(Metric::Resolution).map(|c| c.due),
    }));
    step.ticket.sla = Some(sla);
}

/// Starts (or restarts) the clock of a metric from `now`, if the policy has that target.
pub(super) fn start_clock(
    sla: &mut SlaState,
    metric: Metric,
    policy: &SlaPolicy,
    calendar: &Calendar,
    now: Timestamp,
) {
    sla.clocks.retain(|c| c.metric != metric);
    let Some(target) = metric.target(policy) else {
        return;
    };
    let mut clock = SlaClock {
        metric,
        started: now,
        target: target.as_secs(),
        paused: 0,
        due: now,
        warn_at: None,
    };
    if schedule(&mut clock, policy.warn_percent, true, calendar) {
        sla.clocks.push(clock);
    }
}

/// Works out `due` and `warn_at` from the clock's start, target and pauses; `false` when
/// the calendar never opens (the clock is then dropped).
fn schedule(clock: &mut SlaClock, warn_percent: u8, warn: bool, calendar: &Calendar) -> bool {
    let Some(due) = calendar.add(
        clock.started,
        Duration::from_secs(clock.target + clock.paused),
    ) else {
        return false;
    };
    clock.due = due;
    clock.warn_at = if warn {
        let share = clock.target * u64::from(warn_percent) / 100;
        calendar.add(clock.started, Duration::from_secs(share + clock.paused))
    } else {
        None
    };
    true
}

/// Leaving `pending`: each clock is moved on by the working time spent paused.
fn resume(sla: &mut SlaState, paused_at: Timestamp, calendar: &Calendar, now: Timestamp) {
    let paused = calendar.elapsed(paused_at, now).as_secs();
    for clock in &mut sla.clocks {
        // The warning keeps its place in working time, moved on by the pause too.
        let warned_after = clock
            .warn_at
            .map(|w| calendar.elapsed(clock.started, w).as_secs());
        clock.paused += paused;
        let _ = schedule(clock, 0, false, calendar);
        clock.warn_at = warned_after
            .and_then(|share| calendar.add(clock.started, Duration::from_secs(share + paused)));
    }
}

/// A changed priority or category may bring another policy: running clocks take its
/// targets, counted from when they started.
fn reselect(
    before: &Ticket,
    after: &Ticket,
    sla: &mut SlaState,
    policy: &Policy,
    calendar: &Calendar,
) {
    if before.priority == after.priority && before.category == after.category {
        return;
    }
    let Some(chosen) = policy.sla_for(&after.desk, after.priority, after.category.as_deref())
    else {
        return;
    };
    if chosen.id == sla.policy {
        return;
    }
    sla.policy = chosen.id.clone();
    sla.clocks.retain_mut(|clock| {
        let Some(target) = clock.metric.target(chosen) else {
            return false;
        };
        clock.target = target.as_secs();
        let warn = clock.warn_at.is_some();
        schedule(clock, chosen.warn_percent, warn, calendar)
    });
}

/// An SLA state with one first-response clock due at `due` and no warning, for the tests
/// of what follows from a ticket's timers.
#[cfg(test)]
pub(crate) fn one_clock(due: Timestamp) -> SlaState {
    SlaState {
        policy: "standard".into(),
        clocks: vec![SlaClock {
            metric: Metric::FirstResponse,
            started: Timestamp(0),
            target: 60,
            paused: 0,
            due,
            warn_at: None,
        }],
        paused_at: None,
        breaches: Vec::new(),
        overdue: Vec::new(),
        remind_at: None,
    }
}
