//! What a step changes beside its tickets: the due-time index of timers, the agents'
//! open-ticket counts and away flags, and the auto-reply ledgers. Worked out here, before
//! the commit, so that the store only writes what it is given.

use super::event::{AgentLoad, Staff};
use super::loops::AutoReplyBudget;
use super::ticket::Ticket;
use super::timer::Timer;
use crate::types::{AgentId, EmailAddress, Timestamp};

/// The length of a recipient's window of automatic replies (`auto_replies_per_sender_per_hour`).
const SENDER_WINDOW_SECS: i64 = 3600;
/// The length of the window for everyone (`auto_replies_per_minute`).
const ALL_WINDOW_SECS: i64 = 60;
/// The length of a customer's window of satisfaction questions: one a day.
const RATING_WINDOW_SECS: i64 = 86_400;

/// One fixed-window counter of automatic replies: to one address in one clock hour, or to
/// anyone in one clock minute. A counter is a number, not a list of times, so that the
/// ledger costs the same however busy the desk is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReplyWindow {
    /// Replies to `address` in the hour starting at `start`.
    Sender {
        /// The recipient.
        address: EmailAddress,
        /// The window's start.
        start: Timestamp,
    },
    /// Replies to anyone in the minute starting at `start`.
    All {
        /// The window's start.
        start: Timestamp,
    },
    /// Tickets `address` opened in the (UTC) day starting at `start`.
    Opened {
        /// The customer.
        address: EmailAddress,
        /// The window's start.
        start: Timestamp,
    },
    /// Satisfaction questions to `address` in the (UTC) day starting at `start`.
    RatingAsked {
        /// The customer.
        address: EmailAddress,
        /// The window's start.
        start: Timestamp,
    },
}

impl ReplyWindow {
    /// The window `now` falls in for replies to `address`.
    pub fn sender(address: &EmailAddress, now: Timestamp) -> ReplyWindow {
        ReplyWindow::Sender {
            address: address.clone(),
            start: Timestamp(now.0 - now.0.rem_euclid(SENDER_WINDOW_SECS)),
        }
    }

    /// The window `now` falls in for replies to anyone.
    pub fn all(now: Timestamp) -> ReplyWindow {
        ReplyWindow::All {
            start: Timestamp(now.0 - now.0.rem_euclid(ALL_WINDOW_SECS)),
        }
    }

    /// The window `now` falls in for tickets opened by `address`.
    pub fn opened(address: &EmailAddress, now: Timestamp) -> ReplyWindow {
        ReplyWindow::Opened {
            address: address.clone(),
            start: Timestamp(now.0 - now.0.rem_euclid(RATING_WINDOW_SECS)),
        }
    }

    /// The windows of the 30 days up to `now`, for the tickets `address` opened.
    pub fn opened_in_30_days(address: &EmailAddress, now: Timestamp) -> Vec<ReplyWindow> {
        (0..30)
            .map(|day| ReplyWindow::opened(address, Timestamp(now.0 - day * RATING_WINDOW_SECS)))
            .collect()
    }

    /// The window `now` falls in for satisfaction questions to `address`.
    pub fn rating_asked(address: &EmailAddress, now: Timestamp) -> ReplyWindow {
        ReplyWindow::RatingAsked {
            address: address.clone(),
            start: Timestamp(now.0 - now.0.rem_euclid(RATING_WINDOW_SECS)),
        }
    }
}

/// Timers to add to and remove from the due-time index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimerChanges {
    /// Timers the ticket has now and did not have before.
    pub set: Vec<Timer>,
    /// Timers the ticket had and no longer has.
    pub removed: Vec<Timer>,
}

/// The timer index entries that follow a ticket from `before` (absent for a new ticket)
/// to `after`.
pub fn timer_changes(before: Option<&Ticket>, after: &Ticket) -> TimerChanges {
    let old = before.map(Ticket::timers).unwrap_or_default();
    let new = after.timers();
    TimerChanges {
        set: new.iter().filter(|t| !old.contains(t)).copied().collect(),
        removed: old.iter().filter(|t| !new.contains(t)).copied().collect(),
    }
}

/// The agents' loads as a step leaves them: open-ticket counts follow each changed
/// ticket's assignee and status, a newly assigned agent is stamped with the time, and
/// `#away`/`#back` set the agent's own word. Only agents whose load changed are listed.
pub fn agent_loads(
    changed: &[(Option<&Ticket>, &Ticket)],
    away: &[(AgentId, bool)],
    staff: Staff<'_>,
) -> Vec<(AgentId, AgentLoad)> {
    let mut loads = Loads {
        staff,
        changed: Vec::new(),
    };
    for (before, after) in changed {
        let holder = |t: &Ticket| t.assignee.clone().filter(|_| t.is_open());
        let (was, is) = (before.and_then(holder), holder(after));
        if was != is {
            if let Some(agent) = &was {
                let load = loads.entry(agent);
                load.open = load.open.saturating_sub(1);
            }
            if let Some(agent) = &is {
                loads.entry(agent).open += 1;
            }
        }
        let previous = before.and_then(|b| b.assignee.as_ref());
        if let Some(agent) = after.assignee.as_ref().filter(|a| previous != Some(*a)) {
            loads.entry(agent).last_assigned = Some(after.updated_at);
        }
    }
    for (agent, is_away) in away {
        loads.entry(agent).away = Some(*is_away);
    }
    loads.changed
}

/// Loads read from the staff snapshot on first use, then changed in place.
struct Loads<'a> {
    staff: Staff<'a>,
    changed: Vec<(AgentId, AgentLoad)>,
}

impl Loads<'_> {
    fn entry(&mut self, agent: &AgentId) -> &mut AgentLoad {
        let index = match self.changed.iter().position(|(id, _)| id == agent) {
            Some(index) => index,
            None => {
                self.changed.push((agent.clone(), self.staff.load(agent)));
                self.changed.len() - 1
            }
        };
        &mut self.changed[index].1
    }
}

/// How many automatic replies went out in the current windows, from the counters.
pub fn budget(to_sender: u32, to_all: u32) -> AutoReplyBudget {
    AutoReplyBudget {
        to_sender_last_hour: to_sender,
        to_all_last_minute: to_all,
        ratings_asked_today: 0,
        opened_last_30_days: 0,
    }
}

/// Counts one more automatic reply to `to` at `now` into `counters` (a change's counters
/// as they stand): a window the change has not touched yet starts from what the snapshot
/// counted (`counted`).
pub fn count_reply(
    counters: &mut Vec<(ReplyWindow, u32)>,
    to: &EmailAddress,
    now: Timestamp,
    counted: impl Fn(&ReplyWindow) -> u32,
) {
    for window in [ReplyWindow::sender(to, now), ReplyWindow::all(now)] {
        count_in(counters, window, &counted);
    }
}

/// Counts one more ticket opened by `by` at `now` into `counters`, as `count_reply`
/// does for automatic replies.
pub fn count_opened(
    counters: &mut Vec<(ReplyWindow, u32)>,
    by: &EmailAddress,
    now: Timestamp,
    counted: impl Fn(&ReplyWindow) -> u32,
) {
    count_in(counters, ReplyWindow::opened(by, now), &counted);
}

/// Counts one more satisfaction question to `to` at `now` into `counters`, as
/// `count_reply` does for automatic replies.
pub fn count_rating_asked(
    counters: &mut Vec<(ReplyWindow, u32)>,
    to: &EmailAddress,
    now: Timestamp,
    counted: impl Fn(&ReplyWindow) -> u32,
) {
    count_in(counters, ReplyWindow::rating_asked(to, now), &counted);
}

fn count_in(
    counters: &mut Vec<(ReplyWindow, u32)>,
    window: ReplyWindow,
    counted: &impl Fn(&ReplyWindow) -> u32,
) {
    match counters.iter_mut().find(|(w, _)| *w == window) {
        Some((_, n)) => *n += 1,
        None => {
            let n = counted(&window) + 1;
            counters.push((window, n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sla::{one_clock, Metric};
    use crate::engine::test_kit as kit;
    use crate::engine::timer::TimerKind;
    use crate::engine::Status;
    use std::collections::BTreeMap;

    fn with_clock(mut ticket: Ticket, due: Option<i64>) -> Ticket {
        let mut sla = one_clock(Timestamp(due.unwrap_or(0)));
        if due.is_none() {
            sla.clocks.clear();
        }
        ticket.sla = Some(sla);
        ticket
    }

    fn breach(due: i64) -> Timer {
        Timer {
            due: Timestamp(due),
            kind: TimerKind::Breach(Metric::FirstResponse),
        }
    }

    #[test]
    fn timers_follow_the_ticket_in_the_due_time_index() {
        let opened = with_clock(kit::ticket(1), Some(500));
        let new = timer_changes(None, &opened);
        assert_eq!((new.set, new.removed), (vec![breach(500)], vec![]));
        // The clock moves: the old entry goes, the new one comes.
        let moved = with_clock(opened.clone(), Some(900));
        let changes = timer_changes(Some(&opened), &moved);
        assert_eq!(
            (changes.set, changes.removed),
            (vec![breach(900)], vec![breach(500)])
        );
        // Nothing changed, nothing to write.
        assert_eq!(timer_changes(Some(&moved), &moved), TimerChanges::default());
        // No clock, no timer.
        let stopped = with_clock(moved.clone(), None);
        let changes = timer_changes(Some(&moved), &stopped);
        assert_eq!((changes.set, changes.removed), (vec![], vec![breach(900)]));
    }

    #[test]
    fn agents_open_ticket_counts_follow_assignment_and_status() {
        let andi = AgentId("andi".into());
        let rina = AgentId("rina".into());
        let mut opened = kit::ticket(1);
        opened.assignee = Some(andi.clone());
        let none = BTreeMap::new();
        let loads = agent_loads(&[(None, &opened)], &[], Staff(&none));
        let stamped = AgentLoad {
            open: 1,
            last_assigned: Some(opened.updated_at),
            away: None,
        };
        assert_eq!(loads, vec![(andi.clone(), stamped)]);
        // Handed to Rina while Andi says he is away.
        let known: BTreeMap<_, _> = loads.into_iter().collect();
        let mut handed = opened.clone();
        handed.assignee = Some(rina.clone());
        handed.updated_at = Timestamp(2000);
        let loads = agent_loads(
            &[(Some(&opened), &handed)],
            &[(andi.clone(), true)],
            Staff(&known),
        );
        let by_id: BTreeMap<_, _> = loads.into_iter().collect();
        assert_eq!(by_id[&andi].open, 0);
        assert_eq!(by_id[&andi].away, Some(true));
        assert_eq!(by_id[&rina].open, 1);
        assert_eq!(by_id[&rina].last_assigned, Some(Timestamp(2000)));
        // Resolving frees the assignee; reassigning nobody changes nothing else.
        let mut resolved = handed.clone();
        resolved.status = Status::Resolved;
        let loads = agent_loads(&[(Some(&handed), &resolved)], &[], Staff(&by_id));
        assert_eq!(loads.len(), 1);
        assert_eq!(loads[0].0, rina);
        assert_eq!(loads[0].1.open, 0);
        assert!(agent_loads(&[(Some(&resolved), &resolved)], &[], Staff(&by_id)).is_empty());
    }

    #[test]
    fn auto_replies_are_counted_in_fixed_clock_windows() {
        let budi = EmailAddress::parse("budi@example.id").expect("valid");
        let sari = EmailAddress::parse("sari@example.id").expect("valid");
        // 10:59:59 and 10:00:00 share an hour; 11:00:00 starts the next.
        let at = |h: i64, m: i64, s: i64| {
            Timestamp(1_790_000_000 - 1_790_000_000 % 86_400 + h * 3600 + m * 60 + s)
        };
        assert_eq!(
            ReplyWindow::sender(&budi, at(10, 59, 59)),
            ReplyWindow::sender(&budi, at(10, 0, 0))
        );
        assert_ne!(
            ReplyWindow::sender(&budi, at(10, 59, 59)),
            ReplyWindow::sender(&budi, at(11, 0, 0))
        );
        assert_eq!(
            ReplyWindow::all(at(10, 5, 59)),
            ReplyWindow::all(at(10, 5, 0))
        );
        assert_ne!(
            ReplyWindow::all(at(10, 5, 59)),
            ReplyWindow::all(at(10, 6, 0))
        );
        // Two replies to Budi and one to Sari in one step: Budi's counter goes up by two,
        // everyone's by three, each from what was counted before.
        let before = |w: &ReplyWindow| match w {
            ReplyWindow::Sender { .. } => 1,
            ReplyWindow::All { .. } => 10,
            ReplyWindow::RatingAsked { .. } | ReplyWindow::Opened { .. } => 0,
        };
        let now = at(10, 30, 0);
        let mut counters = Vec::new();
        for to in [&budi, &budi, &sari] {
            count_reply(&mut counters, to, now, before);
        }
        assert_eq!(
            counters,
            vec![
                (ReplyWindow::sender(&budi, now), 3),
                (ReplyWindow::all(now), 13),
                (ReplyWindow::sender(&sari, now), 2),
            ]
        );
        assert_eq!(budget(3, 13).to_sender_last_hour, 3);
    }
}
