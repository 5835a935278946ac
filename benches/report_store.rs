//! Generator (not a test) of a store for `loket report`: TICKETS tickets (default
//! 100000) opened over the year before 2026-12-01 at one desk, each with the history a
//! real one leaves: an SLA start, an answer or two, escalations, breaches, a resolution,
//! sometimes a reopening and a second resolution, a rating, a visit. Categories,
//! customers and subjects are drawn so that some rise and some customers come back.
//!
//! Run: `cargo bench --bench report_store` (or `contrib/bench/report-bench`, which times
//! the command on it). Environment: TICKETS, STORE (default target/bench-report/store).
//! Deterministic: the same TICKETS builds the same store.

use loket::engine::satisfaction::Score;
use loket::engine::sla::Metric;
use loket::engine::{Happening, HistoryEntry, Status, Ticket};
use loket::mail;
use loket::store::{Change, Store};
use loket::thread::MatchedBy;
use loket::types::{AgentId, DeskId, MessageId, Priority, TicketId, Tier, Timestamp};
use std::path::{Path, PathBuf};
use std::time::Instant;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// 2026-12-01 00:00 UTC: the store's year ends here.
const END: i64 = 1_796_083_200;
const FLUSH_EVERY: u64 = 10_000;

const AGENTS: [&str; 6] = ["andi", "sari", "rina", "eko", "dewi", "budi"];
const CATEGORIES: [&str; 6] = ["printer", "network", "email", "account", "hardware", "vpn"];
const SUBJECTS: [&str; 8] = [
    "Printer tidak bisa mencetak",
    "VPN putus terus",
    "Cannot log in to email",
    "Laptop tidak menyala",
    "Reset password please",
    "Jaringan lambat di lantai 3",
    "Outlook keeps asking for the password",
    "Printer paper jam on floor 2",
];

#[path = "support/dice.rs"]
mod dice;
use dice::Dice;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; anything else (`cargo test --all-targets`) must not
    // start building a hundred thousand tickets.
    if !std::env::args().any(|a| a == "--bench") {
        println!("report store: build it with `cargo bench --bench report_store` or contrib/bench/report-bench");
        return Ok(());
    }
    let tickets: u64 = std::env::var("TICKETS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(100_000);
    let store_path = match std::env::var_os("STORE").filter(|s| !s.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-report/store"),
    };
    let marker = store_path.with_extension("built");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(&format!("{tickets}\n")) {
        println!(
            "store of {tickets} tickets already at {}",
            store_path.display()
        );
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(&store_path);
    std::fs::create_dir_all(&store_path)?;
    let started = Instant::now();
    let store = Store::open(&store_path)?;
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    for n in 1..=tickets {
        store.commit(&generated(n, tickets, &mut dice))?;
        if n % FLUSH_EVERY == 0 {
            store.flush()?;
        }
    }
    store.flush()?;
    std::fs::write(&marker, format!("{tickets}\n"))?;
    println!(
        "built {tickets} tickets at {} in {:.1} s",
        store_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Ticket `n` of `total`, spread evenly over the year, with its history.
fn generated(n: u64, total: u64, dice: &mut Dice) -> Change {
    let opened = END - 365 * DAY + (n as i64 * 365 * DAY) / total as i64;
    let customer = if dice.chance(10) {
        format!(
            "frequent{}@pelanggan{}.co.id",
            dice.below(20),
            dice.below(5)
        )
    } else {
        format!(
            "user{}@pelanggan{}.co.id",
            dice.below(50_000),
            dice.below(400)
        )
    };
    let subject = SUBJECTS[dice.below(SUBJECTS.len() as u64) as usize];
    let raw = format!(
        "From: {customer}\r\nSubject: {subject}\r\nMessage-ID: <g{n}@bench.example>\r\n\r\nTolong dibantu.\r\n"
    );
    let mail = mail::parse(raw.as_bytes());
    let mut ticket = Ticket::open(
        TicketId(n),
        DeskId("support".into()),
        &mail,
        None,
        Timestamp(opened),
    );
    ticket.category = Some(CATEGORIES[dice.below(CATEGORIES.len() as u64) as usize].into());
    ticket.priority = [Priority::Low, Priority::Normal, Priority::High][dice.below(3) as usize];
    let agent = AgentId(AGENTS[dice.below(AGENTS.len() as u64) as usize].into());
    let mut history = Vec::new();
    let mut at = opened;
    let mut push = |at: i64, happening: Happening| {
        history.push(HistoryEntry {
            at: Timestamp(at),
            happening,
        })
    };
    push(
        at,
        Happening::Opened {
            matched_by: MatchedBy::New,
            linked_to: None,
        },
    );
    push(
        at,
        Happening::SlaStarted {
            policy: "standard".into(),
            first_response_due: Some(Timestamp(at + 4 * HOUR)),
            resolution_due: Some(Timestamp(at + 40 * HOUR)),
        },
    );
    let status = |from: Status, to: Status, by: &str| Happening::Changed {
        field: "status".into(),
        from: from.to_string(),
        to: to.to_string(),
        by: by.into(),
    };
    // The most recent tickets are still waiting.
    if opened > END - 2 * DAY && dice.chance(60) {
        ticket.assignee = Some(agent);
        return change(ticket, history);
    }
    let first_answer = at + (dice.below(8 * 60) as i64 + 5) * 60;
    if first_answer - opened > 4 * HOUR {
        push(
            opened + 4 * HOUR,
            Happening::SlaBreached {
                metric: Metric::FirstResponse,
                tier: 1,
            },
        );
    }
    at = first_answer;
    push(at, status(Status::New, Status::Open, &agent.0));
    push(
        at,
        Happening::AgentReplied {
            agent: agent.clone(),
            message_id: MessageId::parse(&format!("a{n}.1@bench.example")).expect("an id"),
        },
    );
    let mut tier = 1;
    while tier < 3 && dice.chance(15) {
        at += dice.below(6 * HOUR as u64) as i64;
        push(
            at,
            Happening::Changed {
                field: "tier".into(),
                from: tier.to_string(),
                to: (tier + 1).to_string(),
                by: agent.0.clone(),
            },
        );
        push(
            at,
            Happening::Escalated {
                from: tier,
                to: tier + 1,
                reason: "needs a specialist".into(),
                by: agent.0.clone(),
            },
        );
        tier += 1;
        if tier == 3 && dice.chance(30) {
            push(
                at,
                Happening::VisitScheduled {
                    visit: 1,
                    engineer: agent.clone(),
                    start: Timestamp(at + DAY),
                    end: Timestamp(at + DAY + 2 * HOUR),
                },
            );
        }
    }
    ticket.tier = Tier(tier);
    if dice.chance(40) {
        at += dice.below(DAY as u64) as i64;
        push(
            at,
            Happening::AgentReplied {
                agent: agent.clone(),
                message_id: MessageId::parse(&format!("a{n}.2@bench.example")).expect("an id"),
            },
        );
    }
    let rounds = if dice.chance(8) { 2 } else { 1 };
    for round in 0..rounds {
        at += dice.below(3 * DAY as u64) as i64 + 600;
        if at - opened > 40 * HOUR && round == 0 {
            push(
                opened + 40 * HOUR,
                Happening::SlaBreached {
                    metric: Metric::Resolution,
                    tier,
                },
            );
        }
        push(at, status(Status::Open, Status::Resolved, &agent.0));
        if dice.chance(35) {
            at += dice.below(DAY as u64) as i64;
            let score = if dice.chance(20) {
                Score::Solved(dice.chance(80))
            } else {
                Score::Stars(1 + dice.below(5) as u8)
            };
            push(
                at,
                Happening::Rated {
                    score,
                    comment: None,
                    resolution: round + 1,
                    counted: true,
                },
            );
        }
        if round + 1 < rounds {
            at += dice.below(2 * DAY as u64) as i64;
            push(at, status(Status::Resolved, Status::Open, "customer"));
        }
    }
    ticket.status = Status::Resolved;
    ticket.assignee = Some(agent);
    ticket.updated_at = Timestamp(at);
    change(ticket, history)
}

fn change(ticket: Ticket, history: Vec<HistoryEntry>) -> Change {
    let mut change = Change::to_ticket(ticket, true);
    change.history = history;
    change
}
