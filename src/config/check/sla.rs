//! Checks of the SLA sections: `[calendar.<id>]`, `[sla.<id>]`, `[rule.<id>]` and
//! `[testing]`, and the desk keys that refer to them.

use super::agents::section_ids;
use super::*;
use crate::calendar::{Calendar, Interval};
use crate::config::policy::{
    Agent, Assignment, Rule, RuleActions, SenderPattern, SlaPolicy, Team, TestingPolicy,
};
use crate::types::Priority;
use crate::types::{AgentId, TeamId, Tier};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// The calendars by id, each checked; a broken one is left out with its problems.
pub(super) fn check_calendars(
    cfg: &Config,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Calendar)> {
    section_ids(cfg, "calendar", problems)
        .into_iter()
        .filter_map(|id| {
            let key = format!("calendar.{id}");
            let raw: raw::Calendar = required(cfg, &key, problems)?;
            check_calendar(raw, &key, problems).map(|c| (id, c))
        })
        .collect()
}

fn check_calendar(raw: raw::Calendar, key: &str, problems: &mut Vec<Problem>) -> Option<Calendar> {
    let before = problems.len();
    let zone = TimeZone::get(&raw.timezone)
        .map_err(|_| Problem {
            key: format!("{key}.timezone"),
            message: format!(
                "unknown time zone {:?}; use an IANA name such as \"Asia/Jakarta\"",
                raw.timezone
            ),
        })
        .map_err(|p| problems.push(p))
        .ok();
    let weekdays = raw
        .weekdays
        .as_deref()
        .and_then(|t| keep(hours(t, &format!("{key}.weekdays")), problems));
    let own = [
        ("monday", raw.monday),
        ("tuesday", raw.tuesday),
        ("wednesday", raw.wednesday),
        ("thursday", raw.thursday),
        ("friday", raw.friday),
        ("saturday", raw.saturday),
        ("sunday", raw.sunday),
    ];
    let mut week: [Vec<Interval>; 7] = Default::default();
    for (i, (name, text)) in own.into_iter().enumerate() {
        week[i] = match (text, &weekdays) {
            (Some(text), _) => {
                keep(hours(&text, &format!("{key}.{name}")), problems).unwrap_or_default()
            }
            (None, Some(hours)) if i < 5 => hours.clone(),
            (None, _) => Vec::new(),
        };
    }
    let (yearly, dates) = holidays(raw.holidays.unwrap_or_default(), key, problems);
    if week.iter().all(Vec::is_empty) && problems.len() == before {
        problems.push(Problem {
            key: key.to_string(),
            message: "no working hours at all: set weekdays = \"08:00-17:00\" or a day's hours"
                .into(),
        });
    }
    (problems.len() == before).then(|| Calendar::new(zone.expect("checked"), week, yearly, dates))
}

/// "08:00-12:00, 13:00-17:00" → sorted intervals; "" or "closed" → none.
pub(super) fn hours(text: &str, key: &str) -> Result<Vec<Interval>, Problem> {
    let problem = |what: String| Problem {
        key: key.to_string(),
        message: format!("{what}: write hours such as \"08:00-12:00, 13:00-17:00\""),
    };
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut intervals = Vec::new();
    for part in text.split(',') {
        let (start, end) = part
            .split_once('-')
            .ok_or_else(|| problem(format!("{:?} has no '-'", part.trim())))?;
        let start =
            minutes(start).ok_or_else(|| problem(format!("{:?} is not a time", start.trim())))?;
        let end = minutes(end).ok_or_else(|| problem(format!("{:?} is not a time", end.trim())))?;
        if end <= start {
            return Err(problem(format!("{:?} ends before it starts", part.trim())));
        }
        intervals.push((start, end));
    }
    intervals.sort_unstable();
    if intervals.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(problem("intervals overlap".into()));
    }
    Ok(intervals)
}

/// "08:30" → 510; "24:00" is the end of the day.
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

fn holidays(
    list: Vec<String>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> (BTreeSet<(i8, i8)>, BTreeSet<Date>) {
    let mut yearly = BTreeSet::new();
    let mut dates = BTreeSet::new();
    for text in list {
        let text = text.trim();
        if let Ok(date) = text.parse::<Date>() {
            dates.insert(date);
        } else if let Some(day) = month_day(text) {
            yearly.insert(day);
        } else {
            problems.push(Problem {
                key: format!("{key}.holidays"),
                message: format!(
                    "{text:?} is not a date: write \"08-17\" for every year or \"2027-03-10\" for one day"
                ),
            });
        }
    }
    (yearly, dates)
}

fn month_day(text: &str) -> Option<(i8, i8)> {
    let (m, d) = text.split_once('-')?;
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    // 2024 is a leap year, so 02-29 is accepted.
    Date::new(2024, m, d).ok().map(|_| (m, d))
}

/// The desk keys that name calendars, leads and teams.
pub(super) struct DeskLinks {
    /// Working hours.
    pub calendar: Calendar,
    /// Lead.
    pub lead: Option<crate::types::Contact>,
    /// Staff domains of an internal desk.
    pub staff_domains: Vec<String>,
    /// Default team.
    pub team: Option<TeamId>,
}

pub(super) fn check_desk_links(
    raw: &raw::Desk,
    key: &str,
    calendars: &[(String, Calendar)],
    team_ids: &[String],
    problems: &mut Vec<Problem>,
) -> Option<DeskLinks> {
    let before = problems.len();
    let calendar = match &raw.calendar {
        None => Some(Calendar::always_open()),
        Some(name) => {
            let found = calendars.iter().find(|(id, _)| id == name);
            if found.is_none() {
                problems.push(Problem {
                    key: format!("{key}.calendar"),
                    message: format!(
                        "unknown calendar {name:?}; add [calendar.{name}] or fix the name"
                    ),
                });
            }
            found.map(|(_, c)| c.clone())
        }
    };
    let lead = raw.lead.as_deref().and_then(|text| {
        let contact = crate::types::Contact::parse(text);
        if contact.is_none() {
            problems.push(Problem {
                key: format!("{key}.lead"),
                message: format!("{text:?} is not an address such as \"Budi <budi@example.com>\""),
            });
        }
        contact
    });
    let internal = raw.kind == Some(raw::DeskKind::Internal);
    let staff_domains: Vec<String> = raw
        .domains
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|d| d.trim().trim_start_matches('@').to_lowercase())
        .collect();
    if internal && staff_domains.is_empty() {
        problems.push(Problem {
            key: format!("{key}.domains"),
            message:
                "an internal desk needs the domains its staff write from, e.g. [\"example.com\"]"
                    .into(),
        });
    }
    if !internal && !staff_domains.is_empty() {
        problems.push(Problem {
            key: format!("{key}.domains"),
            message: "only an internal desk (kind = \"internal\") takes domains".into(),
        });
    }
    let team = raw.team.as_ref().and_then(|name| {
        known(name, team_ids, "team", &format!("{key}.team"), problems).map(TeamId)
    });
    (problems.len() == before).then(|| DeskLinks {
        calendar: calendar.expect("checked"),
        lead,
        staff_domains,
        team,
    })
}

/// The name, if `[<section>.<name>]` exists; else a problem naming the key.
pub(super) fn known(
    name: &str,
    ids: &[String],
    section: &str,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    if ids.iter().any(|id| id == name) {
        return Some(name.to_string());
    }
    problems.push(Problem {
        key: key.to_string(),
        message: format!("unknown {section} {name:?}; add [{section}.{name}] or fix the name"),
    });
    None
}

/// `tier` and `assignment` of a team.
pub(super) fn check_team_work(
    raw: &raw::Team,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<(Tier, Assignment)> {
    let tier = check_tier(raw.tier.unwrap_or(1), &format!("{key}.tier"), problems);
    let assignment = match raw.assignment.as_deref().unwrap_or("none") {
        "none" => Some(Assignment::None),
        "round-robin" => Some(Assignment::RoundRobin),
        "least-open" => Some(Assignment::LeastOpen),
        other => {
            problems.push(Problem {
                key: format!("{key}.assignment"),
                message: format!(
                    "unknown assignment {other:?}; use \"round-robin\", \"least-open\" or \"none\""
                ),
            });
            None
        }
    };
    Some((tier?, assignment?))
}

pub(super) fn check_tier(tier: u8, key: &str, problems: &mut Vec<Problem>) -> Option<Tier> {
    if (1..=3).contains(&tier) {
        return Some(Tier(tier));
    }
    problems.push(Problem {
        key: key.to_string(),
        message: format!("tier {tier} does not exist; use 1, 2 or 3"),
    });
    None
}

pub(super) fn check_slas(
    cfg: &Config,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Vec<SlaPolicy> {
    section_ids(cfg, "sla", problems)
        .into_iter()
        .filter_map(|id| {
            let key = format!("sla.{id}");
            let raw: raw::Sla = required(cfg, &key, problems)?;
            check_sla(id, raw, &key, desks, problems)
        })
        .collect()
}

fn check_sla(
    id: String,
    raw: raw::Sla,
    key: &str,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Option<SlaPolicy> {
    let before = problems.len();
    let desk = raw.desk.and_then(|name| {
        let ids: Vec<String> = desks.iter().map(|d| d.id.0.clone()).collect();
        known(&name, &ids, "desk", &format!("{key}.desk"), problems).map(DeskId)
    });
    let priorities = raw
        .priority
        .unwrap_or_default()
        .iter()
        .filter_map(|p| priority(p, &format!("{key}.priority"), problems))
        .collect();
    let mut target = |text: Option<String>, name: &str| {
        text.and_then(|t| keep(duration(&t, &format!("{key}.{name}")), problems))
    };
    let first_response = target(raw.first_response, "first_response");
    let next_response = target(raw.next_response, "next_response");
    let resolution = target(raw.resolution, "resolution");
    let remind = raw.remind_every.unwrap_or_else(|| "4h".into());
    let remind_every = keep(duration(&remind, &format!("{key}.remind_every")), problems);
    let warn_percent = raw.warn_at.unwrap_or(80);
    if !(1..=99).contains(&warn_percent) {
        problems.push(Problem {
            key: format!("{key}.warn_at"),
            message: format!("{warn_percent} is not a share of the target: use 1 to 99 (percent)"),
        });
    }
    if remind_every.is_some_and(|d| d.is_zero()) {
        problems.push(Problem {
            key: format!("{key}.remind_every"),
            message: "must be longer than zero".into(),
        });
    }
    if [first_response, next_response, resolution]
        .iter()
        .all(Option::is_none)
        && problems.len() == before
    {
        problems.push(Problem {
            key: key.to_string(),
            message: "sets no target: give first_response, next_response or resolution".into(),
        });
    }
    (problems.len() == before).then(|| SlaPolicy {
        id,
        desk,
        priorities,
        category: raw.category,
        first_response,
        next_response,
        resolution,
        warn_percent,
        remind_every: remind_every.expect("checked"),
    })
}

pub(super) fn priority(text: &str, key: &str, problems: &mut Vec<Problem>) -> Option<Priority> {
    let found = Priority::parse(text);
    if found.is_none() {
        problems.push(Problem {
            key: key.to_string(),
            message: format!("unknown priority {text:?}; use low, normal, high or urgent"),
        });
    }
    found
}

/// What rules may refer to.
pub(super) struct Known<'a> {
    pub desks: &'a [Desk],
    pub teams: &'a [Team],
    pub agents: &'a [Agent],
}

pub(super) fn check_rules(
    cfg: &Config,
    known: &Known<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Rule> {
    section_ids(cfg, "rule", problems)
        .into_iter()
        .filter_map(|id| {
            let key = format!("rule.{id}");
            let raw: raw::Rule = required(cfg, &key, problems)?;
            check_rule(id, raw, &key, known, problems)
        })
        .collect()
}

fn check_rule(
    id: String,
    raw: raw::Rule,
    key: &str,
    refs: &Known<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Rule> {
    let before = problems.len();
    let sub = |name: &str| format!("{key}.{name}");
    let desk_ids: Vec<String> = refs.desks.iter().map(|d| d.id.0.clone()).collect();
    let team_ids: Vec<String> = refs.teams.iter().map(|t| t.id.0.clone()).collect();
    let agent_ids: Vec<String> = refs.agents.iter().map(|a| a.id.0.clone()).collect();
    let desk = raw
        .desk
        .and_then(|n| known(&n, &desk_ids, "desk", &sub("desk"), problems).map(DeskId));
    let from = raw
        .from
        .unwrap_or_default()
        .iter()
        .filter_map(|p| sender_pattern(p, &sub("from"), problems))
        .collect();
    let subject = raw
        .subject
        .and_then(|r| pattern(&r, &sub("subject"), problems));
    let body = raw.body.and_then(|r| pattern(&r, &sub("body"), problems));
    let headers = raw
        .headers
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, r)| {
            let regex = pattern(&r, &format!("{key}.headers.{name}"), problems)?;
            Some((name.to_lowercase(), regex))
        })
        .collect();
    let actions = RuleActions {
        category: raw.category,
        priority: raw.priority.and_then(|p| priority(&p, &sub("priority"), problems)),
        tier: raw.tier.and_then(|t| check_tier(t, &sub("tier"), problems)),
        team: raw.team.and_then(|n| known(&n, &team_ids, "team", &sub("team"), problems).map(TeamId)),
        assign: raw.assign.and_then(|n| known(&n, &agent_ids, "agent", &sub("assign"), problems).map(AgentId)),
        tags: raw.tags.unwrap_or_default(),
        acknowledgement: raw.acknowledgement.filter(|name| {
            let plain = is_plain_name(name);
            if !plain {
                problems.push(Problem {
                    key: sub("acknowledgement"),
                    message: format!("{name:?}: template variant names may hold only letters, digits, '-' and '_'"),
                });
            }
            plain
        }),
    };
    (problems.len() == before).then(|| Rule {
        id,
        desk,
        from,
        subject,
        body,
        keywords: raw
            .keywords
            .unwrap_or_default()
            .iter()
            .map(|k| k.to_lowercase())
            .collect(),
        headers,
        has_attachment: raw.has_attachment,
        actions,
        continue_after: raw.continue_after.unwrap_or(false),
    })
}

fn pattern(text: &str, key: &str, problems: &mut Vec<Problem>) -> Option<regex::Regex> {
    regex::RegexBuilder::new(text)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let first = e
                .to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string();
            problems.push(Problem {
                key: key.to_string(),
                message: format!("invalid regular expression {text:?}: {first}"),
            })
        })
        .ok()
}

fn sender_pattern(text: &str, key: &str, problems: &mut Vec<Problem>) -> Option<SenderPattern> {
    let text = text.trim();
    let domain = text
        .strip_prefix("*@")
        .or_else(|| (!text.contains('@')).then_some(text));
    match domain {
        Some(d) if !d.is_empty() && d.contains('.') => {
            Some(SenderPattern::Domain(d.to_lowercase()))
        }
        Some(_) => {
            problems.push(Problem {
                key: key.to_string(),
                message: format!(
                    "{text:?} is neither an address nor a domain such as \"*@example.co.id\""
                ),
            });
            None
        }
        None => check_address(text, key, problems).map(SenderPattern::Address),
    }
}

/// Test builds take `[testing]`; release builds refuse it, so a test clock never reaches
/// production.
pub(super) fn check_testing(cfg: &Config, problems: &mut Vec<Problem>) -> Option<TestingPolicy> {
    let raw: raw::Testing = optional(cfg, "testing", problems)?;
    let used = [
        ("clock_offset_file", raw.clock_offset_file.is_some()),
        ("fail_task", raw.fail_task.is_some()),
        ("journal_pause_ms", raw.journal_pause_ms.is_some()),
        ("idle_pause_ms", raw.idle_pause_ms.is_some()),
    ];
    if let Some((key, _)) = used
        .iter()
        .find(|(_, set)| *set)
        .filter(|_| !cfg!(debug_assertions))
    {
        problems.push(Problem {
            key: format!("testing.{key}"),
            message:
                "only test builds of loket (built without --release) accept [testing]; remove it"
                    .into(),
        });
        return None;
    }
    const TASKS: [&str; 6] = [
        "spool",
        "mailbox",
        "worker",
        "sender",
        "scheduler",
        "control",
    ];
    if let Some(task) = raw.fail_task.as_deref().filter(|t| !TASKS.contains(t)) {
        problems.push(Problem {
            key: "testing.fail_task".into(),
            message: format!("there is no task `{task}`; one of: {}", TASKS.join(", ")),
        });
        return None;
    }
    Some(TestingPolicy {
        clock_offset_file: raw.clock_offset_file,
        fail_task: raw.fail_task,
        journal_pause: raw.journal_pause_ms.map(std::time::Duration::from_millis),
        idle_pause: raw.idle_pause_ms.map(std::time::Duration::from_millis),
    })
}
