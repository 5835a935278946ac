//! A small store computed by hand: six tickets over two weeks at a desk open Monday to
//! Friday, 08:00-17:00 WIB. Every figure below was worked out on paper from the
//! timeline in each ticket's comment.

use super::*;
use crate::engine::service::Span;
use crate::engine::{Happening, HistoryEntry, Status, Ticket};
use crate::mail::parse;
use crate::types::{AgentId, DeskId, MessageId, Priority, TicketId, Tier};
use jiff::civil::date;

fn wib() -> Calendar {
    let zone = jiff::tz::TimeZone::get("Asia/Jakarta").expect("the zone");
    let workday = vec![(8 * 60, 17 * 60)];
    let week = std::array::from_fn(|day| if day < 5 { workday.clone() } else { Vec::new() });
    Calendar::new(zone, week, Default::default(), Default::default())
}

/// November 2026, day `day`, `hour:minute` WIB.
fn nov(day: i8, hour: i8, minute: i8) -> Timestamp {
    let local = date(2026, 11, day).at(hour, minute, 0, 0);
    wib().instant_of(local).expect("a WIB time")
}

struct Made {
    ticket: Ticket,
    history: Vec<HistoryEntry>,
}

impl Made {
    fn open(id: u64, from: &str, subject: &str, at: Timestamp) -> Made {
        let raw = format!("From: {from}\r\nSubject: {subject}\r\nMessage-ID: <t{id}@example.id>\r\n\r\nTolong.\r\n");
        let mail = parse(raw.as_bytes());
        let ticket = Ticket::open(TicketId(id), DeskId("support".into()), &mail, None, at);
        let opened = Happening::Opened {
            matched_by: crate::thread::MatchedBy::New,
            linked_to: None,
        };
        Made {
            ticket,
            history: vec![HistoryEntry {
                at,
                happening: opened,
            }],
        }
    }

    fn with(mut self, at: Timestamp, happening: Happening) -> Made {
        self.history.push(HistoryEntry { at, happening });
        self
    }

    fn category(mut self, category: &str) -> Made {
        self.ticket.category = Some(category.into());
        self
    }

    fn reply(self, at: Timestamp, agent: &str) -> Made {
        let id = MessageId::parse(&format!("r{}@example.com", at.0)).expect("an id");
        self.with(
            at,
            Happening::AgentReplied {
                agent: AgentId(agent.into()),
                message_id: id,
            },
        )
    }

    fn status(mut self, at: Timestamp, from: Status, to: Status, by: &str) -> Made {
        self.ticket.status = to;
        self.with(
            at,
            Happening::Changed {
                field: "status".into(),
                from: from.to_string(),
                to: to.to_string(),
                by: by.into(),
            },
        )
    }

    fn escalate(mut self, at: Timestamp, from: u8, to: u8) -> Made {
        self.ticket.tier = Tier(to);
        self.with(
            at,
            Happening::Changed {
                field: "tier".into(),
                from: from.to_string(),
                to: to.to_string(),
                by: "sla".into(),
            },
        )
        .with(
            at,
            Happening::Escalated {
                from,
                to,
                reason: "late".into(),
                by: "sla".into(),
            },
        )
    }

    fn sla(self, at: Timestamp, resolution: bool) -> Made {
        self.with(
            at,
            Happening::SlaStarted {
                policy: "standard".into(),
                first_response_due: Some(Timestamp(at.0 + 4 * 3600)),
                resolution_due: resolution.then_some(Timestamp(at.0 + 48 * 3600)),
            },
        )
    }

    fn breach(self, at: Timestamp, metric: Metric) -> Made {
        self.with(at, Happening::SlaBreached { metric, tier: 1 })
    }

    fn rated(self, at: Timestamp, score: Score) -> Made {
        self.with(
            at,
            Happening::Rated {
                score,
                comment: None,
                resolution: 1,
                counted: true,
            },
        )
    }

    fn facts(self) -> Facts {
        Facts::of(&self.ticket, &self.history, &wib())
    }
}

const BUDI: &str = "Budi <budi@example.id>";
const SARI: &str = "Sari <sari@corp.example>";
const DEWI: &str = "Dewi <dewi@gmail.com>";

fn store() -> Vec<Facts> {
    use Status::*;
    let mut t3 = Made::open(3, BUDI, "Printer tidak bisa mencetak", nov(24, 10, 0))
        .category("printer")
        .sla(nov(24, 10, 0), false)
        .breach(nov(24, 14, 0), Metric::FirstResponse)
        .escalate(nov(25, 9, 0), 1, 2)
        .with(
            nov(25, 11, 0),
            Happening::VisitScheduled {
                visit: 1,
                engineer: AgentId("eko".into()),
                start: nov(27, 9, 0),
                end: nov(27, 10, 0),
            },
        )
        .escalate(nov(26, 9, 0), 2, 3);
    t3.ticket.assignee = Some(AgentId("andi".into()));
    let mut t4 = Made::open(4, BUDI, "Printer macet lagi", nov(28, 10, 0))
        .status(nov(28, 11, 0), New, Open, "andi")
        .reply(nov(28, 11, 0), "andi");
    t4.ticket.assignee = Some(AgentId("andi".into()));
    let mut t2 = Made::open(2, SARI, "VPN putus", nov(23, 16, 0))
        .category("network")
        .sla(nov(23, 16, 0), true)
        .breach(nov(24, 11, 0), Metric::FirstResponse)
        .status(nov(24, 9, 0), New, Open, "rina")
        .reply(nov(24, 9, 0), "rina")
        .escalate(nov(24, 9, 30), 1, 2)
        .reply(nov(25, 10, 0), "rina")
        .status(nov(25, 10, 30), Open, Resolved, "rina")
        .rated(nov(25, 15, 0), Score::Stars(2))
        .status(nov(26, 9, 0), Resolved, Open, "customer")
        .status(nov(26, 12, 0), Open, Resolved, "rina");
    t2.ticket.assignee = Some(AgentId("rina".into()));
    vec![
        // 1: opened Mon 09:00, answered 10:30 and resolved 11:00 by Andi; rated 5 on Tuesday.
        Made::open(1, BUDI, "Printer lantai 3 macet", nov(23, 9, 0))
            .category("printer")
            .sla(nov(23, 9, 0), true)
            .status(nov(23, 10, 30), New, Open, "andi")
            .reply(nov(23, 10, 30), "andi")
            .status(nov(23, 11, 0), Open, Resolved, "andi")
            .rated(nov(24, 9, 0), Score::Stars(5))
            .facts(),
        // 2: opened Mon 16:00, first answer Tue 09:00 (1 + 1 working hours, 17 on the
        // clock), escalated, resolved Wed 10:30, rated 2, reopened Thu 09:00, resolved
        // again Thu 12:00: 1 + 9 + 9 + 4 = 23 working hours, 68 on the clock.
        t2.facts(),
        // 3: opened Tue 10:00, never answered, escalated to 2 then 3, a visit; open.
        t3.facts(),
        // 4: opened Saturday 10:00, answered 11:00 (no working time, 1 hour on the
        // clock); open.
        t4.facts(),
        // 5: opened the week before, Mon 16 Nov 09:00, answered then, resolved by Andi
        // Tue 24 09:00: 8 + 4 × 9 + 9 + 1 = 54 working hours, 8 days on the clock.
        Made::open(5, DEWI, "Printer error", nov(16, 9, 0))
            .category("printer")
            .status(nov(16, 10, 0), New, Open, "andi")
            .reply(nov(16, 10, 0), "andi")
            .status(nov(24, 9, 0), Open, Resolved, "andi")
            .facts(),
        // 6: the week before too, resolved then.
        Made::open(6, SARI, "VPN lambat", nov(17, 9, 0))
            .category("network")
            .status(nov(17, 10, 0), New, Resolved, "rina")
            .facts(),
    ]
}

fn week(by: Option<By>) -> Report {
    let query = Query {
        desk: Some("support".into()),
        from: nov(23, 0, 0),
        to: nov(30, 0, 0),
        by,
    };
    build(&store(), &query, &wib())
}

const H: i64 = 3600;

fn span(business: i64, wall: i64) -> Option<Span> {
    Some(Span { wall, business })
}

#[test]
fn the_weeks_figures_are_those_worked_out_by_hand() {
    let total = week(None).total;
    assert_eq!((total.opened, total.closed, total.open_at_end), (4, 3, 2));
    // Open at the end: ticket 4 for 1 day 14 hours, ticket 3 for 5 days 14 hours.
    assert_eq!(total.backlog_median_age, Some(38 * H));
    assert_eq!(total.backlog_oldest_age, Some(134 * H));
    // First answers in the week: 1 (1.5 h / 1.5 h), 2 (2 h / 17 h), 4 (0 / 1 h).
    assert_eq!(total.first_response.count, 3);
    assert_eq!(total.first_response.median, span(H * 3 / 2, H * 3 / 2));
    assert_eq!(total.first_response.p90, span(2 * H, 17 * H));
    // Resolutions in the week: 1 (2 h / 2 h), 2 (23 h / 68 h), 5 (54 h / 192 h).
    assert_eq!(total.resolution.count, 3);
    assert_eq!(total.resolution.median, span(23 * H, 68 * H));
    assert_eq!(total.resolution.p90, span(54 * H, 192 * H));
    // Tickets opened in the week with targets: first response met by 1, missed by 2
    // and 3; resolution met by 1 and 2.
    assert_eq!(
        total.sla,
        [
            Attainment {
                metric: Metric::FirstResponse,
                met: 1,
                missed: 2
            },
            Attainment {
                metric: Metric::Resolution,
                met: 2,
                missed: 0
            },
        ]
    );
    // Of 1, 2 and 5: ticket 2 was reopened; 1 and 5 were first-contact resolutions.
    assert_eq!((total.reopened, total.first_contact), (1, 2));
    assert_eq!(total.escalations, BTreeMap::from([(2, 2), (3, 1)]));
    assert_eq!(total.visits, 1);
    assert_eq!(
        total.satisfaction,
        Satisfaction {
            ratings: 2,
            average: Some(3.5),
            satisfied: 1
        }
    );
}

#[test]
fn per_agent_handled_replies_response_ratings_and_load() {
    let agents = week(Some(By::Agent)).agents;
    let andi = agents.iter().find(|a| a.agent == "andi").expect("andi");
    // Andi answered 1 and 4, resolved 1 and 5; first answers of 1 (1.5 h) and 4 (0).
    assert_eq!((andi.handled, andi.replies), (3, 2));
    assert_eq!(andi.median_response, span(0, H));
    assert_eq!(andi.satisfaction.ratings, 1);
    assert_eq!(andi.satisfaction.average, Some(5.0));
    assert_eq!(andi.open_load, 2, "tickets 3 and 4");
    let rina = agents.iter().find(|a| a.agent == "rina").expect("rina");
    assert_eq!((rina.handled, rina.replies), (1, 2));
    assert_eq!(rina.median_response, span(2 * H, 17 * H));
    assert_eq!(
        (rina.satisfaction.ratings, rina.satisfaction.satisfied),
        (1, 0)
    );
    assert_eq!(rina.open_load, 0);
}

#[test]
fn days_weeks_and_categories_cut_the_same_tickets() {
    let days = week(Some(By::Day)).groups;
    let keys: Vec<&str> = days.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys.first(), Some(&"2026-11-23"));
    assert_eq!(keys.len(), 7);
    // Monday: 1 and 2 opened, 1 resolved; at midnight 2 and 5 still open.
    let monday = &days[0].figures;
    assert_eq!(
        (monday.opened, monday.closed, monday.open_at_end),
        (2, 1, 2)
    );
    let opened: u32 = days.iter().map(|g| g.figures.opened).sum();
    assert_eq!(opened, 4);
    let weeks = week(Some(By::Week));
    assert_eq!(weeks.groups.len(), 1);
    assert_eq!(weeks.groups[0].key, "2026-W48");
    assert_eq!(weeks.groups[0].figures, weeks.total);
    let categories = week(Some(By::Category)).groups;
    let printer = categories
        .iter()
        .find(|g| g.key == "printer")
        .expect("printer");
    assert_eq!((printer.figures.opened, printer.figures.closed), (2, 2));
    assert!(categories.iter().any(|g| g.key == "-"), "ticket 4 has none");
}

#[test]
fn rising_problems_and_frequent_customers() {
    let report = week(None);
    let rises: Vec<(&str, &str, u32, u32)> = report
        .rising
        .iter()
        .map(|r| (r.kind.as_str(), r.key.as_str(), r.now, r.before))
        .collect();
    assert_eq!(
        rises,
        [
            ("category", "printer", 2, 1),
            ("organisation", "example.id", 3, 0),
            ("sender", "budi@example.id", 3, 0),
            ("term", "printer", 3, 1),
            ("term", "macet", 2, 0),
        ]
    );
    assert_eq!(
        report.frequent,
        [Frequent {
            customer: "budi@example.id".into(),
            tickets: 3
        }]
    );
}

#[test]
fn text_and_csv_say_the_same_figures() {
    let report = week(None);
    let text = render::text(&report, "Support", crate::types::Language::En, &wib());
    for expected in [
        "Report for Support, 2026-11-23 to 2026-11-29",
        "Rising (against 2026-11-16 to 2026-11-22):",
        "Tickets: 4 opened, 3 resolved, 2 open at the end (median age 1 day 14 hours, oldest 5 days 14 hours)",
        "First response: median 1 hour 30 minutes, 90% within 2 hours",
        "SLA kept: first response 33% (1 of 3), resolution 100% (2 of 2)",
        "Reopened: 33% of resolved | First-contact resolution: 67%",
        "Satisfaction: 2 ratings, average 3.5 of 5, 50% satisfied",
        "budi@example.id: 3",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    let indonesian = render::text(&report, "Layanan", crate::types::Language::Id, &wib());
    assert!(
        indonesian.contains("Tiket: 4 masuk, 3 selesai, 2 masih terbuka"),
        "{indonesian}"
    );
    // Targets still running everywhere say nothing: no "- (0 of 0)".
    let running = Report {
        total: Figures {
            sla: vec![Attainment {
                metric: Metric::Resolution,
                met: 0,
                missed: 0,
            }],
            ..report.total.clone()
        },
        ..report.clone()
    };
    let running = render::text(&running, "Support", crate::types::Language::En, &wib());
    assert!(!running.contains("SLA kept"), "{running}");
    let csv = render::csv(&report);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("group,opened,resolved,open_at_end,"));
    assert!(
        lines[1].starts_with(&format!(
            "all,4,3,2,{},{},3,{},{},",
            38 * H,
            134 * H,
            H * 3 / 2,
            2 * H
        )),
        "{csv}"
    );
    assert_eq!(Priority::Normal.to_string(), "normal");
}
