//! Scheduled reports: each `[reports.<name>]` mailed through the outbox once per period,
//! with the period's summary in the body, the table as CSV and a PNG chart attached. The
//! store remembers how far each report went out, in the same transaction as its mail, so
//! a restart sends nothing twice and a downtime sends each missed period once.

use super::indexing::Knowledge;
use crate::config::policy::{Desk, ScheduledReport};
use crate::config::Policy;
use crate::engine::{OutgoingKind, OutgoingMail};
use crate::outbox::{compose, FileAttachment};
use crate::report::facts::Facts;
use crate::report::schedule::{self, Due, Plan};
use crate::report::{self, render, By, Query, Report};
use crate::search::Cluster;
use crate::store::{self, NewOutboxMail, Store};
use crate::types::{Contact, Language, MessageId, TicketId, Timestamp};
use crate::views;
use tracing::{error, info, warn};

/// Queues every scheduled report that is due at `now`; returns how many mails it queued
/// (not yet durable: the caller flushes).
pub fn send_due(
    store: &Store,
    policy: &Policy,
    knowledge: Option<&Knowledge>,
    now: Timestamp,
) -> store::Result<usize> {
    let mut facts: Option<Vec<Facts>> = None;
    let mut queued = 0;
    for scheduled in &policy.reports {
        let desk = policy.desk_or_default(scheduled.desk.as_ref().map(|d| d.0.as_str()));
        let sent_until = store.report_sent_until(&scheduled.name)?;
        match schedule::plan(scheduled.every, &desk.calendar, sent_until, now) {
            Plan::Start(from) => {
                info!(report = %scheduled.name, from = %from.to_rfc3339(), "report counts from");
                store.commit_report(&scheduled.name, from, None)?;
            }
            Plan::Send { due, skipped } => {
                if skipped > 0 {
                    warn!(report = %scheduled.name, skipped, "older missed periods not sent");
                }
                for period in due {
                    if facts.is_none() {
                        facts = Some(views::all_facts(store, policy)?);
                    }
                    let all = facts.as_deref().unwrap_or_default();
                    let recurring = recurring(knowledge, scheduled, &period);
                    let mail = match mail(all, &recurring, scheduled, desk, &period, now) {
                        Ok(mail) => Some(mail),
                        Err(why) => {
                            error!(report = %scheduled.name, error = %why, "report could not be written; passed over");
                            None
                        }
                    };
                    store.commit_report(&scheduled.name, period.to, mail.as_ref())?;
                    if mail.is_some() {
                        queued += 1;
                        info!(report = %scheduled.name, from = %period.from.to_rfc3339(),
                            late = period.late, "report mailed");
                    }
                }
            }
        }
    }
    Ok(queued)
}

/// Most groups of like tickets a report lists.
const RECURRING: usize = 5;

/// The period's tickets grouped by what they are about (from the search index), the
/// largest first; none when the index is missing or not built yet.
fn recurring(
    knowledge: Option<&Knowledge>,
    scheduled: &ScheduledReport,
    period: &Due,
) -> Vec<Cluster> {
    let Some(index) = knowledge.and_then(|k| k.index().ok()) else {
        return Vec::new();
    };
    let desk = scheduled.desk.as_ref().map(|d| d.0.as_str());
    match index.clusters(desk, period.from, Some(period.to), views::CLUSTER_LIKENESS) {
        Ok(mut clusters) => {
            clusters.truncate(RECURRING);
            clusters
        }
        Err(e) => {
            warn!(report = %scheduled.name, error = %e, "recurring problems left out of the report");
            Vec::new()
        }
    }
}

/// The groups of like tickets as the report's body lists them, or nothing.
fn recurring_lines(clusters: &[Cluster], language: Language) -> String {
    if clusters.is_empty() {
        return String::new();
    }
    let heading = match language {
        Language::En => "Tickets about the same thing:",
        Language::Id => "Tiket tentang hal yang sama:",
    };
    let lines: Vec<String> = clusters
        .iter()
        .map(|c| format!("  {}", c.line(language)))
        .collect();
    format!("\n{heading}\n{}\n", lines.join("\n"))
}

/// The report of one period as a mail: the text in the body, the table as CSV, the chart
/// as PNG.
fn mail(
    all: &[Facts],
    recurring: &[Cluster],
    scheduled: &ScheduledReport,
    desk: &Desk,
    period: &Due,
    now: Timestamp,
) -> Result<NewOutboxMail, String> {
    let language = scheduled.language;
    let calendar = &desk.calendar;
    let query = |by| Query {
        desk: scheduled.desk.as_ref().map(|d| d.0.clone()),
        from: period.from,
        to: period.to,
        by,
    };
    let table = report::build(all, &query(By::parse(&scheduled.by)), calendar);
    let days = report::build(all, &query(Some(By::Day)), calendar);
    let (title, chart_title) = title(scheduled, desk, &table, language);
    let mut body = String::new();
    if period.late {
        body.push_str(&late_note(period.send_at, desk, language));
    }
    // The body is the summary; the groups' rows are the CSV's.
    let summary = Report {
        groups: Vec::new(),
        ..table.clone()
    };
    let about = render::about(
        scheduled.desk.as_ref().map(|_| desk.name.as_str()),
        language,
    );
    body.push_str(&render::text(&summary, &about, language, calendar));
    body.push_str(&recurring_lines(recurring, language));
    body.push_str(&footer(scheduled, language));
    let first_day = calendar.date_of(period.from);
    let chart = report::chart::png(&days.groups, &chart_title, language)?;
    let files = [
        FileAttachment {
            name: format!("{}-{first_day}.csv", scheduled.name),
            content_type: "text/csv".into(),
            bytes: render::csv(&table).into_bytes(),
        },
        FileAttachment {
            name: format!("{}-{first_day}.png", scheduled.name),
            content_type: "image/png".into(),
            bytes: chart,
        },
    ];
    let id = format!(
        "loket.report.{}.{}@{}",
        scheduled.name,
        period.from.0,
        desk.address.domain()
    );
    let outgoing = OutgoingMail {
        kind: OutgoingKind::Report,
        message_id: MessageId::parse(&id).ok_or_else(|| format!("{id} is no Message-ID"))?,
        from: Contact {
            name: Some(desk.name.clone()),
            address: desk.address.clone(),
        },
        to: scheduled.to[0].clone(),
        cc: scheduled.to[1..].to_vec(),
        reply_to: None,
        subject: if period.late {
            format!("{title} ({})", late_word(language))
        } else {
            title
        },
        in_reply_to: None,
        references: Vec::new(),
        body,
        auto_submitted: Some("auto-generated".into()),
        date: now,
        calendar: None,
        arrival_files: Vec::new(),
    };
    let composed = compose(&outgoing, &files)?;
    Ok(NewOutboxMail {
        // A report belongs to no ticket.
        record: super::change::outbox_record(TicketId(0), &outgoing, &composed, now),
        raw: composed.raw,
        carries_files: true,
    })
}

/// The subject, "Weekly report, Support: 2026-11-23 to 2026-11-29", and the chart's
/// title, "Support, 2026-11-23 to 2026-11-29".
fn title(
    scheduled: &ScheduledReport,
    desk: &Desk,
    table: &Report,
    language: Language,
) -> (String, String) {
    use crate::config::policy::Every;
    let name = render::about(
        scheduled.desk.as_ref().map(|_| desk.name.as_str()),
        language,
    );
    let span = render::period(table.query.from, table.query.to, &desk.calendar, language);
    let kind = match (scheduled.every, language) {
        (Every::Day, Language::En) => "Daily report",
        (Every::Week, Language::En) => "Weekly report",
        (Every::Month, Language::En) => "Monthly report",
        (Every::Day, Language::Id) => "Laporan harian",
        (Every::Week, Language::Id) => "Laporan mingguan",
        (Every::Month, Language::Id) => "Laporan bulanan",
    };
    (format!("{kind}, {name}: {span}"), format!("{name}, {span}"))
}

fn late_word(language: Language) -> &'static str {
    match language {
        Language::En => "late",
        Language::Id => "terlambat",
    }
}

fn late_note(due: Timestamp, desk: &Desk, language: Language) -> String {
    let when = crate::words::date_time(due, &desk.calendar, language);
    match language {
        Language::En => {
            format!("This report is late: it was due {when}, while Loket was not running.\n\n")
        }
        Language::Id => format!(
            "Laporan ini terlambat: seharusnya terkirim {when}, saat Loket tidak berjalan.\n\n"
        ),
    }
}

fn footer(scheduled: &ScheduledReport, language: Language) -> String {
    match language {
        Language::En => format!(
            "\nThe table (by {by}) is attached as CSV, with a chart of each day. You get this mail as a \
             recipient of [reports.{}].\n",
            scheduled.name,
            by = render::grouping(&scheduled.by, language)
        ),
        Language::Id => format!(
            "\nTabelnya (per {by}) terlampir sebagai CSV, dengan grafik per hari. Anda menerima email ini \
             sebagai penerima [reports.{}].\n",
            scheduled.name,
            by = render::grouping(&scheduled.by, language)
        ),
    }
}
