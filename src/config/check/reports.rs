//! Checks of `[reports.<name>]`: who gets each scheduled report, of which desk, how
//! often, grouped how and in which language.

use super::agents::section_ids;
use super::sla::known;
use super::*;
use crate::config::policy::{Every, ScheduledReport};
use crate::types::{Contact, Language};

/// The groupings a report's table may have.
pub(super) const GROUPINGS: [&str; 6] = ["agent", "category", "tier", "priority", "day", "week"];

/// Every scheduled report, checked; the ones with problems are left out (their problems
/// said).
pub(super) fn check_reports(
    cfg: &Config,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Vec<ScheduledReport> {
    section_ids(cfg, "reports", problems)
        .into_iter()
        .filter_map(|name| check_report(cfg, name, desks, problems))
        .collect()
}

fn check_report(
    cfg: &Config,
    name: String,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Option<ScheduledReport> {
    let key = format!("reports.{name}");
    let raw: raw::Report = required(cfg, &key, problems)?;
    let before = problems.len();
    let mut say = |field: &str, message: String| {
        problems.push(Problem {
            key: format!("{key}.{field}"),
            message,
        })
    };
    let texts = match raw.to {
        raw::Addresses::One(one) => vec![one],
        raw::Addresses::Many(many) => many,
    };
    let mut to = Vec::new();
    for text in &texts {
        match Contact::parse(text) {
            Some(contact) => to.push(contact),
            None => say(
                "to",
                format!("{text:?} is not an address such as \"Budi <budi@example.com>\""),
            ),
        }
    }
    if texts.is_empty() {
        say(
            "to",
            "name at least one address to send the report to".into(),
        );
    }
    let every = match raw.every.as_str() {
        "day" => Some(Every::Day),
        "week" => Some(Every::Week),
        "month" => Some(Every::Month),
        other => {
            say(
                "every",
                format!("{other:?}: use \"day\", \"week\" or \"month\""),
            );
            None
        }
    };
    let by = raw.by.unwrap_or_else(|| "day".into());
    if !GROUPINGS.contains(&by.as_str()) {
        say("by", format!("{by:?}: use one of {}", GROUPINGS.join(", ")));
    }
    let language = match raw.language.as_deref() {
        None => None,
        Some(code) => {
            let language = Language::parse(code);
            if language.is_none() {
                say("language", format!("{code:?}: use \"en\" or \"id\""));
            }
            language
        }
    };
    let desk_ids: Vec<String> = desks.iter().map(|d| d.id.0.clone()).collect();
    let desk = raw
        .desk
        .as_deref()
        .and_then(|d| known(d, &desk_ids, "desk", &format!("{key}.desk"), problems));
    if problems.len() > before {
        return None;
    }
    let desk_language = desk
        .as_ref()
        .and_then(|d| desks.iter().find(|x| x.id.0 == *d))
        .or(desks.first())
        .map_or(Language::En, |d| d.language);
    Some(ScheduledReport {
        name,
        to,
        desk: desk.map(DeskId),
        every: every?,
        by,
        language: language.unwrap_or(desk_language),
    })
}
