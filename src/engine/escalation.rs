//! Escalation: a ticket moves up from level 1 to level 2 to level 3, by an agent's
//! `#escalate` or because an SLA target was missed; the next tier's team takes it and the
//! desk's lead hears of it. At the last tier a missed target is reported to the lead
//! again at an interval instead. Also what fires on a ticket's timers.

use super::customer::{in_charge, notify_with};
use super::effect::{Effect, Happening, OutgoingKind};
use super::event::Staff;
use super::outgoing::{self, desk_of, Draft};
use super::routing::{self, on_duty, team_for_tier};
use super::sla::{start_clock, Breach, Metric};
use super::timer::{Timer, TimerKind};
use super::{visit, Step};
use crate::config::policy::{Agent, Policy};
use crate::templates::TemplateKind;
use crate::types::{AgentId, Language, Tier, Timestamp};
use crate::words::{self, Phrase};
use std::time::Duration;

/// The last tier: engineers.
pub const LAST_TIER: Tier = Tier::LAST;

/// Who escalates.
pub(super) enum By<'a> {
    /// An agent, by `#escalate`.
    Agent(&'a Agent),
    /// A missed SLA target.
    Sla,
}

impl By<'_> {
    fn name(&self) -> String {
        match self {
            By::Agent(agent) => agent.id.0.clone(),
            By::Sla => "sla".into(),
        }
    }

    fn agent_id(&self) -> Option<&AgentId> {
        match self {
            By::Agent(agent) => Some(&agent.id),
            By::Sla => None,
        }
    }
}

/// Moves the ticket up one tier: the next tier's team takes it (one member by the team's
/// assignment, else every present member is told), and the lead gets the reason and the
/// history.
pub(super) fn escalate(
    step: &mut Step,
    reason: &Phrase,
    by: By<'_>,
    staff: Staff<'_>,
    policy: &Policy,
    now: Timestamp,
) {
    let from = step.ticket.tier;
    let to = Tier((from.0 + 1).min(LAST_TIER.0));
    let who = by.name();
    routing::set_tier(step, to, &who);
    if let Some(previous) = step.ticket.assignee.take() {
        routing::changed(step, "assignee", previous.0, String::new(), &who);
    }
    let team = team_for_tier(step.ticket.team.as_ref(), to, policy);
    if let Some(team) = team {
        let previous = step.ticket.team.replace(team.id.clone());
        let previous = previous.map(|t| t.0).unwrap_or_default();
        routing::changed(step, "team", previous, team.id.0.clone(), &who);
    }
    step.effects.push(Effect::Record(Happening::Escalated {
        from: from.0,
        to: to.0,
        reason: reason.of(Language::En).to_string(),
        by: who,
    }));
    let text = Phrase::new(|language| match language {
        Language::En => format!(
            "Escalated from tier {} to tier {}: {}",
            from.0,
            to.0,
            reason.of(language)
        ),
        Language::Id => format!(
            "Dinaikkan dari level {} ke level {}: {}",
            from.0,
            to.0,
            reason.of(language)
        ),
    });
    match team.and_then(|t| routing::pick(t, staff, policy)) {
        Some(agent) => {
            routing::assign(step, agent, &by.name());
            notify_with(step, &text, &[agent], policy, now);
        }
        None => {
            let agents: Vec<&Agent> = on_duty(step, staff, policy)
                .into_iter()
                .filter(|a| Some(&a.id) != by.agent_id())
                .collect();
            notify_with(step, &text, &agents, policy, now);
        }
    }
    report_to_lead(step, &text, policy, now);
}

/// A mail to the desk's lead with the reason; the history is added from the store.
pub(super) fn report_to_lead(step: &mut Step, reason: &Phrase, policy: &Policy, now: Timestamp) {
    let tier = step.ticket.tier.0;
    let headline = Phrase::new(|language| words::tier(tier, language));
    report_to_lead_as(step, &headline, reason, policy, now);
}

/// `report_to_lead` with the subject's headline given: `[HD #42] <headline>: <subject>`.
pub(super) fn report_to_lead_as(
    step: &mut Step,
    headline: &Phrase,
    reason: &Phrase,
    policy: &Policy,
    now: Timestamp,
) {
    let desk = desk_of(policy, &step.ticket);
    let Some(lead) = desk.lead.clone() else {
        return;
    };
    let mut vars = outgoing::vars(&step.ticket, desk, policy, desk.language);
    vars.reason = reason.of(desk.language).to_string();
    let draft = Draft {
        kind: OutgoingKind::LeadReport,
        from_name: desk.name.clone(),
        to: lead,
        cc: Vec::new(),
        reply_to: None,
        subject: format!(
            "{} {}: {}",
            vars.tag,
            headline.of(desk.language),
            step.ticket.subject
        ),
        body: outgoing::render(policy, TemplateKind::Escalation, desk.language, &vars),
        auto_submitted: Some("auto-generated"),
        in_customer_thread: false,
    };
    outgoing::send(step, desk, draft, now);
}

/// What a due timer does. A timer the ticket no longer has (its state moved on) does
/// nothing.
pub(super) fn on_timer(
    step: &mut Step,
    timer: Timer,
    staff: Staff<'_>,
    policy: &Policy,
    now: Timestamp,
) {
    if !step.ticket.timers().contains(&timer) {
        return;
    }
    step.ticket.updated_at = now;
    match timer.kind {
        TimerKind::Warn(metric) => warn(step, metric, staff, policy, now),
        TimerKind::Breach(metric) => breach(step, metric, staff, policy, now),
        TimerKind::Remind => remind(step, policy, now),
        TimerKind::VisitReminder(seq) => visit::remind(step, seq, policy, now),
    }
}

fn warn(step: &mut Step, metric: Metric, staff: Staff<'_>, policy: &Policy, now: Timestamp) {
    let Some(sla) = step.ticket.sla.as_mut() else {
        return;
    };
    let Some(clock) = sla.clocks.iter_mut().find(|c| c.metric == metric) else {
        return;
    };
    clock.warn_at = None;
    let due = clock.due;
    if due <= now {
        // Found late (the daemon was down): the deadline's own notice says more.
        return;
    }
    step.effects
        .push(Effect::Record(Happening::SlaWarning { metric, due }));
    let desk = desk_of(policy, &step.ticket);
    let text = Phrase::new(|language| {
        let clock = words::metric(metric, language);
        let when = words::date_time(due, &desk.calendar, language);
        match language {
            Language::En => format!("SLA warning: the {clock} of this ticket is due {when}."),
            Language::Id => format!("Peringatan SLA: batas {clock} tiket ini {when}."),
        }
    });
    let agents = in_charge(step, staff, policy);
    notify_with(step, &text, &agents, policy, now);
}

fn breach(step: &mut Step, metric: Metric, staff: Staff<'_>, policy: &Policy, now: Timestamp) {
    let tier = step.ticket.tier;
    let desk = desk_of(policy, &step.ticket);
    let Some(mut sla) = step.ticket.sla.take() else {
        return;
    };
    let Some(sla_policy) = policy.sla(&sla.policy) else {
        step.ticket.sla = Some(sla);
        return;
    };
    sla.breaches.push(Breach {
        metric,
        tier: tier.0,
        at: now,
    });
    let target = metric.target(sla_policy).unwrap_or_default();
    let reason = Phrase::new(|language| match language {
        Language::En => format!(
            "the {} target ({} of working time) was missed at tier {}.",
            words::metric(metric, language),
            words::duration(target, language),
            tier.0
        ),
        Language::Id => format!(
            "target {} ({} waktu kerja) terlewat di level {}.",
            words::metric(metric, language),
            words::duration(target, language),
            tier.0
        ),
    });
    step.effects.push(Effect::Record(Happening::SlaBreached {
        metric,
        tier: tier.0,
    }));
    if tier < LAST_TIER {
        // The next tier gets the full target again.
        start_clock(&mut sla, metric, sla_policy, &desk.calendar, now);
        step.ticket.sla = Some(sla);
        return escalate(step, &reason, By::Sla, staff, policy, now);
    }
    sla.clocks.retain(|c| c.metric != metric);
    if !sla.overdue.contains(&metric) {
        sla.overdue.push(metric);
    }
    sla.remind_at = Some(next_reminder(&desk.calendar, sla_policy.remind_every, now));
    step.ticket.sla = Some(sla);
    let text = Phrase::new(|language| match language {
        Language::En => format!("Overdue at the last tier: {}", reason.of(language)),
        Language::Id => format!("Terlambat di level terakhir: {}", reason.of(language)),
    });
    report_to_lead(step, &text, policy, now);
}

/// The lead hears again of targets still unmet at the last tier; the next reminder counts
/// from now, so a daemon that was down sends one reminder, not one per missed interval.
fn remind(step: &mut Step, policy: &Policy, now: Timestamp) {
    let desk = desk_of(policy, &step.ticket);
    let Some(mut sla) = step.ticket.sla.take() else {
        return;
    };
    let every = policy
        .sla(&sla.policy)
        .map_or(Duration::from_secs(4 * 3600), |p| p.remind_every);
    sla.remind_at = Some(next_reminder(&desk.calendar, every, now));
    let overdue = sla.overdue.clone();
    step.ticket.sla = Some(sla);
    let text = Phrase::new(|language| {
        let clocks: Vec<&str> = overdue
            .iter()
            .map(|m| words::metric(*m, language))
            .collect();
        match language {
            Language::En => format!(
                "Reminder: still overdue at the last tier ({}).",
                clocks.join(", ")
            ),
            Language::Id => format!(
                "Pengingat: masih terlambat di level terakhir ({}).",
                clocks.join(", ")
            ),
        }
    });
    step.effects
        .push(Effect::Record(Happening::LeadReminded { overdue }));
    report_to_lead(step, &text, policy, now);
}

/// `every` of working time after `now`, or of plain time if the calendar never opens.
fn next_reminder(
    calendar: &crate::calendar::Calendar,
    every: Duration,
    now: Timestamp,
) -> Timestamp {
    calendar
        .add(now, every)
        .unwrap_or(Timestamp(now.0 + every.as_secs() as i64))
}
