//! A report as people read it (text, in English or Indonesian) and as spreadsheets read
//! it (CSV, one row per group, times in seconds).

use super::{AgentRow, Figures, Report, Satisfaction, Times};
use crate::calendar::Calendar;
use crate::engine::service::Span;
use crate::types::{Language, Timestamp};
use crate::words;
use std::fmt::Write;
use std::time::Duration;

/// How many frequent customers the text names; JSON has them all.
const FREQUENT_SHOWN: usize = 20;

fn say(language: Language, en: &str, id: &str) -> String {
    match language {
        Language::En => en.to_string(),
        Language::Id => id.to_string(),
    }
}

fn length(seconds: i64, language: Language) -> String {
    words::duration(Duration::from_secs(seconds.max(0) as u64), language)
}

fn share(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.0}%", f64::from(part) * 100.0 / f64::from(whole))
}

fn times(times: &Times, language: Language) -> String {
    let (Some(median), Some(p90)) = (times.median, times.p90) else {
        return say(language, "none", "tidak ada");
    };
    match language {
        Language::En => format!(
            "median {}, 90% within {} (working time; on the clock {} and {}), n={}",
            length(median.business, language),
            length(p90.business, language),
            length(median.wall, language),
            length(p90.wall, language),
            times.count
        ),
        Language::Id => format!(
            "median {}, 90% dalam {} (jam kerja; waktu jam dinding {} dan {}), n={}",
            length(median.business, language),
            length(p90.business, language),
            length(median.wall, language),
            length(p90.wall, language),
            times.count
        ),
    }
}

fn satisfaction(s: &Satisfaction, language: Language) -> String {
    if s.ratings == 0 {
        return say(language, "no ratings", "belum ada penilaian");
    }
    let average = s.average.map_or("-".into(), |a| decimal(a, language));
    match language {
        Language::En => format!(
            "{} ratings, average {average} of 5, {} satisfied (4-5 or solved)",
            s.ratings,
            share(s.satisfied, s.ratings)
        ),
        Language::Id => format!(
            "{} penilaian, rata-rata {average} dari 5, {} puas (4-5 atau sudah beres)",
            s.ratings,
            share(s.satisfied, s.ratings)
        ),
    }
}

/// A number with one decimal, as the reader writes it: `3.5`, `3,5`.
fn decimal(value: f64, language: Language) -> String {
    let text = format!("{value:.1}");
    match language {
        Language::En => text,
        Language::Id => text.replace('.', ","),
    }
}

fn date(at: Timestamp, calendar: &Calendar) -> String {
    calendar.date_of(at).to_string()
}

/// The period as people write it: `2026-11-23 to 2026-11-29`, or one date for one day.
pub fn period(from: Timestamp, to: Timestamp, calendar: &Calendar, language: Language) -> String {
    let (first, last) = (date(from, calendar), date(Timestamp(to.0 - 1), calendar));
    if first == last {
        return first;
    }
    format!("{first} {} {last}", say(language, "to", "s.d."))
}

/// Who a report is about: the desk's name, or all desks.
pub fn about(desk: Option<&str>, language: Language) -> String {
    match desk {
        Some(name) => name.to_string(),
        None => say(language, "all desks", "semua desk"),
    }
}

/// A grouping's name in the reader's language.
pub fn grouping(by: &str, language: Language) -> &str {
    match (by, language) {
        ("agent", Language::Id) => "petugas",
        ("category", Language::Id) => "kategori",
        ("tier", Language::Id) => "level",
        ("priority", Language::Id) => "prioritas",
        ("day", Language::Id) => "hari",
        ("week", Language::Id) => "minggu",
        (by, _) => by,
    }
}

/// The figures as lines of text, each indented by `indent`.
fn figure_lines(f: &Figures, language: Language, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let backlog = match (f.backlog_median_age, f.backlog_oldest_age) {
        (Some(median), Some(oldest)) => match language {
            Language::En => format!(
                " (median age {}, oldest {})",
                length(median, language),
                length(oldest, language)
            ),
            Language::Id => format!(
                " (umur median {}, tertua {})",
                length(median, language),
                length(oldest, language)
            ),
        },
        _ => String::new(),
    };
    lines.push(match language {
        Language::En => format!(
            "Tickets: {} opened, {} resolved, {} open at the end{backlog}",
            f.opened, f.closed, f.open_at_end
        ),
        Language::Id => format!(
            "Tiket: {} masuk, {} selesai, {} masih terbuka di akhir periode{backlog}",
            f.opened, f.closed, f.open_at_end
        ),
    });
    lines.push(format!(
        "{}: {}",
        say(language, "First response", "Respons pertama"),
        times(&f.first_response, language)
    ));
    lines.push(format!(
        "{}: {}",
        say(language, "Resolution", "Penyelesaian"),
        times(&f.resolution, language)
    ));
    // A target every ticket is still running on has nothing to say yet.
    let decided: Vec<_> = f.sla.iter().filter(|a| a.met + a.missed > 0).collect();
    if !decided.is_empty() {
        let kept: Vec<String> = decided
            .iter()
            .map(|a| {
                format!(
                    "{} {} ({} {} {})",
                    words::metric(a.metric, language),
                    share(a.met, a.met + a.missed),
                    a.met,
                    say(language, "of", "dari"),
                    a.met + a.missed
                )
            })
            .collect();
        lines.push(format!(
            "{}: {}",
            say(language, "SLA kept", "SLA terpenuhi"),
            kept.join(", ")
        ));
    }
    lines.push(match language {
        Language::En => format!(
            "Reopened: {} of resolved | First-contact resolution: {} | Solved by self-service: {}",
            share(f.reopened, f.closed),
            share(f.first_contact, f.closed),
            share(f.self_service, f.closed)
        ),
        Language::Id => format!(
            "Dibuka kembali: {} dari yang selesai | Selesai pada kontak pertama: {} | Selesai sendiri (swalayan): {}",
            share(f.reopened, f.closed),
            share(f.first_contact, f.closed),
            share(f.self_service, f.closed)
        ),
    });
    let escalations: Vec<String> = f
        .escalations
        .iter()
        .map(|(tier, n)| {
            let to = say(language, "to", "ke");
            format!("{to} {}: {n}", words::tier(*tier, language).to_lowercase())
        })
        .collect();
    let escalations = match escalations.is_empty() {
        true => say(language, "none", "tidak ada"),
        false => escalations.join(", "),
    };
    lines.push(format!(
        "{}: {escalations} | {}: {}",
        say(language, "Escalations", "Eskalasi"),
        say(language, "Visits", "Kunjungan"),
        f.visits
    ));
    lines.push(format!(
        "{}: {}",
        say(language, "Satisfaction", "Kepuasan"),
        satisfaction(&f.satisfaction, language)
    ));
    lines.into_iter().map(|l| format!("{indent}{l}")).collect()
}

/// The report as text in `language`, about `name` (the desk's, or "all desks"); dates in
/// `calendar`.
pub fn text(report: &Report, name: &str, language: Language, calendar: &Calendar) -> String {
    let q = &report.query;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {name}, {}",
        say(language, "Report for", "Laporan"),
        period(q.from, q.to, calendar, language)
    );
    let _ = writeln!(out);
    for line in figure_lines(&report.total, language, "") {
        let _ = writeln!(out, "{line}");
    }
    for group in &report.groups {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}:", group.key);
        for line in figure_lines(&group.figures, language, "  ") {
            let _ = writeln!(out, "{line}");
        }
    }
    if !report.agents.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", agent_table(&report.agents, language));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} {}):",
        say(language, "Rising (against", "Meningkat (dibanding"),
        period(report.previous_from, q.from, calendar, language)
    );
    if report.rising.is_empty() {
        let _ = writeln!(out, "  {}", say(language, "nothing", "tidak ada"));
    }
    for rise in &report.rising {
        let kind = match (rise.kind.as_str(), language) {
            ("category", Language::Id) => "kategori",
            ("organisation", Language::Id) => "organisasi",
            ("sender", Language::Id) => "pengirim",
            ("term", Language::Id) => "kata",
            (kind, _) => kind,
        };
        let _ = writeln!(
            out,
            "  {kind} {}: {} {} {})",
            rise.key,
            rise.now,
            say(language, "(was", "(sebelumnya"),
            rise.before
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}:",
        say(
            language,
            "Customers with 3 or more tickets in the last 30 days",
            "Pelanggan dengan 3 tiket atau lebih dalam 30 hari terakhir"
        )
    );
    if report.frequent.is_empty() {
        let _ = writeln!(out, "  {}", say(language, "none", "tidak ada"));
    }
    for f in report.frequent.iter().take(FREQUENT_SHOWN) {
        let _ = writeln!(out, "  {}: {}", f.customer, f.tickets);
    }
    if report.frequent.len() > FREQUENT_SHOWN {
        let more = report.frequent.len() - FREQUENT_SHOWN;
        let _ = writeln!(
            out,
            "  {}",
            match language {
                Language::En => format!("and {more} more (--json lists them all)"),
                Language::Id => format!("dan {more} lainnya (--json memuat semuanya)"),
            }
        );
    }
    out
}

fn agent_table(rows: &[AgentRow], language: Language) -> String {
    let heads = match language {
        Language::En => [
            "AGENT",
            "HANDLED",
            "REPLIES",
            "MEDIAN RESPONSE",
            "RATINGS",
            "OPEN",
        ],
        Language::Id => [
            "PETUGAS",
            "DITANGANI",
            "BALASAN",
            "MEDIAN RESPONS",
            "PENILAIAN",
            "TERBUKA",
        ],
    };
    let mut out = format!(
        "{:<14} {:>9} {:>8} {:<22} {:<22} {:>7}",
        heads[0], heads[1], heads[2], heads[3], heads[4], heads[5]
    );
    for row in rows {
        let response = row
            .median_response
            .map_or("-".into(), |s| length(s.business, language));
        let ratings = match (row.satisfaction.ratings, row.satisfaction.average) {
            (0, _) => "-".to_string(),
            (n, Some(average)) => format!("{n} ({})", decimal(average, language)),
            (n, None) => n.to_string(),
        };
        let _ = write!(
            out,
            "\n{:<14} {:>9} {:>8} {:<22} {:<22} {:>7}",
            row.agent, row.handled, row.replies, response, ratings, row.open_load
        );
    }
    out
}

/// The CSV header of the figures' columns.
const FIGURE_COLUMNS: &str =
    "opened,resolved,open_at_end,backlog_median_age_s,backlog_oldest_age_s,\
first_response_n,first_response_median_business_s,first_response_p90_business_s,\
first_response_median_wall_s,first_response_p90_wall_s,\
resolution_n,resolution_median_business_s,resolution_p90_business_s,\
resolution_median_wall_s,resolution_p90_wall_s,\
sla_first_response_met,sla_first_response_missed,sla_resolution_met,sla_resolution_missed,\
reopened,first_contact,self_service,escalations_tier2,escalations_tier3,visits,\
ratings,rating_average,satisfied";

fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

fn figure_cells(f: &Figures) -> String {
    let span = |s: Option<Span>, business: bool| {
        cell(s.map(|s| if business { s.business } else { s.wall }))
    };
    let sla = |metric: &str| {
        let found = f.sla.iter().find(|a| a.metric.to_string() == metric);
        (cell(found.map(|a| a.met)), cell(found.map(|a| a.missed)))
    };
    let (fr_met, fr_missed) = sla("first_response");
    let (res_met, res_missed) = sla("resolution");
    let escalated = |tier: u8| f.escalations.get(&tier).copied().unwrap_or(0);
    [
        f.opened.to_string(),
        f.closed.to_string(),
        f.open_at_end.to_string(),
        cell(f.backlog_median_age),
        cell(f.backlog_oldest_age),
        f.first_response.count.to_string(),
        span(f.first_response.median, true),
        span(f.first_response.p90, true),
        span(f.first_response.median, false),
        span(f.first_response.p90, false),
        f.resolution.count.to_string(),
        span(f.resolution.median, true),
        span(f.resolution.p90, true),
        span(f.resolution.median, false),
        span(f.resolution.p90, false),
        fr_met,
        fr_missed,
        res_met,
        res_missed,
        f.reopened.to_string(),
        f.first_contact.to_string(),
        f.self_service.to_string(),
        escalated(2).to_string(),
        escalated(3).to_string(),
        f.visits.to_string(),
        f.satisfaction.ratings.to_string(),
        cell(f.satisfaction.average.map(|a| format!("{a:.2}"))),
        f.satisfaction.satisfied.to_string(),
    ]
    .join(",")
}

/// A CSV field, quoted when it must be (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The report's table as CSV: one row per group (or per agent), or one `all` row.
pub fn csv(report: &Report) -> String {
    let mut out = String::new();
    if !report.agents.is_empty() {
        out.push_str("agent,handled,replies,median_response_business_s,median_response_wall_s,ratings,rating_average,satisfied,open_load\n");
        for row in &report.agents {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                field(&row.agent),
                row.handled,
                row.replies,
                cell(row.median_response.map(|s| s.business)),
                cell(row.median_response.map(|s| s.wall)),
                row.satisfaction.ratings,
                cell(row.satisfaction.average.map(|a| format!("{a:.2}"))),
                row.satisfaction.satisfied,
                row.open_load
            );
        }
        return out;
    }
    let by = report
        .query
        .by
        .map_or("group".to_string(), |b| b.to_string());
    let _ = writeln!(out, "{by},{FIGURE_COLUMNS}");
    if report.groups.is_empty() {
        let _ = writeln!(out, "all,{}", figure_cells(&report.total));
    }
    for group in &report.groups {
        let _ = writeln!(
            out,
            "{},{}",
            field(&group.key),
            figure_cells(&group.figures)
        );
    }
    out
}
