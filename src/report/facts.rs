//! What a report needs of one ticket, read once from its record and history: when it
//! opened, was answered, resolved and reopened, who did it, how long each took, and what
//! it rated. Periods are then counted from these facts alone.

use crate::calendar::Calendar;
use crate::engine::satisfaction::Score;
use crate::engine::service::{self, is_reopening, status_change, Kept, Span};
use crate::engine::sla::Metric;
use crate::engine::{Happening, HistoryEntry, Ticket};
use crate::types::{AgentId, EmailAddress, Priority, Timestamp};

/// One resolution of a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// When.
    pub at: Timestamp,
    /// From the opening to it.
    pub took: Span,
    /// Who resolved it (an agent's id, or who else the history names).
    pub by: String,
}

/// A ticket as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Its number.
    pub id: u64,
    /// Its desk.
    pub desk: String,
    /// Its category now.
    pub category: Option<String>,
    /// Its tier now.
    pub tier: u8,
    /// Its priority now.
    pub priority: Priority,
    /// Who opened it.
    pub requester: Option<EmailAddress>,
    /// The agent in charge now.
    pub assignee: Option<AgentId>,
    /// Its subject.
    pub subject: String,
    /// When it was opened.
    pub created: Timestamp,
    /// The first answer to the customer: when, how long after the opening, by whom.
    pub first_reply: Option<(Timestamp, Span, AgentId)>,
    /// Every resolution, in order.
    pub resolutions: Vec<Resolved>,
    /// When it was reopened.
    pub reopenings: Vec<Timestamp>,
    /// Every status change, as when and whether the ticket was finished after it.
    pub finished: Vec<(Timestamp, bool)>,
    /// Its SLA targets and whether each was kept.
    pub sla: Vec<(Metric, Kept)>,
    /// Resolved at tier 1 with one answer and never reopened.
    pub first_contact: bool,
    /// Escalations: when, and to which tier.
    pub escalations: Vec<(Timestamp, u8)>,
    /// When on-site visits were scheduled.
    pub visits: Vec<Timestamp>,
    /// Every answer to the customer: when, by whom.
    pub replies: Vec<(Timestamp, AgentId)>,
    /// The counted ratings: when, and what.
    pub ratings: Vec<(Timestamp, Score)>,
    /// When the customer said an offered answer solved it (self-service).
    pub self_service: Vec<Timestamp>,
}

impl Facts {
    /// Reads a ticket and its history, its times counted in `calendar` (its desk's).
    pub fn of(ticket: &Ticket, history: &[HistoryEntry], calendar: &Calendar) -> Facts {
        let (sla, first_contact) = service::outcome(ticket, history);
        let opened = ticket.created_at;
        let mut facts = Facts {
            id: ticket.id.0,
            desk: ticket.desk.0.clone(),
            category: ticket.category.clone(),
            tier: ticket.tier.0,
            priority: ticket.priority,
            requester: ticket.requester.as_ref().map(|c| c.address.clone()),
            assignee: ticket.assignee.clone(),
            subject: ticket.subject.clone(),
            created: opened,
            first_reply: None,
            resolutions: Vec::new(),
            reopenings: Vec::new(),
            finished: Vec::new(),
            sla,
            first_contact,
            escalations: Vec::new(),
            visits: Vec::new(),
            replies: Vec::new(),
            ratings: Vec::new(),
            self_service: Vec::new(),
        };
        for entry in history {
            facts.take(entry, opened, calendar);
        }
        facts
    }

    fn take(&mut self, entry: &HistoryEntry, opened: Timestamp, calendar: &Calendar) {
        let at = entry.at;
        if let Some((_, to)) = status_change(entry) {
            let finished = matches!(to, "resolved" | "closed");
            self.finished.push((at, finished));
            if finished {
                let by = match &entry.happening {
                    Happening::Changed { by, .. } => by.clone(),
                    _ => String::new(),
                };
                self.resolutions.push(Resolved {
                    at,
                    took: Span::between(opened, at, calendar),
                    by,
                });
            }
        }
        if is_reopening(entry) {
            self.reopenings.push(at);
        }
        match &entry.happening {
            Happening::AgentReplied { agent, .. } => {
                if self.first_reply.is_none() {
                    let took = Span::between(opened, at, calendar);
                    self.first_reply = Some((at, took, agent.clone()));
                }
                self.replies.push((at, agent.clone()));
            }
            Happening::Escalated { to, .. } => self.escalations.push((at, *to)),
            Happening::VisitScheduled { .. } => self.visits.push(at),
            Happening::SolvedBySelfService { .. } => self.self_service.push(at),
            Happening::Rated {
                score,
                counted: true,
                ..
            } => self.ratings.push((at, *score)),
            _ => {}
        }
    }

    /// Whether the ticket was finished (resolved or closed) just before `at`.
    pub fn finished_before(&self, at: Timestamp) -> bool {
        self.finished
            .iter()
            .rev()
            .find(|(when, _)| *when < at)
            .is_some_and(|(_, finished)| *finished)
    }

    /// Whether the ticket existed and still needed work just before `at`.
    pub fn open_before(&self, at: Timestamp) -> bool {
        self.created < at && !self.finished_before(at)
    }

    /// The resolver of the latest resolution before `at`.
    pub fn resolved_by_before(&self, at: Timestamp) -> Option<&str> {
        self.resolutions
            .iter()
            .rev()
            .find(|r| r.at <= at)
            .map(|r| r.by.as_str())
    }
}
