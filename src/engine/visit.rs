//! On-site visits at tier 3: an engineer schedules one with `#visit`, the customer gets an
//! iCalendar invitation, both are reminded the day before, and the customer's answer to
//! the invitation (iMIP) is recorded and passed on to the engineer.

use crate::types::{AgentId, Timestamp};
use serde::{Deserialize, Serialize};

/// How long before a visit its reminder goes out.
pub const REMINDER_BEFORE: i64 = 24 * 3600;

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VisitStatus {
    /// Sent, not answered.
    Scheduled,
    /// The customer accepted.
    Accepted,
    /// The customer declined.
    Declined,
    /// The customer may come.
    Tentative,
}

/// One on-site visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Its number on the ticket, from 1.
    pub seq: u32,
    /// The engineer who goes.
    pub engineer: AgentId,
    /// When it starts.
    pub start: Timestamp,
    /// When it ends.
    pub end: Timestamp,
    /// The engineer's note.
    pub note: String,
    /// The iCalendar UID of its invitation.
    pub uid: String,
    /// Where it stands.
    pub status: VisitStatus,
    /// Whether the day-before reminder went out.
    pub reminded: bool,
}

impl Visit {
    /// When the reminder is due, while one is still to be sent.
    pub fn reminder_due(&self) -> Option<Timestamp> {
        let wanted = !self.reminded && self.status != VisitStatus::Declined;
        wanted.then_some(Timestamp(self.start.0 - REMINDER_BEFORE))
    }
}

use super::commands::{Command, Reading, Rejected};
use super::customer::notify_with;
use super::effect::{Effect, Happening, OutgoingKind};
use super::escalation::LAST_TIER;
use super::outgoing::{self, agent_contact, desk_of, Draft};
use super::{Inbound, Step, Ticket};
use crate::config::policy::{Agent, Desk, Policy};
use crate::ics::{self, Invitation, PartStat};
use crate::templates::TemplateKind;
use crate::types::Language;
use crate::words::{self, Phrase};

/// `#visit` is for engineers at the last tier, at a time still to come.
pub(super) fn check(
    reading: &Reading,
    ticket: &Ticket,
    agent: &Agent,
    desk: &Desk,
    now: Timestamp,
) -> Vec<Rejected> {
    let mut rejected = Vec::new();
    for command in &reading.commands {
        let Command::Visit { start, .. } = command else {
            continue;
        };
        let reason = if ticket.tier != LAST_TIER {
            Some(Phrase::both(
                format!(
                    "visits are scheduled at tier 3; this ticket is at tier {} (#escalate first)",
                    ticket.tier.0
                ),
                format!(
                    "kunjungan dijadwalkan di level 3; tiket ini di level {} (#escalate dulu)",
                    ticket.tier.0
                ),
            ))
        } else if agent.tier != LAST_TIER {
            Some(Phrase::both(
                "only tier-3 engineers schedule visits",
                "hanya teknisi level 3 yang menjadwalkan kunjungan",
            ))
        } else {
            match desk.calendar.instant_of(*start) {
                None => Some(Phrase::both(
                    format!("{start} does not exist in the desk's time zone"),
                    format!("{start} tidak ada di zona waktu desk"),
                )),
                Some(at) if at <= now => Some(Phrase::new(|language| {
                    let when = words::date_time(at, &desk.calendar, language);
                    match language {
                        Language::En => format!("{when} is in the past"),
                        Language::Id => format!("{when} sudah lewat"),
                    }
                })),
                Some(_) => None,
            }
        };
        if let Some(reason) = reason {
            rejected.push(Rejected {
                line: format!("#visit {start}"),
                reason,
            });
        }
    }
    rejected
}

/// Schedules the visit: the customer gets the confirmation with the invitation, the
/// engineer a notification with the same invitation.
pub(super) fn schedule(
    step: &mut Step,
    command: &Command,
    engineer: &Agent,
    policy: &Policy,
    now: Timestamp,
) {
    let Command::Visit {
        start,
        duration,
        note,
    } = command
    else {
        return;
    };
    let desk = desk_of(policy, &step.ticket);
    let Some(start) = desk.calendar.instant_of(*start) else {
        return;
    };
    let seq = step.ticket.visits.len() as u32 + 1;
    let visit = Visit {
        seq,
        engineer: engineer.id.clone(),
        start,
        end: Timestamp(start.0 + duration.as_secs() as i64),
        note: note.clone(),
        uid: format!(
            "visit-{}-{seq}.{}@{}",
            step.ticket.id,
            step.ticket.created_at.0,
            desk.address.domain()
        ),
        status: VisitStatus::Scheduled,
        // A visit less than a day away needs no reminder: the confirmation is one.
        reminded: start.0 - REMINDER_BEFORE <= now.0,
    };
    step.ticket.visits.push(visit.clone());
    step.effects.push(Effect::Record(Happening::VisitScheduled {
        visit: seq,
        engineer: engineer.id.clone(),
        start: visit.start,
        end: visit.end,
    }));
    announce(step, &visit, engineer, false, policy, now);
}

/// The day-before reminder to the customer and the engineer.
pub(super) fn remind(step: &mut Step, seq: u32, policy: &Policy, now: Timestamp) {
    let Some(visit) = step.ticket.visits.iter_mut().find(|v| v.seq == seq) else {
        return;
    };
    visit.reminded = true;
    let visit = visit.clone();
    let Some(engineer) = policy.agent(&visit.engineer) else {
        return;
    };
    step.effects
        .push(Effect::Record(Happening::VisitReminded { visit: seq }));
    announce(step, &visit, engineer, true, policy, now);
}

fn announce(
    step: &mut Step,
    visit: &Visit,
    engineer: &Agent,
    reminder: bool,
    policy: &Policy,
    now: Timestamp,
) {
    let desk = desk_of(policy, &step.ticket);
    let length = std::time::Duration::from_secs((visit.end.0 - visit.start.0).max(0) as u64);
    let ticket = step.ticket.clone();
    let vars_in = |language| {
        let mut vars = outgoing::vars(&ticket, desk, policy, language);
        vars.when = words::date_time(visit.start, &desk.calendar, language);
        vars.duration = words::duration(length, language);
        vars.engineer = engineer.name.clone();
        vars.note = visit.note.clone();
        vars.reminder = reminder;
        vars
    };
    let for_customer = invitation(step, visit, engineer, desk, now, Reader::Customer);
    let for_engineer = invitation(step, visit, engineer, desk, now, Reader::Engineer);
    if let Some(customer) = step.ticket.requester.clone() {
        let vars = vars_in(desk.language);
        let subject = match (desk.language, reminder) {
            (Language::En, true) => format!("Reminder: visit {} {}", vars.when, vars.tag),
            (Language::En, false) => format!("Visit {} {}", vars.when, vars.tag),
            (Language::Id, true) => format!("Pengingat: kunjungan {} {}", vars.when, vars.tag),
            (Language::Id, false) => format!("Kunjungan {} {}", vars.when, vars.tag),
        };
        let draft = Draft {
            kind: OutgoingKind::Visit,
            from_name: desk.name.clone(),
            to: customer,
            cc: Vec::new(),
            reply_to: None,
            subject,
            body: outgoing::render(policy, TemplateKind::Visit, desk.language, &vars),
            auto_submitted: Some("auto-generated"),
            in_customer_thread: true,
        };
        outgoing::send(step, desk, draft, now);
        attach_to_last_mail(step, &for_customer);
    }
    let text = Phrase::new(|language| {
        let vars = vars_in(language);
        let (what, note) = match (language, reminder) {
            (Language::En, true) => ("Reminder: visit tomorrow", "Note"),
            (Language::En, false) => ("Visit scheduled", "Note"),
            (Language::Id, true) => ("Pengingat: kunjungan besok", "Catatan"),
            (Language::Id, false) => ("Kunjungan dijadwalkan", "Catatan"),
        };
        let note = if visit.note.is_empty() {
            String::new()
        } else {
            format!(" {note}: {}", visit.note)
        };
        format!(
            "{what}: {} ({}), {}.{note}",
            vars.when, vars.duration, vars.customer
        )
    });
    notify_with(step, &text, &[engineer], policy, now);
    attach_to_last_mail(step, &for_engineer);
}

/// Whose copy of an invitation: the customer's names the engineer only in its text, so
/// that no private address of staff reaches a customer; the engineer's lists them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    Customer,
    Engineer,
}

fn invitation(
    step: &Step,
    visit: &Visit,
    engineer: &Agent,
    desk: &Desk,
    now: Timestamp,
    reader: Reader,
) -> String {
    let tag = outgoing::tag(desk, &step.ticket);
    let mut attendees = Vec::new();
    if let Some(customer) = &step.ticket.requester {
        attendees.push(customer.clone());
    }
    if reader == Reader::Engineer {
        attendees.push(agent_contact(engineer));
    }
    let who = match desk.language {
        Language::En => format!("Engineer: {}", engineer.name),
        Language::Id => format!("Teknisi: {}", engineer.name),
    };
    let description = match visit.note.is_empty() {
        true => who,
        false => format!("{}\n{who}", visit.note),
    };
    ics::request(&Invitation {
        uid: visit.uid.clone(),
        sequence: 0,
        stamp: now,
        start: visit.start,
        end: visit.end,
        summary: match desk.language {
            Language::En => format!("{} visit: {} {tag}", desk.name, step.ticket.subject),
            Language::Id => format!("Kunjungan {}: {} {tag}", desk.name, step.ticket.subject),
        },
        description,
        location: String::new(),
        organizer: crate::types::Contact {
            name: Some(desk.name.clone()),
            address: desk.address.clone(),
        },
        attendees,
    })
}

/// Puts the invitation on the mail just queued (by `send` or `notify_with`).
fn attach_to_last_mail(step: &mut Step, calendar: &str) {
    let last = step.effects.iter_mut().rev().find_map(|e| match e {
        Effect::Send(mail) => Some(mail),
        _ => None,
    });
    if let Some(mail) = last {
        mail.calendar = Some(calendar.to_string());
    }
}

/// A customer's answer to a visit invitation (iMIP REPLY): the visit is updated and the
/// engineer told. Returns whether the mail was such an answer.
pub(super) fn on_customer_answer(
    step: &mut Step,
    inbound: &Inbound<'_>,
    policy: &Policy,
    now: Timestamp,
) -> bool {
    let Some(reply) = inbound.mail.calendar.as_deref().and_then(ics::read_reply) else {
        return false;
    };
    let Some(visit) = step.ticket.visits.iter_mut().find(|v| v.uid == reply.uid) else {
        return false;
    };
    let (status, answer, jawaban) = match reply.partstat {
        PartStat::Accepted => (VisitStatus::Accepted, "accepted", "menerima"),
        PartStat::Declined => (VisitStatus::Declined, "declined", "menolak"),
        PartStat::Tentative => (
            VisitStatus::Tentative,
            "tentatively accepted",
            "mungkin menerima",
        ),
        PartStat::Other(_) => return false,
    };
    visit.status = status;
    let visit = visit.clone();
    step.effects.push(Effect::Record(Happening::VisitAnswered {
        visit: visit.seq,
        answer: answer
            .split_whitespace()
            .last()
            .unwrap_or(answer)
            .to_string(),
    }));
    let desk = desk_of(policy, &step.ticket);
    let Some(engineer) = policy.agent(&visit.engineer) else {
        return true;
    };
    let text = Phrase::new(|language| {
        let when = words::date_time(visit.start, &desk.calendar, language);
        let comment = reply.comment.as_deref();
        match language {
            Language::En => format!(
                "{} {answer} the visit on {when}.{}",
                reply.attendee,
                comment.map_or(String::new(), |c| format!(" Comment: {c}"))
            ),
            Language::Id => format!(
                "{} {jawaban} kunjungan pada {when}.{}",
                reply.attendee,
                comment.map_or(String::new(), |c| format!(" Komentar: {c}"))
            ),
        }
    });
    notify_with(step, &text, &[engineer], policy, now);
    true
}
