//! What a step changes beside its tickets: the due-time index of timers, the agents'
//! open-ticket counts and away flags, and the auto-reply ledgers. Worked out here, before
//! the commit, so that the store only writes what it is given.

use super::event::{AgentLoad, Staff};
use super::loops::AutoReplyBudget;
use super::ticket::Ticket;
use super::timer::Timer;
use crate::types::{AgentId, Timestamp};

/// How long an automatic reply counts against its recipient's hourly limit.
const SENDER_WINDOW_SECS: i64 = 3600;
/// How long an automatic reply counts against the per-minute limit for everyone.
const ALL_WINDOW_SECS: i64 = 60;

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

/// How many automatic replies went out recently, from the ledgers.
pub fn budget(to_sender: &[Timestamp], to_all: &[Timestamp], now: Timestamp) -> AutoReplyBudget {
    AutoReplyBudget {
        to_sender_last_hour: recent(to_sender, now.minus_secs(SENDER_WINDOW_SECS)),
        to_all_last_minute: recent(to_all, now.minus_secs(ALL_WINDOW_SECS)),
    }
}

/// A recipient's ledger after one more automatic reply at `now`: entries that no longer
/// count are dropped.
pub fn sender_ledger_after_reply(times: &[Timestamp], now: Timestamp) -> Vec<Timestamp> {
    kept_with(times, now.minus_secs(SENDER_WINDOW_SECS), now)
}

/// The everyone-ledger after one more automatic reply at `now`.
pub fn all_ledger_after_reply(times: &[Timestamp], now: Timestamp) -> Vec<Timestamp> {
    kept_with(times, now.minus_secs(ALL_WINDOW_SECS), now)
}

fn recent(times: &[Timestamp], since: Timestamp) -> u32 {
    times.iter().filter(|t| **t > since).count() as u32
}

fn kept_with(times: &[Timestamp], since: Timestamp, now: Timestamp) -> Vec<Timestamp> {
    let mut kept: Vec<Timestamp> = times.iter().copied().filter(|t| *t > since).collect();
    kept.push(now);
    kept
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
    fn the_auto_reply_ledgers_count_and_keep_only_their_windows() {
        let now = Timestamp(10_000);
        let sent = [Timestamp(5_000), Timestamp(9_000), Timestamp(9_990)];
        let budget = budget(&sent, &sent, now);
        assert_eq!(
            budget.to_sender_last_hour, 2,
            "5000 is more than an hour ago"
        );
        assert_eq!(
            budget.to_all_last_minute, 1,
            "only 9990 is within the minute"
        );
        assert_eq!(
            sender_ledger_after_reply(&sent, now),
            vec![Timestamp(9_000), Timestamp(9_990), now]
        );
        assert_eq!(
            all_ledger_after_reply(&sent, now),
            vec![Timestamp(9_990), now]
        );
    }
}
