//! Benchmark (not a test) of the scheduler on a big store: TICKETS tickets, DUE of them
//! with a first-response deadline an hour past, the rest due weeks ahead. It times opening
//! the store, reading the due timers, one scheduler pass (`Worker::fire_due`) and an idle
//! pass, and prints the process's RSS after each.
//!
//! Run: `cargo bench --bench scheduler` (or `contrib/bench/scheduler-bench`, which also
//! measures the daemon). Environment: TICKETS (default 1000000), DUE (default 1000),
//! STORE (default target/bench-scheduler/store).
//!
//! The store at STORE is built once and kept pristine: firing moves the timers, so every
//! run measures a copy (`STORE.scratch`, removed afterwards), in a fresh child process so
//! that the build's memory does not count. Files beside it: `STORE.built` (what was built, and when),
//! `STORE.toml` (the config), `STORE.var/` (spool, outbox, socket of that config).

use anyhow::{bail, Context};
use loket::daemon::worker::Worker;
use loket::engine::sla::{Metric, SlaClock, SlaState};
use loket::engine::{ledger, Happening, HistoryEntry, Ticket};
use loket::mail::{self, Class};
use loket::store::{
    Change, Direction, DueTimer, MailHash, MessageKind, MessageRecord, NewMessage, Store,
};
use loket::thread::MatchedBy;
use loket::types::{DeskId, TicketId, Timestamp};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Set in the child process that measures.
const PHASE_VAR: &str = "LOKET_BENCH_PHASE";
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// Timers that are not due lie this far ahead and beyond: a built store stays usable
/// until the earliest of them comes near.
const AHEAD: i64 = 30 * DAY;
/// Targets of `[sla.standard]`, in seconds (as written in the config below).
const FIRST_RESPONSE: i64 = 4 * HOUR;
const RESOLUTION: i64 = 40 * HOUR;
const WARN_PERCENT: i64 = 80;
const FLUSH_EVERY: u64 = 10_000;
const PROGRESS_EVERY: u64 = 100_000;

/// What the bench is asked to do, from the environment.
struct Setup {
    tickets: u64,
    due: u64,
    store: PathBuf,
}

impl Setup {
    fn from_env() -> anyhow::Result<Setup> {
        let tickets = env_number("TICKETS", 1_000_000)?;
        let due = env_number("DUE", 1_000)?;
        if due > tickets {
            bail!("DUE ({due}) is more than TICKETS ({tickets})");
        }
        let store = match std::env::var_os("STORE").filter(|s| !s.is_empty()) {
            Some(path) => PathBuf::from(path),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-scheduler/store"),
        };
        Ok(Setup {
            tickets,
            due,
            store,
        })
    }

    /// A file or folder beside the store: `STORE.<suffix>`.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name = self.store.clone().into_os_string();
        name.push(".");
        name.push(suffix);
        PathBuf::from(name)
    }

    /// Whether ticket `id` (from 1) is one of the due ones: DUE of them, spread evenly.
    fn is_due(&self, id: u64) -> bool {
        if self.due == 0 {
            return false;
        }
        let step = self.tickets / self.due;
        let index = id - 1;
        index % step == step / 2 && index / step < self.due
    }
}

fn env_number(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(text) if !text.is_empty() => text
            .replace('_', "")
            .parse()
            .with_context(|| format!("{name}={text} is not a number")),
        _ => Ok(default),
    }
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; anything else (`cargo test --all-targets`) must not
    // start a run that builds a million tickets.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scheduler bench: run it with `cargo bench --bench scheduler` or contrib/bench/scheduler-bench");
        return Ok(());
    }
    let setup = Setup::from_env()?;
    if std::env::var_os(PHASE_VAR).is_some() {
        return measure(&setup);
    }
    println!(
        "scheduler bench: {} tickets, {} due, store {}",
        setup.tickets,
        setup.due,
        setup.store.display()
    );
    write_config(&setup)?;
    ensure_store(&setup)?;
    // Measure in a fresh process, so that the build's memory and caches do not count.
    let status = Command::new(std::env::current_exe()?)
        .args(std::env::args_os().skip(1))
        .env(PHASE_VAR, "measure")
        .status()
        .context("cannot start the measuring process")?;
    if !status.success() {
        bail!("the measuring process failed: {status}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The config: one desk with a lead, always open, `[sla.standard]`, file outbox.

fn config_text(setup: &Setup) -> String {
    let var = setup.beside("var");
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/templates");
    format!(
        r#"[store]
path = "{store}"
[spool]
path = "{var}/spool"
[outbox]
transport = "file"
path = "{var}/outbox"
[control]
socket = "{var}/loket.sock"
[templates]
path = "{templates}"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "en"
lead = "Budi Santoso <budi@example.com>"
[sla.standard]
first_response = "4h"
resolution = "40h"
warn_at = 80
remind_every = "4h"
"#,
        store = setup.beside("scratch").display(),
        var = var.display(),
        templates = templates.display(),
    )
}

fn write_config(setup: &Setup) -> anyhow::Result<()> {
    let path = setup.beside("toml");
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, config_text(setup))
        .with_context(|| format!("cannot write {}", path.display()))
}

fn load_policy(setup: &Setup) -> anyhow::Result<loket::config::Policy> {
    loket::config::load(&setup.beside("toml")).map_err(|e| anyhow::anyhow!(e.lines().join("\n")))
}

// ---------------------------------------------------------------------------------------
// Building the pristine store.

/// What `STORE.built` says: the store's shape, when its timers were laid out, and how
/// long the build took (for contrib/bench/scheduler-bench's table).
#[derive(Debug, PartialEq)]
struct Built {
    tickets: u64,
    due: u64,
    at: i64,
    seconds: f64,
}

impl Built {
    fn read(path: &Path) -> Option<Built> {
        let text = std::fs::read_to_string(path).ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        Some(Built {
            tickets: field("tickets")? as u64,
            due: field("due")? as u64,
            at: field("built_at")? as i64,
            seconds: field("build_seconds").unwrap_or(0.0),
        })
    }

    fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = format!(
            "tickets={}\ndue={}\nbuilt_at={}\nbuild_seconds={:.1}\n",
            self.tickets, self.due, self.at, self.seconds
        );
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Builds the store unless it already holds what was asked for (as `STORE.built` says,
/// written once the build is complete) and its future timers are still in the future.
/// The pristine store is never opened again: opening makes sled write a snapshot, and the
/// copies measured should all start from the store exactly as built.
fn ensure_store(setup: &Setup) -> anyhow::Result<()> {
    let marker = setup.beside("built");
    let built = Built::read(&marker);
    if setup.store.exists() {
        match &built {
            Some(b) if b.tickets == setup.tickets && b.due == setup.due => {
                let left = b.at + AHEAD - DAY - Timestamp::now().0;
                if left > 0 {
                    println!(
                        "store: reusing {} ({} tickets, {} due; usable for {} more days)",
                        setup.store.display(),
                        setup.tickets,
                        setup.due,
                        left / DAY
                    );
                    return Ok(());
                }
            }
            Some(_) => {}
            None if std::fs::read_dir(&setup.store)?.next().is_none() => {}
            None => bail!(
                "{} exists but was not built by this bench ({} missing): remove it or choose another STORE",
                setup.store.display(),
                marker.display()
            ),
        }
        println!(
            "store: removing the old bench store {}",
            setup.store.display()
        );
        std::fs::remove_dir_all(&setup.store)?;
    }
    build(setup, &marker)
}

fn build(setup: &Setup, marker: &Path) -> anyhow::Result<()> {
    let now = Timestamp::now();
    // Written first, so that an interrupted build is recognised as ours and redone.
    Built {
        tickets: 0,
        due: setup.due,
        at: now.0,
        seconds: 0.0,
    }
    .write(marker)?;
    println!(
        "store: building {} at {}",
        setup.store.display(),
        now.to_rfc3339()
    );
    let started = Instant::now();
    {
        let store = Store::open(&setup.store)?;
        // Raw mail lives in the journal, outside sled, and the scheduler never reads it:
        // every ticket refers to one journal file, so sled holds what a real store holds.
        let raw_file = store.journal().stage(RAW_MAIL.as_bytes())?.hash;
        let mut last_report = Instant::now();
        for id in 1..=setup.tickets {
            store.commit(&new_ticket(setup, id, now, raw_file))?;
            if id % FLUSH_EVERY == 0 {
                store.flush()?;
            }
            if id % PROGRESS_EVERY == 0 {
                let rate = PROGRESS_EVERY as f64 / last_report.elapsed().as_secs_f64();
                last_report = Instant::now();
                println!(
                    "  {id:>9} tickets  {:>6.1} s  {rate:>7.0} tickets/s now  {}",
                    started.elapsed().as_secs_f64(),
                    memory()
                );
            }
        }
        store.flush()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "store: built {} tickets in {seconds:.1} s = {:.0} tickets/s; {} on disk; {}",
        setup.tickets,
        setup.tickets as f64 / seconds,
        size_on_disk(&setup.store)?,
        memory()
    );
    Built {
        tickets: setup.tickets,
        due: setup.due,
        at: now.0,
        seconds,
    }
    .write(marker)
}

/// One new ticket as the worker would commit it for a customer's first mail, with its
/// SLA clocks laid out by hand: due an hour ago for the due ones, weeks ahead otherwise.
/// The raw mail every generated ticket refers to.
const RAW_MAIL: &str =
    "From: Customer <customer@example.id>\r\nSubject: Printer\r\n\r\nThe printer is broken.\r\n";

fn new_ticket(setup: &Setup, id: u64, now: Timestamp, raw_file: MailHash) -> Change {
    let n = id % 50_000;
    let raw = format!(
        "From: Customer {n} <customer{n}@example.net>\r\n\
         To: Support <support@example.com>\r\n\
         Subject: Printer on floor {floor} prints blank pages (case {id})\r\n\
         Message-ID: <bench-{id}@example.net>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Hello,\r\n\
         \r\n\
         since this morning the printer on floor {floor} only prints blank pages.\r\n\
         We changed the toner already. Could you send someone?\r\n\
         \r\n\
         Regards,\r\n\
         Customer {n}\r\n",
        floor = id % 12,
    );
    let mail = mail::parse(raw.as_bytes());
    let opened_at = Timestamp(now.0 - 5 * HOUR - (setup.tickets - id) as i64);
    let mut ticket = Ticket::open(
        TicketId(id),
        DeskId("support".into()),
        &mail,
        None,
        opened_at,
    );
    ticket.message_count = 1;
    ticket.thread = vec![mail.message_id.clone()];
    ticket.last_customer_message = Some(mail.message_id.clone());
    ticket.sla = Some(sla(setup, id, now));
    let record = MessageRecord {
        ticket: ticket.id,
        seq: 0,
        message_id: mail.message_id.clone(),
        from: mail.from.clone(),
        to: mail.to.iter().map(|c| c.address.clone()).collect(),
        direction: Direction::Inbound,
        kind: MessageKind::Customer,
        matched_by: MatchedBy::New,
        class: Some(Class::Person),
        date: opened_at,
        stored_at: opened_at,
        subject: mail.subject.clone(),
        text: mail.text.clone(),
        text_file: None,
        new_text: None,
        attachments: Vec::new(),
        problems: Vec::new(),
        fingerprint: mail.fingerprint.clone(),
    };
    let opened = HistoryEntry {
        at: opened_at,
        happening: Happening::Opened {
            matched_by: MatchedBy::New,
            linked_to: None,
        },
    };
    let timers_set = ledger::timer_changes(None, &ticket)
        .set
        .iter()
        .map(|t| DueTimer::of(ticket.id, t))
        .collect();
    Change {
        ticket,
        is_new_ticket: true,
        messages: vec![NewMessage {
            record,
            raw: Some(raw_file),
        }],
        history: vec![opened],
        outbox: Vec::new(),
        new_customer: None,
        auto_replies: Vec::new(),
        others: Vec::new(),
        timers_set,
        timers_removed: Vec::new(),
        agent_loads: Vec::new(),
    }
}

/// The ticket's clocks: first response and resolution, each with its warning. The due
/// ones missed their first response an hour ago (and its warning 48 minutes before that);
/// every other timer lies AHEAD and beyond, scattered over a month.
fn sla(setup: &Setup, id: u64, now: Timestamp) -> SlaState {
    let scatter = (id.wrapping_mul(7919) % (AHEAD as u64 / 60)) as i64 * 60;
    let (first_due, resolution_due) = if setup.is_due(id) {
        (now.0 - HOUR, now.0 + AHEAD)
    } else {
        let first = now.0 + AHEAD + scatter;
        (first, first + RESOLUTION - FIRST_RESPONSE)
    };
    SlaState {
        policy: "standard".into(),
        clocks: vec![
            clock(Metric::FirstResponse, FIRST_RESPONSE, first_due),
            clock(Metric::Resolution, RESOLUTION, resolution_due),
        ],
        paused_at: None,
        breaches: Vec::new(),
        overdue: Vec::new(),
        remind_at: None,
    }
}

fn clock(metric: Metric, target: i64, due: i64) -> SlaClock {
    let started = due - target;
    SlaClock {
        metric,
        started: Timestamp(started),
        target: target as u64,
        paused: 0,
        due: Timestamp(due),
        warn_at: Some(Timestamp(started + target * WARN_PERCENT / 100)),
    }
}

// ---------------------------------------------------------------------------------------
// Measuring, on a copy of the pristine store.

fn measure(setup: &Setup) -> anyhow::Result<()> {
    println!("measure: fresh process; {}", memory());
    let scratch = setup.beside("scratch");
    let ((), took) = timed(|| copy_store(&setup.store, &scratch))?;
    println!(
        "copy:    cp -r of the pristine store {:>9.1} ms ({}; page cache now warm)",
        ms(took),
        size_on_disk(&scratch)?
    );
    // sled 0.34 writes its snapshot (the page table) only when it opens a store, then
    // replays the log written since; a store never reopened since it was written replays
    // all of it.
    println!(
        "snap:    sled snapshot before open: {}",
        snapshots(&scratch)?
    );
    let (store, took) = timed(|| Store::open(&scratch))?;
    println!("open:    Store::open {:>18.1} ms   {}", ms(took), memory());
    println!(
        "snap:    sled snapshot after open: {}",
        snapshots(&scratch)?
    );
    let (next, took) = timed(|| store.next_timer())?;
    let next = next.map_or("none".into(), |t| t.to_rfc3339());
    println!(
        "read:    next_timer {:>19.3} ms   (earliest: {next})",
        ms(took)
    );
    let now = Timestamp::now();
    let (due, took) = timed(|| store.due_timers(now, usize::MAX))?;
    println!(
        "read:    due_timers(now) {:>14.3} ms   {} timers: {}   {}",
        ms(took),
        due.len(),
        count_kinds(due.iter().map(|t| t.kind.as_str())),
        memory()
    );
    let policy = Arc::new(load_policy(setup)?);
    let mut worker = Worker::new(store.clone(), policy);
    let (first, took) = timed(|| worker.fire_due(now))?;
    println!(
        "pass 1:  fire_due(now) {:>16.1} ms   fired {}, mails queued {}, {:.3} ms per timer   {}",
        ms(took),
        first.fired,
        first.queued_mail,
        ms(took) / first.fired.max(1) as f64,
        memory()
    );
    let (second, took) = timed(|| worker.fire_due(now))?;
    println!(
        "pass 2:  fire_due(now), idle {:>10.3} ms   fired {}, mails queued {}   {}",
        ms(took),
        second.fired,
        second.queued_mail,
        memory()
    );
    let next = second.next_due.map_or("none".into(), |t| t.to_rfc3339());
    println!("next:    timer due {next}");
    drop(worker);
    drop(store);
    let (reopened, took) = timed(|| Store::open_patiently(&scratch, Duration::from_secs(10)))?;
    println!(
        "reopen:  Store::open again {:>12.1} ms   (from the snapshot the first open wrote)",
        ms(took)
    );
    drop(reopened);
    // The copy is as big as the store; the next run makes a new one anyway.
    std::fs::remove_dir_all(&scratch)
        .with_context(|| format!("cannot remove {}", scratch.display()))?;
    check(setup, first.fired, due.len(), second.fired)
}

/// The pass must fire exactly what was due: the warning and the deadline of each due
/// ticket's first response; the idle pass nothing.
fn check(setup: &Setup, fired: usize, was_due: usize, idle: usize) -> anyhow::Result<()> {
    let expected = setup.due as usize * 2;
    if fired != was_due || idle != 0 || was_due != expected {
        let hint = if fired < was_due {
            " (one pass fires at most the worker's TIMER_BATCH x MAX_TIMER_ROUNDS timers)"
        } else {
            ""
        };
        bail!(
            "unexpected: fired {fired} of {was_due} due (expected {expected} = DUE x 2), idle pass fired {idle}{hint}"
        );
    }
    println!("check:   fired == DUE x 2 == {expected}; idle pass fired 0");
    Ok(())
}

fn count_kinds<'a>(kinds: impl Iterator<Item = &'a str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for kind in kinds {
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    parts.join(", ")
}

fn copy_store(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to).with_context(|| format!("cannot remove {}", to.display()))?;
    }
    let status = Command::new("cp").arg("-r").arg(from).arg(to).status()?;
    if !status.success() {
        bail!("cp -r {} {} failed", from.display(), to.display());
    }
    Ok(())
}

fn timed<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<(T, Duration), E> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak and current resident memory of this process, from /proc/self/status.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or("?".into(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
    };
    format!("VmHWM {}, VmRSS {}", field("VmHWM:"), field("VmRSS:"))
}

/// sled's snapshot files in a store folder, with their sizes.
fn snapshots(store: &Path) -> anyhow::Result<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(store)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("snap.") {
            let size = entry.metadata()?.len() as f64 / 1024.0 / 1024.0;
            found.push(format!("{name} ({size:.1} MB)"));
        }
    }
    Ok(if found.is_empty() {
        "none".into()
    } else {
        found.join(", ")
    })
}

/// Space the folder takes on disk, as `du` counts it (allocated blocks).
fn size_on_disk(path: &Path) -> anyhow::Result<String> {
    use std::os::unix::fs::MetadataExt;
    let mut bytes = 0u64;
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                folders.push(entry.path());
            } else {
                bytes += meta.blocks() * 512;
            }
        }
    }
    Ok(format!("{:.0} MB", bytes as f64 / 1024.0 / 1024.0))
}
