//! `loket report`: how a desk served its customers in a period, as text, CSV or JSON,
//! from the running daemon or straight from the store.

use super::query::ask;
use super::{exit, fail, ReportArgs};
use crate::calendar::Calendar;
use crate::clock::Clock;
use crate::config::Policy;
use crate::daemon::control::Request;
use crate::report::{self, By, Query, Report};
use crate::types::{Language, Timestamp};

/// The period a report covers when no `--from` is given: 30 days up to its end.
const DEFAULT_DAYS: i64 = 30;

/// Runs `loket report`.
pub(super) fn run(policy: &Policy, args: &ReportArgs) -> u8 {
    let query = match query(policy, args) {
        Ok(query) => query,
        Err(why) => {
            eprintln!("loket: {why}");
            return exit::USAGE;
        }
    };
    let value = match ask(policy, &Request::Report { query }) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    let report: Report = match serde_json::from_value(value.clone()) {
        Ok(report) => report,
        Err(e) => {
            return fail(
                &anyhow::anyhow!("the report could not be read: {e}"),
                exit::SOFTWARE,
            )
        }
    };
    let desk = policy.desk_or_default(report.query.desk.as_deref());
    let language = match args.language.as_deref() {
        Some(code) => Language::parse(code).unwrap_or(desk.language),
        None => desk.language,
    };
    if let Some(path) = &args.chart {
        if let Err(e) = chart(policy, &report, language, path) {
            return fail(&e, exit::CANT_CREATE);
        }
    }
    let format = if args.json {
        "json"
    } else {
        args.format.as_str()
    };
    match format {
        "json" => say!(
            "{}",
            serde_json::to_string_pretty(&value).expect("JSON values print")
        ),
        "csv" => say!("{}", report::render::csv(&report).trim_end()),
        _ => say!(
            "{}",
            report::render::text(
                &report,
                &report::render::about(
                    report.query.desk.as_ref().map(|_| desk.name.as_str()),
                    language,
                ),
                language,
                &desk.calendar
            )
            .trim_end()
        ),
    }
    0
}

/// The report's days drawn into a new PNG file at `path`.
fn chart(
    policy: &Policy,
    report: &Report,
    language: Language,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    // The days are the report's own groups when it is by day; else asked for.
    let days = if report.query.by == Some(By::Day) {
        report.clone()
    } else {
        let by_day = Query {
            by: Some(By::Day),
            ..report.query.clone()
        };
        let value = ask(policy, &Request::Report { query: by_day })?;
        serde_json::from_value(value).context("the report could not be read")?
    };
    let q = &report.query;
    let desk = policy.desk_or_default(q.desk.as_deref());
    let about = report::render::about(q.desk.as_ref().map(|_| desk.name.as_str()), language);
    let span = report::render::period(q.from, q.to, &desk.calendar, language);
    let title = format!("{about}, {span}");
    let png = report::chart::png(&days.groups, &title, language).map_err(anyhow::Error::msg)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(&png)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The report's query from the arguments: dates are whole days in the desk's calendar,
/// `--to` included.
fn query(policy: &Policy, args: &ReportArgs) -> Result<Query, String> {
    if let Some(id) = &args.desk {
        if !policy.desks.iter().any(|d| d.id.0 == *id) {
            let known: Vec<&str> = policy.desks.iter().map(|d| d.id.0.as_str()).collect();
            return Err(format!("no desk {id}; the desks are: {}", known.join(", ")));
        }
    }
    if !["text", "csv", "json"].contains(&args.format.as_str()) {
        return Err(format!("--format {}: use text, csv or json", args.format));
    }
    if let Some(code) = &args.language {
        if Language::parse(code).is_none() {
            return Err(format!("--language {code}: use en or id"));
        }
    }
    let by = match args.by.as_deref() {
        None => None,
        Some(text) => Some(By::parse(text).ok_or_else(|| {
            format!("--by {text}: use agent, category, tier, priority, day or week")
        })?),
    };
    let calendar = &policy.desk_or_default(args.desk.as_deref()).calendar;
    let to = match &args.to {
        Some(text) => day_start(text, "--to", calendar, 1)?,
        // Up to and including this second.
        None => Timestamp(Clock::new(&policy.testing).now().0 + 1),
    };
    let from = match &args.from {
        Some(text) => day_start(text, "--from", calendar, 0)?,
        None => Timestamp(to.0 - DEFAULT_DAYS * 86_400),
    };
    if from >= to {
        return Err("--from must come before --to".into());
    }
    Ok(Query {
        desk: args.desk.clone(),
        from,
        to,
        by,
    })
}

/// The start of the day `text` (YYYY-MM-DD) plus `days`, in `calendar`.
pub(super) fn day_start(
    text: &str,
    flag: &str,
    calendar: &Calendar,
    days: i64,
) -> Result<Timestamp, String> {
    let day: jiff::civil::Date = text
        .parse()
        .map_err(|_| format!("{flag} {text}: write the date as YYYY-MM-DD"))?;
    let day = day
        .checked_add(jiff::Span::new().days(days))
        .map_err(|e| format!("{flag} {text}: {e}"))?;
    Ok(calendar.start_of(day))
}
