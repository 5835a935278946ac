//! Measured service: how a ticket was served, computed from its history whenever it is
//! asked for, so that nothing is stored twice and a fix here corrects every old ticket.

use super::effect::{Happening, HistoryEntry};
use super::satisfaction::Score;
use super::sla::Metric;
use super::ticket::Ticket;
use crate::calendar::Calendar;
use crate::types::Timestamp;
use serde::Serialize;

/// A length of time, both as the clock on the wall counts it and in the desk's working
/// hours, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Span {
    /// Wall-clock seconds.
    pub wall: i64,
    /// Seconds within the desk's working hours.
    pub business: i64,
}

impl Span {
    /// The span from `from` to `to` (none when `to` is earlier), in `calendar`.
    pub fn between(from: Timestamp, to: Timestamp, calendar: &Calendar) -> Span {
        Span {
            wall: (to.0 - from.0).max(0),
            business: calendar.elapsed(from, to).as_secs() as i64,
        }
    }
}

/// Whether an SLA target was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kept {
    /// Done before it was due.
    Met,
    /// Missed.
    Missed,
    /// Not done yet and not missed yet.
    Running,
}

/// How one ticket was served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// From opening to the first agent answer the customer got.
    pub first_response: Option<Span>,
    /// From opening to the latest resolution, when the ticket is resolved now.
    pub resolution: Option<Span>,
    /// Each SLA target the ticket had, and whether it was kept.
    pub sla: Vec<(Metric, Kept)>,
    /// How often it was reopened after a resolution.
    pub reopens: u32,
    /// Resolved at tier 1, with one agent answer and never reopened.
    pub first_contact_resolution: bool,
    /// The tiers it went through, in order (`[1, 2, 3]`).
    pub tier_path: Vec<u8>,
    /// Time spent at each tier, in the order of `tier_path` (a tier visited twice is
    /// listed twice).
    pub time_per_tier: Vec<(u8, Span)>,
    /// Escalations, each as the tier it went to.
    pub escalations: Vec<u8>,
    /// Answers agents sent the customer.
    pub agent_replies: u32,
    /// On-site visits scheduled.
    pub visits: u32,
    /// The latest counted rating, if the customer gave one.
    pub rating: Option<Score>,
    /// Every rating received, counted or not.
    pub ratings_received: u32,
}

/// What became of a ticket, without the times: each SLA target kept or not, and whether
/// it was a first-contact resolution. What a report needs of every ticket, cheaply.
pub fn outcome(ticket: &Ticket, history: &[HistoryEntry]) -> (Vec<(Metric, Kept)>, bool) {
    let replies = history
        .iter()
        .filter(|e| matches!(e.happening, Happening::AgentReplied { .. }))
        .count();
    let resolved = ticket.status.is_finished() && last_resolved(history).is_some();
    let reopened = history.iter().any(is_reopening);
    let tier_changed = history
        .iter()
        .any(|e| matches!(&e.happening, Happening::Changed { field, .. } if field == "tier"));
    let at_first_tier_only = !tier_changed && ticket.tier.0 == 1;
    let first_contact = resolved && at_first_tier_only && replies == 1 && !reopened;
    (sla_kept(history, replies > 0, resolved), first_contact)
}

/// Measures a ticket from its history; `now` ends the spans still running, in the
/// desk's `calendar`.
pub fn measure(
    ticket: &Ticket,
    history: &[HistoryEntry],
    calendar: &Calendar,
    now: Timestamp,
) -> Service {
    let opened = ticket.created_at;
    let first_reply = history
        .iter()
        .find(|e| matches!(e.happening, Happening::AgentReplied { .. }))
        .map(|e| e.at);
    let resolved_at = ticket
        .status
        .is_finished()
        .then(|| last_resolved(history))
        .flatten();
    let reopens = history.iter().filter(|e| is_reopening(e)).count() as u32;
    let agent_replies = history
        .iter()
        .filter(|e| matches!(e.happening, Happening::AgentReplied { .. }))
        .count() as u32;
    let tiers = tier_spans(ticket, history, calendar, resolved_at.unwrap_or(now));
    let tier_path: Vec<u8> = tiers.iter().map(|(tier, _)| *tier).collect();
    let (sla, first_contact_resolution) = outcome(ticket, history);
    Service {
        first_response: first_reply.map(|at| Span::between(opened, at, calendar)),
        resolution: resolved_at.map(|at| Span::between(opened, at, calendar)),
        sla,
        reopens,
        first_contact_resolution,
        tier_path,
        time_per_tier: tiers,
        escalations: history
            .iter()
            .filter_map(|e| match e.happening {
                Happening::Escalated { to, .. } => Some(to),
                _ => None,
            })
            .collect(),
        agent_replies,
        visits: history
            .iter()
            .filter(|e| matches!(e.happening, Happening::VisitScheduled { .. }))
            .count() as u32,
        rating: history.iter().rev().find_map(|e| match &e.happening {
            Happening::Rated {
                score,
                counted: true,
                ..
            } => Some(*score),
            _ => None,
        }),
        ratings_received: history
            .iter()
            .filter(|e| matches!(e.happening, Happening::Rated { .. }))
            .count() as u32,
    }
}

/// A history entry's change of status, as (from, to), if it is one.
pub fn status_change(entry: &HistoryEntry) -> Option<(&str, &str)> {
    match &entry.happening {
        Happening::Changed {
            field, from, to, ..
        } if field == "status" => Some((from.as_str(), to.as_str())),
        _ => None,
    }
}

fn last_resolved(history: &[HistoryEntry]) -> Option<Timestamp> {
    history
        .iter()
        .rev()
        .find(|e| status_change(e).is_some_and(|(_, to)| to == "resolved" || to == "closed"))
        .map(|e| e.at)
}

/// Whether a history entry reopens a finished ticket.
pub fn is_reopening(entry: &HistoryEntry) -> bool {
    status_change(entry).is_some_and(|(from, to)| {
        matches!(from, "resolved" | "closed") && !matches!(to, "resolved" | "closed")
    })
}

/// The tiers in order with the time spent at each, up to `end`.
fn tier_spans(
    ticket: &Ticket,
    history: &[HistoryEntry],
    calendar: &Calendar,
    end: Timestamp,
) -> Vec<(u8, Span)> {
    let changes: Vec<(Timestamp, u8, u8)> = history
        .iter()
        .filter_map(|e| match &e.happening {
            Happening::Changed {
                field, from, to, ..
            } if field == "tier" => Some((e.at, from.parse().ok()?, to.parse().ok()?)),
            _ => None,
        })
        .collect();
    let mut tier = changes.first().map_or(ticket.tier.0, |(_, from, _)| *from);
    let mut since = ticket.created_at;
    let mut spans = Vec::new();
    for (at, _, to) in changes {
        // A tier set by routing at the opening takes no time.
        if at > since || !spans.is_empty() {
            spans.push((tier, Span::between(since, at.min(end), calendar)));
        }
        tier = to;
        since = at;
    }
    spans.push((tier, Span::between(since, end.max(since), calendar)));
    spans
}

/// Each SLA target the ticket had (its clocks as they started, and any breach), and
/// whether it was kept: a breach is a miss; otherwise done is met and not done is running.
fn sla_kept(history: &[HistoryEntry], responded: bool, resolved: bool) -> Vec<(Metric, Kept)> {
    let mut targets: Vec<Metric> = Vec::new();
    let mut add = |metric| {
        if !targets.contains(&metric) {
            targets.push(metric);
        }
    };
    for entry in history {
        match &entry.happening {
            Happening::SlaStarted {
                first_response_due,
                resolution_due,
                ..
            } => {
                if first_response_due.is_some() {
                    add(Metric::FirstResponse);
                }
                if resolution_due.is_some() {
                    add(Metric::Resolution);
                }
            }
            Happening::SlaBreached { metric, .. } => add(*metric),
            _ => {}
        }
    }
    targets
        .into_iter()
        .map(|metric| {
            let missed = history.iter().any(
                |e| matches!(e.happening, Happening::SlaBreached { metric: m, .. } if m == metric),
            );
            let done = match metric {
                Metric::FirstResponse => responded,
                Metric::Resolution => resolved,
                Metric::NextResponse => true,
            };
            let kept = match (missed, done) {
                (true, _) => Kept::Missed,
                (false, true) => Kept::Met,
                (false, false) => Kept::Running,
            };
            (metric, kept)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_kit as kit;
    use crate::engine::Status;
    use crate::thread::MatchedBy;
    use crate::types::{AgentId, MessageId};

    const HOUR: i64 = 3600;

    fn at(hours: f64, happening: Happening) -> HistoryEntry {
        HistoryEntry {
            at: Timestamp(1000 + (hours * HOUR as f64) as i64),
            happening,
        }
    }

    fn status(from: &str, to: &str) -> Happening {
        changed("status", from, to)
    }

    fn changed(field: &str, from: &str, to: &str) -> Happening {
        Happening::Changed {
            field: field.into(),
            from: from.into(),
            to: to.into(),
            by: "andi".into(),
        }
    }

    fn replied() -> Happening {
        Happening::AgentReplied {
            agent: AgentId("andi".into()),
            message_id: MessageId::parse("r@example.com").expect("valid"),
        }
    }

    fn opened() -> Happening {
        Happening::Opened {
            matched_by: MatchedBy::New,
            linked_to: None,
        }
    }

    #[test]
    fn one_answer_at_tier_one_that_resolves_is_a_first_contact_resolution() {
        let mut ticket = kit::ticket(1);
        ticket.status = Status::Resolved;
        let history = vec![
            at(0.0, opened()),
            at(
                0.0,
                Happening::SlaStarted {
                    policy: "standard".into(),
                    first_response_due: Some(Timestamp(1000 + 4 * HOUR)),
                    resolution_due: Some(Timestamp(1000 + 24 * HOUR)),
                },
            ),
            at(1.5, status("new", "open")),
            at(1.5, replied()),
            at(2.0, status("open", "resolved")),
        ];
        let service = measure(&ticket, &history, &Calendar::always_open(), Timestamp(0));
        assert_eq!(
            service.first_response,
            Some(Span {
                wall: 5400,
                business: 5400
            })
        );
        assert_eq!(service.resolution.map(|s| s.wall), Some(7200));
        assert_eq!(
            service.sla,
            [
                (Metric::FirstResponse, Kept::Met),
                (Metric::Resolution, Kept::Met)
            ]
        );
        assert!(service.first_contact_resolution);
        assert_eq!(service.tier_path, [1]);
        assert_eq!(service.reopens, 0);
    }

    #[test]
    fn escalations_reopens_and_breaches_are_counted_from_the_history() {
        let mut ticket = kit::ticket(1);
        ticket.status = Status::Resolved;
        ticket.tier = crate::types::Tier(2);
        let history = vec![
            at(0.0, opened()),
            at(
                0.0,
                Happening::SlaStarted {
                    policy: "standard".into(),
                    first_response_due: Some(Timestamp(1000 + HOUR)),
                    resolution_due: None,
                },
            ),
            at(
                1.0,
                Happening::SlaBreached {
                    metric: Metric::FirstResponse,
                    tier: 1,
                },
            ),
            at(2.0, changed("tier", "1", "2")),
            at(
                2.0,
                Happening::Escalated {
                    from: 1,
                    to: 2,
                    reason: "sla".into(),
                    by: "sla".into(),
                },
            ),
            at(3.0, replied()),
            at(4.0, status("open", "resolved")),
            at(5.0, status("resolved", "open")),
            at(6.0, replied()),
            at(7.0, status("open", "resolved")),
        ];
        let service = measure(&ticket, &history, &Calendar::always_open(), Timestamp(0));
        assert_eq!(service.first_response.map(|s| s.wall), Some(3 * HOUR));
        assert_eq!(service.resolution.map(|s| s.wall), Some(7 * HOUR));
        assert_eq!(service.sla, [(Metric::FirstResponse, Kept::Missed)]);
        assert_eq!(service.reopens, 1);
        assert_eq!(service.tier_path, [1, 2]);
        let hours: Vec<(u8, i64)> = service
            .time_per_tier
            .iter()
            .map(|(t, s)| (*t, s.wall / HOUR))
            .collect();
        assert_eq!(hours, [(1, 2), (2, 5)]);
        assert_eq!(service.escalations, [2]);
        assert_eq!(service.agent_replies, 2);
        assert!(!service.first_contact_resolution);
    }

    #[test]
    fn an_open_ticket_has_no_resolution_and_its_targets_run() {
        let ticket = kit::ticket(1);
        let history = vec![
            at(0.0, opened()),
            at(
                0.0,
                Happening::SlaStarted {
                    policy: "standard".into(),
                    first_response_due: Some(Timestamp(1000 + HOUR)),
                    resolution_due: Some(Timestamp(1000 + 8 * HOUR)),
                },
            ),
        ];
        let now = Timestamp(1000 + HOUR / 2);
        let service = measure(&ticket, &history, &Calendar::always_open(), now);
        assert_eq!(service.first_response, None);
        assert_eq!(service.resolution, None);
        assert_eq!(
            service.sla,
            [
                (Metric::FirstResponse, Kept::Running),
                (Metric::Resolution, Kept::Running)
            ]
        );
        assert_eq!(
            service.time_per_tier,
            [(
                1,
                Span {
                    wall: 1800,
                    business: 1800
                }
            )]
        );
    }
}
