//! Crash safety with the real binary, Dovecot and Postfix: kill -9 while a large batch is
//! being taken in, start again, and nothing is lost and nothing is doubled; and, traced
//! with strace, no spool file is removed before what the store wrote for it is fsynced.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use support::{wait_for, MailServers, Sandbox};

const MESSAGES: usize = 2000;
const KILLS: usize = 3;

fn mail(n: usize) -> Vec<u8> {
    format!(
        "From: Customer {n} <c{n}@example.id>\r\nTo: support@example.com\r\nSubject: Question {n}\r\n\
         Message-ID: <crash-{n}@example.id>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\n\r\n\
         Question number {n}, with some text so that the message has a body.\r\n"
    )
    .into_bytes()
}

/// Tickets created so far, read from the daemon's log (cheap to poll).
fn created(log: &str) -> usize {
    log.matches("ticket created").count()
}

#[test]
fn kill_9_during_a_2000_message_intake_loses_nothing_and_doubles_nothing() {
    let servers = MailServers::start();
    for n in 0..MESSAGES {
        servers.deliver_directly(
            "support@example.com",
            &format!("{n:05}.crash.test"),
            &mail(n),
        );
    }
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));

    let mut seen_mid_batch = 0;
    for _ in 0..KILLS {
        let daemon = sandbox.daemon();
        // Each run takes a few hundred messages in, then dies in the middle of its work.
        let target = MESSAGES / (KILLS + 2);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while created(&daemon.log()) < target {
            let log = daemon.log();
            assert!(
                std::time::Instant::now() < deadline,
                "no progress before the kill:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon.kill_hard();
        let stored = sandbox.tickets().len();
        if stored > 0 && stored < MESSAGES {
            seen_mid_batch += 1;
        }
    }
    assert!(
        seen_mid_batch > 0,
        "no kill landed in the middle of the intake"
    );

    let daemon = sandbox.daemon();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let tickets = sandbox.tickets().len();
        let outbox = sandbox.outbox_records();
        let sent = outbox
            .iter()
            .filter(|r| r["state"]["state"] == "sent")
            .count();
        if tickets == MESSAGES && outbox.len() == MESSAGES && sent == MESSAGES {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "after 120 s: {tickets} tickets, {} outbox mails, {sent} sent; log tail:\n{}",
            outbox.len(),
            daemon
                .log()
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(daemon.stop());

    // Nothing doubled in the store: one ticket per message, each with its mail and one ack.
    let tickets = sandbox.tickets();
    let subjects: BTreeSet<String> = tickets
        .iter()
        .map(|t| t["subject"].as_str().expect("subject").to_string())
        .collect();
    assert_eq!(subjects.len(), MESSAGES, "every message is its own ticket");
    let wrong: Vec<_> = tickets
        .iter()
        .filter(|t| t["message_count"] != 2)
        .map(|t| t["id"].clone())
        .collect();
    assert!(
        wrong.is_empty(),
        "tickets without exactly mail + acknowledgement: {wrong:?}"
    );

    // Nothing lost on the wire: every acknowledgement arrived; a resend after a kill
    // (sent, then killed before it was recorded) carries the same Message-ID.
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    wait_for(
        "every acknowledgement in its customer's mailbox",
        Duration::from_secs(60),
        || {
            copies.clear();
            for n in 0..MESSAGES {
                for message in servers.messages(&format!("c{n}@example.id")) {
                    let id = message
                        .header("Message-ID")
                        .expect("acknowledgements have a Message-ID");
                    *copies.entry(id).or_default() += 1;
                }
            }
            (copies.len() == MESSAGES).then_some(())
        },
    );
    let resent: usize = copies.values().map(|c| c - 1).sum();
    eprintln!(
        "acknowledgements: {} distinct, {resent} resent after a kill",
        copies.len()
    );
    // Only the mails being handed over at the moment of a kill can go out twice: at most
    // `CONCURRENCY` (8) at a time, since each "sent" mark is flushed once the server has it.
    assert!(
        resent <= KILLS * 8,
        "more resends than mails in flight at the kills: {resent}"
    );

    // Every message was acknowledged to Dovecot.
    let support = servers.messages("support@example.com");
    assert_eq!(support.len(), MESSAGES);
    assert!(
        support.iter().all(|m| m.flags.contains('S')),
        "every processed mail is flagged \\Seen"
    );
}

/// strace, installed when missing (as the mail servers are), or the reason it cannot be.
fn strace() -> &'static str {
    let works = || {
        std::process::Command::new("strace")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !works() {
        let installed = std::process::Command::new("apt-get")
            .args(["install", "-y", "-q", "strace"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(std::process::Stdio::null())
            .output();
        assert!(
            works(),
            "this test traces loket with strace, which is missing and could not be installed \
             ({installed:?}); as root: apt-get install strace"
        );
    }
    "strace"
}

/// One traced system call that succeeded: what, and on which file (strace -y names it).
#[derive(Debug)]
struct Call {
    name: String,
    path: String,
}

/// The calls of an `strace -f -y` trace in the order they completed.
fn calls(trace: &str) -> Vec<Call> {
    let mut pending: BTreeMap<String, Call> = BTreeMap::new();
    let mut done = Vec::new();
    for line in trace.lines() {
        let (pid, rest) = line.split_once(' ').unwrap_or(("", line));
        let rest = rest.trim_start();
        if let Some(resumed) = rest.strip_prefix("<... ") {
            if let Some(call) = pending.remove(pid) {
                if !resumed.contains("= -1") {
                    done.push(call);
                }
            }
            continue;
        }
        let Some((name, args)) = rest.split_once('(') else {
            continue;
        };
        // A removal names its file in quotes; every other call names it by its fd.
        let quoted = || args.split('"').nth(1).map(str::to_string);
        let by_fd = || {
            args.split_once('<')
                .and_then(|(_, p)| p.split_once('>'))
                .map(|(p, _)| p.to_string())
        };
        let path = if name.starts_with("unlink") {
            quoted()
        } else {
            by_fd()
        }
        .unwrap_or_default();
        let call = Call {
            name: name.to_string(),
            path,
        };
        if rest.ends_with("<unfinished ...>") {
            pending.insert(pid.to_string(), call);
        } else if !rest.contains("= -1") {
            done.push(call);
        }
    }
    done
}

#[test]
fn every_spool_file_is_removed_only_after_the_store_files_written_for_it_are_fsynced() {
    let strace = strace();
    let sandbox = Sandbox::new();
    for n in 0..40 {
        sandbox.ingest(&mail(n));
    }
    let trace_file = sandbox.var().join("trace");
    sandbox.run_once();
    for n in 40..79 {
        sandbox.ingest(&mail(n));
    }
    // A large mail: sled keeps such a value in a file of its own under blobs/.
    let mut large = mail(79);
    large.extend(
        std::iter::repeat_n(b"0123456789abcdef0123456789abcdef\r\n".as_slice(), 60_000).flatten(),
    );
    sandbox.ingest(&large);
    // The loket command, traced: writes, syncs and removals, each with its file's path.
    let config = sandbox.config_path();
    let status = std::process::Command::new(strace)
        .args(["-f", "-y", "-qq", "-o"])
        .arg(&trace_file)
        .args([
            "-e",
            "trace=write,pwrite64,writev,pwritev,fsync,fdatasync,unlink,unlinkat",
        ])
        .arg(env!("CARGO_BIN_EXE_loket"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--once"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("running loket under strace");
    assert!(status.success(), "run --once under strace: {status}");
    let trace = std::fs::read_to_string(&trace_file).expect("reading the trace");
    let store = sandbox.var().join("store").display().to_string();
    let spool = sandbox.spool_path().display().to_string();
    let mut unsynced: BTreeSet<String> = BTreeSet::new();
    let mut removed = 0;
    let mut blob_writes = 0;
    for call in calls(&trace) {
        if call.name.contains("write") && call.path.contains("/blobs/") {
            blob_writes += 1;
        }
        let in_store = call.path.starts_with(&store);
        match call.name.as_str() {
            "write" | "pwrite64" | "writev" | "pwritev" if in_store => {
                unsynced.insert(call.path);
            }
            "fsync" | "fdatasync" => {
                unsynced.remove(&call.path);
            }
            "unlink" | "unlinkat" if call.path.starts_with(&spool) => {
                assert!(
                    unsynced.is_empty(),
                    "{} removed from the spool while these store files held unsynced writes: {unsynced:?}",
                    call.path
                );
                removed += 1;
            }
            _ => {}
        }
    }
    assert_eq!(
        removed, 40,
        "every traced spool file was removed, each after the sync"
    );
    assert!(
        blob_writes > 0,
        "the large mail went to a blob file, which was synced too"
    );
    assert_eq!(sandbox.tickets().len(), 80);
}
