//! Reports over the store: how a desk served its customers in a period, and which
//! problems keep coming back.
//!
//! Pure: `build` counts the `Facts` of each ticket (read once from its record and
//! history) for a period and its groups; `render` writes the result as text or CSV. The
//! store is read by the caller (the CLI, or the daemon behind the control socket).

pub mod chart;
pub mod facts;
pub mod render;
pub mod schedule;

use crate::calendar::Calendar;
use crate::engine::satisfaction::Score;
use crate::engine::service::{Kept, Span};
use crate::engine::sla::Metric;
use crate::types::Timestamp;
use facts::Facts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What a report is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// The agents who answered and resolved.
    Agent,
    /// The ticket's category.
    Category,
    /// The tier the ticket is at.
    Tier,
    /// The ticket's priority.
    Priority,
    /// Each day of the period (in the desk's calendar).
    Day,
    /// Each week of the period, Monday to Sunday.
    Week,
}

impl By {
    /// Reads the name `--by` takes.
    pub fn parse(text: &str) -> Option<By> {
        Some(match text {
            "agent" => By::Agent,
            "category" => By::Category,
            "tier" => By::Tier,
            "priority" => By::Priority,
            "day" => By::Day,
            "week" => By::Week,
            _ => return None,
        })
    }
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            By::Agent => "agent",
            By::Category => "category",
            By::Tier => "tier",
            By::Priority => "priority",
            By::Day => "day",
            By::Week => "week",
        })
    }
}

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// One desk, or every desk.
    pub desk: Option<String>,
    /// The period's first instant.
    pub from: Timestamp,
    /// The instant after its end.
    pub to: Timestamp,
    /// The grouping, if any.
    pub by: Option<By>,
}

/// Median and 90th percentile of a set of times (nearest rank: the smallest value with at
/// least that share of the values at or below it), wall clock and working hours each on
/// their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    /// How many times were measured.
    pub count: u32,
    /// The median.
    pub median: Option<Span>,
    /// The 90th percentile.
    pub p90: Option<Span>,
}

impl Times {
    fn of(spans: &[Span]) -> Times {
        let mut wall: Vec<i64> = spans.iter().map(|s| s.wall).collect();
        let mut business: Vec<i64> = spans.iter().map(|s| s.business).collect();
        wall.sort_unstable();
        business.sort_unstable();
        let at = |share: f64| {
            Some(Span {
                wall: nearest_rank(&wall, share)?,
                business: nearest_rank(&business, share)?,
            })
        };
        Times {
            count: spans.len() as u32,
            median: at(0.5),
            p90: at(0.9),
        }
    }
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[i64], share: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (share * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// How often one SLA target was kept, over the tickets opened in the period that had it
/// and are no longer running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attainment {
    /// The target.
    pub metric: Metric,
    /// Kept.
    pub met: u32,
    /// Missed.
    pub missed: u32,
}

/// The ratings given in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// Counted ratings.
    pub ratings: u32,
    /// The average of the 1-5 ratings.
    pub average: Option<f64>,
    /// Ratings of 4 or 5, or "solved".
    pub satisfied: u32,
}

impl Satisfaction {
    fn of<'a>(scores: impl Iterator<Item = &'a Score>) -> Satisfaction {
        let (mut ratings, mut stars, mut starred, mut satisfied) = (0, 0u32, 0u32, 0);
        for score in scores {
            ratings += 1;
            if let Score::Stars(n) = score {
                stars += u32::from(*n);
                starred += 1;
            }
            if matches!(score, Score::Stars(4 | 5) | Score::Solved(true)) {
                satisfied += 1;
            }
        }
        Satisfaction {
            ratings,
            average: (starred > 0).then(|| f64::from(stars) / f64::from(starred)),
            satisfied,
        }
    }
}

/// The figures of a period over a set of tickets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Tickets opened in the period.
    pub opened: u32,
    /// Tickets resolved in the period (once each, however often).
    pub closed: u32,
    /// Tickets that still needed work at the period's end.
    pub open_at_end: u32,
    /// Their median age at the end, wall-clock seconds.
    pub backlog_median_age: Option<i64>,
    /// The oldest one's age.
    pub backlog_oldest_age: Option<i64>,
    /// First answers given in the period, from each ticket's opening.
    pub first_response: Times,
    /// Resolutions in the period (each ticket's last one in it), from its opening.
    pub resolution: Times,
    /// SLA targets of the tickets opened in the period.
    pub sla: Vec<Attainment>,
    /// Of the tickets resolved in the period, those ever reopened.
    pub reopened: u32,
    /// Of the tickets resolved in the period, those resolved at first contact.
    pub first_contact: u32,
    /// Of the tickets resolved in the period, those the customer solved with an answer
    /// offered in the acknowledgement (self-service; not counted as first contact).
    #[serde(default)]
    pub self_service: u32,
    /// Escalations in the period, per tier reached.
    pub escalations: BTreeMap<u8, u32>,
    /// Visits scheduled in the period.
    pub visits: u32,
    /// Ratings given in the period.
    pub satisfaction: Satisfaction,
}

/// One agent's work in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRow {
    /// The agent's id.
    pub agent: String,
    /// Tickets they answered or resolved in the period.
    pub handled: u32,
    /// Answers they sent.
    pub replies: u32,
    /// Median time to the first answer of the tickets they answered first in the period.
    pub median_response: Option<Span>,
    /// Ratings in the period of the tickets they resolved.
    pub satisfaction: Satisfaction,
    /// Tickets assigned to them that still needed work at the end.
    pub open_load: u32,
}

/// One group of a grouped report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Its key: the category, tier, priority, day (`2026-11-23`) or week (`2026-W48`).
    pub key: String,
    /// Its figures.
    pub figures: Figures,
}

/// What rose most against the previous period of the same length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rise {
    /// What is counted: `category`, `sender`, `organisation` or `term`.
    pub kind: String,
    /// Which one.
    pub key: String,
    /// New tickets in the period.
    pub now: u32,
    /// New tickets in the period before.
    pub before: u32,
}

/// A customer who opened many tickets lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frequent {
    /// Their address.
    pub customer: String,
    /// Tickets they opened in the 30 days before the period's end.
    pub tickets: u32,
}

/// A report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What it covers.
    pub query: Query,
    /// The whole period.
    pub total: Figures,
    /// Per group, when grouped by category, tier, priority, day or week.
    pub groups: Vec<Group>,
    /// Per agent, when grouped by agent.
    pub agents: Vec<AgentRow>,
    /// The period before, which `rising` compares against: its first instant.
    pub previous_from: Timestamp,
    /// Categories, senders, organisations and subject terms that rose most.
    pub rising: Vec<Rise>,
    /// Customers with three or more tickets in the 30 days before the end.
    pub frequent: Vec<Frequent>,
}

/// How many of each kind `rising` lists.
const RISING_PER_KIND: usize = 5;
/// Tickets in 30 days that make a frequent customer.
const FREQUENT_TICKETS: u32 = 3;
const THIRTY_DAYS: i64 = 30 * 86_400;

/// Builds the report of `query` over every ticket's facts; days and weeks are cut in
/// `calendar` (the desk's).
pub fn build(all: &[Facts], query: &Query, calendar: &Calendar) -> Report {
    let tickets: Vec<&Facts> = all
        .iter()
        .filter(|f| query.desk.as_ref().is_none_or(|d| *d == f.desk))
        .collect();
    let (from, to) = (query.from, query.to);
    let mut groups = Vec::new();
    let mut agents = Vec::new();
    match query.by {
        None => {}
        Some(By::Agent) => agents = agent_rows(&tickets, from, to),
        Some(By::Day | By::Week) => {
            for (key, start, end) in periods(query.by == Some(By::Week), from, to, calendar) {
                let figures = figures(&tickets, start, end);
                groups.push(Group { key, figures });
            }
        }
        Some(by) => {
            let mut keyed: BTreeMap<String, Vec<&Facts>> = BTreeMap::new();
            for facts in &tickets {
                keyed.entry(group_key(facts, by)).or_default().push(facts);
            }
            groups = keyed
                .into_iter()
                .map(|(key, members)| Group {
                    key,
                    figures: figures(&members, from, to),
                })
                .filter(|g| g.figures != Figures::default())
                .collect();
        }
    }
    let previous_from = Timestamp(from.0 - (to.0 - from.0));
    Report {
        query: query.clone(),
        total: figures(&tickets, from, to),
        groups,
        agents,
        previous_from,
        rising: rising(&tickets, previous_from, from, to),
        frequent: frequent(&tickets, to),
    }
}

fn within(at: Timestamp, from: Timestamp, to: Timestamp) -> bool {
    from <= at && at < to
}

fn group_key(facts: &Facts, by: By) -> String {
    match by {
        By::Category => facts.category.clone().unwrap_or_else(|| "-".into()),
        By::Tier => facts.tier.to_string(),
        By::Priority => facts.priority.to_string(),
        By::Agent | By::Day | By::Week => String::new(),
    }
}

/// The figures of `[from, to)` over `tickets`.
fn figures(tickets: &[&Facts], from: Timestamp, to: Timestamp) -> Figures {
    let mut figures = Figures::default();
    let mut first_responses = Vec::new();
    let mut resolutions = Vec::new();
    let mut backlog = Vec::new();
    let mut sla: Vec<Attainment> = Vec::new();
    let mut scores = Vec::new();
    for facts in tickets {
        let opened_now = within(facts.created, from, to);
        if opened_now {
            figures.opened += 1;
            for (metric, kept) in &facts.sla {
                let at = match sla.iter_mut().find(|a| a.metric == *metric) {
                    Some(at) => at,
                    None => {
                        sla.push(Attainment {
                            metric: *metric,
                            met: 0,
                            missed: 0,
                        });
                        sla.last_mut().expect("just pushed")
                    }
                };
                match kept {
                    Kept::Met => at.met += 1,
                    Kept::Missed => at.missed += 1,
                    Kept::Running => {}
                }
            }
        }
        if facts.open_before(to) {
            figures.open_at_end += 1;
            backlog.push(to.0 - facts.created.0);
        }
        if let Some((at, took, _)) = &facts.first_reply {
            if within(*at, from, to) {
                first_responses.push(*took);
            }
        }
        let last_resolution = facts
            .resolutions
            .iter()
            .rev()
            .find(|r| within(r.at, from, to));
        if let Some(resolved) = last_resolution {
            figures.closed += 1;
            resolutions.push(resolved.took);
            if facts.reopenings.iter().any(|at| *at < to) {
                figures.reopened += 1;
            }
            if facts.self_service.contains(&resolved.at) {
                figures.self_service += 1;
            } else if facts.first_contact {
                figures.first_contact += 1;
            }
        }
        for (at, tier) in &facts.escalations {
            if within(*at, from, to) {
                *figures.escalations.entry(*tier).or_default() += 1;
            }
        }
        figures.visits += facts
            .visits
            .iter()
            .filter(|at| within(**at, from, to))
            .count() as u32;
        scores.extend(
            facts
                .ratings
                .iter()
                .filter(|(at, _)| within(*at, from, to))
                .map(|(_, score)| *score),
        );
    }
    backlog.sort_unstable();
    figures.backlog_median_age = nearest_rank(&backlog, 0.5);
    figures.backlog_oldest_age = backlog.last().copied();
    figures.first_response = Times::of(&first_responses);
    figures.resolution = Times::of(&resolutions);
    sla.sort_by_key(|a| a.metric.to_string());
    figures.sla = sla;
    figures.satisfaction = Satisfaction::of(scores.iter());
    figures
}

/// Each agent who answered or resolved in `[from, to)`, or holds open tickets at the end.
fn agent_rows(tickets: &[&Facts], from: Timestamp, to: Timestamp) -> Vec<AgentRow> {
    #[derive(Default)]
    struct Tally {
        handled: u32,
        replies: u32,
        responses: Vec<Span>,
        scores: Vec<Score>,
        open_load: u32,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for facts in tickets {
        let mut handlers: Vec<&str> = Vec::new();
        for (at, agent) in &facts.replies {
            if within(*at, from, to) {
                tallies.entry(agent.0.clone()).or_default().replies += 1;
                handlers.push(&agent.0);
            }
        }
        for resolved in facts.resolutions.iter().filter(|r| within(r.at, from, to)) {
            handlers.push(&resolved.by);
        }
        handlers.sort_unstable();
        handlers.dedup();
        for agent in handlers {
            tallies.entry(agent.to_string()).or_default().handled += 1;
        }
        if let Some((at, took, agent)) = &facts.first_reply {
            if within(*at, from, to) {
                tallies
                    .entry(agent.0.clone())
                    .or_default()
                    .responses
                    .push(*took);
            }
        }
        for (at, score) in facts.ratings.iter().filter(|(at, _)| within(*at, from, to)) {
            if let Some(by) = facts.resolved_by_before(*at) {
                tallies
                    .entry(by.to_string())
                    .or_default()
                    .scores
                    .push(*score);
            }
        }
        if let Some(agent) = facts.assignee.as_ref().filter(|_| facts.open_before(to)) {
            tallies.entry(agent.0.clone()).or_default().open_load += 1;
        }
    }
    tallies
        .into_iter()
        .filter(|(agent, _)| !agent.is_empty())
        .map(|(agent, tally)| AgentRow {
            agent,
            handled: tally.handled,
            replies: tally.replies,
            median_response: Times::of(&tally.responses).median,
            satisfaction: Satisfaction::of(tally.scores.iter()),
            open_load: tally.open_load,
        })
        .collect()
}

/// The days (or Monday-to-Sunday weeks) that `[from, to)` touches, each cut to it, in
/// `calendar`.
fn periods(
    weeks: bool,
    from: Timestamp,
    to: Timestamp,
    calendar: &Calendar,
) -> Vec<(String, Timestamp, Timestamp)> {
    let mut out = Vec::new();
    let mut day = calendar.date_of(from);
    if weeks {
        let back = i64::from(day.weekday().to_monday_zero_offset());
        day = day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day);
    }
    let step = if weeks { 7 } else { 1 };
    while calendar.start_of(day) < to {
        let Ok(next) = day.checked_add(jiff::Span::new().days(step)) else {
            break;
        };
        let key = if weeks {
            let week = day.iso_week_date();
            format!("{}-W{:02}", week.year(), week.week())
        } else {
            day.to_string()
        };
        let start = calendar.start_of(day).max(from);
        let end = calendar.start_of(next).min(to);
        out.push((key, start, end));
        day = next;
    }
    out
}

/// Words of subjects too common to say anything about a problem.
const STOP_WORDS: &[&str] = &[
    "tidak", "bisa", "yang", "untuk", "dengan", "mohon", "tolong", "masalah", "pada", "saya",
    "kami", "sudah", "belum", "lagi", "dari", "this", "that", "with", "from", "have", "does",
    "cannot", "please", "help", "issue", "problem", "again", "about", "when", "what", "the", "and",
    "for", "not", "you", "are", "can", "but", "dan", "ada", "ini", "itu", "aku", "fwd", "re", "aw",
];

/// The distinct words of a subject that can name a problem: three letters or more (VPN,
/// DNS), not a number, a reply prefix or a stop word.
fn subject_terms(subject: &str) -> Vec<String> {
    let mut terms: Vec<String> = subject
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The categories, senders, organisations and subject terms of new tickets that rose
/// most from `[before, from)` to `[from, to)`: those with at least two tickets now and
/// more than before, the greatest rise first.
fn rising(tickets: &[&Facts], before: Timestamp, from: Timestamp, to: Timestamp) -> Vec<Rise> {
    let mut counts: BTreeMap<(&'static str, String), (u32, u32)> = BTreeMap::new();
    for facts in tickets {
        let slot = if within(facts.created, from, to) {
            0
        } else if within(facts.created, before, from) {
            1
        } else {
            continue;
        };
        let mut keys: Vec<(&'static str, String)> = Vec::new();
        if let Some(category) = &facts.category {
            keys.push(("category", category.clone()));
        }
        if let Some(requester) = &facts.requester {
            keys.push(("sender", requester.to_string()));
            let domain = requester.domain().to_lowercase();
            if !crate::thread::is_free_mail(&domain) {
                keys.push(("organisation", domain));
            }
        }
        keys.extend(
            subject_terms(&facts.subject)
                .into_iter()
                .map(|t| ("term", t)),
        );
        for key in keys {
            let count = counts.entry(key).or_default();
            if slot == 0 {
                count.0 += 1;
            } else {
                count.1 += 1;
            }
        }
    }
    let mut rises: Vec<Rise> = counts
        .into_iter()
        .filter(|(_, (now, before))| *now >= 2 && now > before)
        .map(|((kind, key), (now, before))| Rise {
            kind: kind.to_string(),
            key,
            now,
            before,
        })
        .collect();
    rises.sort_by(|a, b| {
        let order = |k: &str| {
            ["category", "organisation", "sender", "term"]
                .iter()
                .position(|x| *x == k)
        };
        order(&a.kind)
            .cmp(&order(&b.kind))
            .then((b.now - b.before).cmp(&(a.now - a.before)))
            .then(b.now.cmp(&a.now))
            .then(a.key.cmp(&b.key))
    });
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    rises.retain(|rise| {
        let seen = per_kind.entry(rise.kind.clone()).or_default();
        *seen += 1;
        *seen <= RISING_PER_KIND
    });
    rises
}

/// Customers who opened three or more tickets in the 30 days before `to`, most first.
fn frequent(tickets: &[&Facts], to: Timestamp) -> Vec<Frequent> {
    let since = Timestamp(to.0 - THIRTY_DAYS);
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for facts in tickets.iter().filter(|f| within(f.created, since, to)) {
        if let Some(requester) = &facts.requester {
            *counts.entry(requester.to_string()).or_default() += 1;
        }
    }
    let mut frequent: Vec<Frequent> = counts
        .into_iter()
        .filter(|(_, n)| *n >= FREQUENT_TICKETS)
        .map(|(customer, tickets)| Frequent { customer, tickets })
        .collect();
    frequent.sort_by(|a, b| b.tickets.cmp(&a.tickets).then(a.customer.cmp(&b.customer)));
    frequent
}

#[cfg(test)]
mod tests;
