//! Timers: the moments at which a ticket needs attention without any mail arriving (an
//! SLA warning or deadline, a reminder to the lead, a visit reminder).
//!
//! A ticket's timers are derived from its state (`Ticket::timers`), never kept apart from
//! it: the store indexes them by due time when it commits the ticket, so a timer exists
//! exactly as long as the state that causes it.

use super::sla::Metric;
use super::ticket::Ticket;
use crate::types::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a timer is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "kebab-case")]
pub enum TimerKind {
    /// A share of an SLA target has passed: warn the assignee.
    Warn(Metric),
    /// An SLA target was missed: escalate, or at the last tier tell the lead.
    Breach(Metric),
    /// A target missed at the last tier is still unmet: remind the lead.
    Remind,
    /// A visit is tomorrow: remind the customer and the engineer.
    VisitReminder(u32),
}

/// One timer of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timer {
    /// When it fires.
    pub due: Timestamp,
    /// Why.
    pub kind: TimerKind,
}

impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimerKind::Warn(metric) => write!(f, "warn:{metric}"),
            TimerKind::Breach(metric) => write!(f, "breach:{metric}"),
            TimerKind::Remind => f.write_str("remind"),
            TimerKind::VisitReminder(seq) => write!(f, "visit:{seq}"),
        }
    }
}

impl TimerKind {
    /// Reads the text `Display` writes (the form kept in the store's timer index).
    pub fn parse(text: &str) -> Option<TimerKind> {
        let (word, rest) = text.split_once(':').unwrap_or((text, ""));
        match word {
            "warn" => Metric::parse(rest).map(TimerKind::Warn),
            "breach" => Metric::parse(rest).map(TimerKind::Breach),
            "remind" => Some(TimerKind::Remind),
            "visit" => rest.parse().ok().map(TimerKind::VisitReminder),
            _ => None,
        }
    }
}

impl Ticket {
    /// Every timer this ticket has now, derived from its SLA clocks and visits.
    pub fn timers(&self) -> Vec<Timer> {
        let mut timers = Vec::new();
        if let Some(sla) = self.sla.as_ref().filter(|s| s.paused_at.is_none()) {
            for clock in &sla.clocks {
                if let Some(due) = clock.warn_at {
                    timers.push(Timer {
                        due,
                        kind: TimerKind::Warn(clock.metric),
                    });
                }
                timers.push(Timer {
                    due: clock.due,
                    kind: TimerKind::Breach(clock.metric),
                });
            }
            if let Some(due) = sla.remind_at {
                timers.push(Timer {
                    due,
                    kind: TimerKind::Remind,
                });
            }
        }
        for visit in &self.visits {
            if let Some(due) = visit.reminder_due() {
                timers.push(Timer {
                    due,
                    kind: TimerKind::VisitReminder(visit.seq),
                });
            }
        }
        timers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_what_they_write() {
        for kind in [
            TimerKind::Warn(Metric::FirstResponse),
            TimerKind::Breach(Metric::Resolution),
            TimerKind::Breach(Metric::NextResponse),
            TimerKind::Remind,
            TimerKind::VisitReminder(3),
        ] {
            assert_eq!(TimerKind::parse(&kind.to_string()), Some(kind));
        }
        assert_eq!(TimerKind::parse("warn:lunch"), None);
        assert_eq!(TimerKind::parse("nap"), None);
    }
}
