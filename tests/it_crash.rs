//! Crash safety with the real binary, Dovecot and Postfix: kill -9 while a large batch is
//! being taken in, start again, and nothing is lost and nothing is doubled; and, traced
//! with strace, no spool file is removed before what the store wrote for it is fsynced.

mod support;

use loket::store::MailHash;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use support::{wait_for, MailServers, Sandbox};

const MESSAGES: usize = 2000;
const KILLS: usize = 4;

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
    // Each batch waits a moment between being written to the journal and being committed,
    // so that kills land in that window as well as in the others.
    let sections = format!(
        "{}\n[testing]\njournal_pause_ms = 30\n",
        servers.loket_sections("")
    );
    let sandbox = Sandbox::with_sections(&sections);

    let mut seen_mid_batch = 0;
    let mut orphans_taken_in = 0;
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
        if daemon.log().contains("taking it in again") {
            orphans_taken_in += 1;
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
    wait_for("the daemon running", Duration::from_secs(30), || {
        daemon.log().contains("loket running").then_some(())
    });
    if daemon.log().contains("taking it in again") {
        orphans_taken_in += 1;
    }
    assert!(
        orphans_taken_in > 0,
        "no kill landed between a journal write and its commit (no start took orphans in)"
    );
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
    // Only the mails being handed over at the moment of a kill, and those whose "sent"
    // marks were not yet flushed, can go out twice.
    let at_risk = loket::outbox::sender::CONCURRENCY + loket::outbox::sender::RESULTS_BATCH;
    assert!(
        resent <= KILLS * at_risk,
        "more resends than mails in flight or unflushed at the kills: {resent}"
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

/// One traced system call that succeeded: what, and on which file (strace -y names it);
/// a rename also has its target; `args` is what strace printed of its arguments.
#[derive(Debug)]
struct Call {
    name: String,
    path: String,
    target: Option<String>,
    args: String,
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
        // A removal or rename names its files in quotes; every other call names its
        // file by its fd.
        let quoted = || args.split('"').nth(1).map(str::to_string);
        let target = name
            .starts_with("rename")
            .then(|| args.split('"').nth(3).map(str::to_string))
            .flatten();
        let by_fd = || {
            args.split_once('<')
                .and_then(|(_, p)| p.split_once('>'))
                .map(|(p, _)| p.to_string())
        };
        let path = if name.starts_with("unlink") || name.starts_with("rename") {
            quoted()
        } else {
            by_fd()
        }
        .unwrap_or_default();
        let call = Call {
            name: name.to_string(),
            path,
            target,
            args: args.to_string(),
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
fn every_spool_file_is_removed_only_after_its_journal_file_and_the_store_files_are_fsynced() {
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
    // A large mail: sled 0.34 kept such a value in a blob file it never synced.
    let mut large = mail(79);
    large.extend(
        std::iter::repeat_n(b"0123456789abcdef0123456789abcdef\r\n".as_slice(), 60_000).flatten(),
    );
    sandbox.ingest(&large);
    // Which journal file each spool file's mail goes to: the SHA-256 of its bytes.
    let journal_file_of: BTreeMap<String, String> = spool_files(&sandbox)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("reads a spool file");
            (path.display().to_string(), MailHash::of(&bytes).hex())
        })
        .collect();
    assert_eq!(journal_file_of.len(), 40);
    // The loket command, traced: writes, syncs, renames and removals, with their paths.
    let config = sandbox.config_path();
    let status = std::process::Command::new(strace)
        .args(["-f", "-y", "-qq", "-o"])
        .arg(&trace_file)
        .args([
            "-e",
            "trace=write,pwrite64,writev,pwritev,fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat",
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
    let spool = sandbox.spool_path().display().to_string();
    let mut syncs = StoreSyncs::new(&sandbox.var().join("store"));
    let mut removed = 0;
    let mut blob_writes = 0;
    for call in calls(&trace) {
        if call.name.contains("write") && call.path.contains("/blobs/") {
            blob_writes += 1;
        }
        syncs.observe(&call);
        if call.name.starts_with("unlink") && call.path.starts_with(&spool) {
            let unsynced = syncs.unsynced_store_files();
            assert!(
                unsynced.is_empty(),
                "{} removed from the spool while these store files held unsynced writes: {unsynced:?}",
                call.path
            );
            let hash = &journal_file_of[&call.path];
            assert!(
                syncs.durable_mail.contains(hash),
                "{} removed from the spool before its journal file {hash} was synced and its name made durable",
                call.path
            );
            removed += 1;
        }
    }
    assert_eq!(
        removed, 40,
        "every traced spool file was removed, each after the syncs"
    );
    assert_eq!(
        blob_writes, 0,
        "sled wrote a blob file, which it never syncs"
    );
    assert_eq!(sandbox.tickets().len(), 80);
}

/// What a trace has made durable in the store so far, call by call: the store files
/// with writes not yet synced, and the journal files of mail whose data was synced
/// before it was renamed into `mail/new/` and whose name that folder's fsync made durable.
struct StoreSyncs {
    store: String,
    waiting_folder: String,
    unsynced: BTreeSet<String>,
    named_unsynced: BTreeSet<String>,
    durable_mail: BTreeSet<String>,
}

impl StoreSyncs {
    fn new(store: &std::path::Path) -> StoreSyncs {
        let store = store.display().to_string();
        StoreSyncs {
            waiting_folder: format!("{store}/mail/new"),
            store,
            unsynced: BTreeSet::new(),
            named_unsynced: BTreeSet::new(),
            durable_mail: BTreeSet::new(),
        }
    }

    /// Takes in one call of the trace.
    fn observe(&mut self, call: &Call) {
        let in_store = call.path.starts_with(&self.store);
        match call.name.as_str() {
            "write" | "pwrite64" | "writev" | "pwritev" if in_store => {
                self.unsynced.insert(call.path.clone());
            }
            "fsync" | "fdatasync" => {
                if call.path == self.waiting_folder {
                    self.durable_mail.append(&mut self.named_unsynced);
                }
                self.unsynced.remove(&call.path);
            }
            name if name.starts_with("rename") && in_store => {
                let target = call.target.as_deref().unwrap_or_default();
                let prefix = format!("{}/", self.waiting_folder);
                if let Some(hash) = target.strip_prefix(&prefix) {
                    assert!(
                        !self.unsynced.contains(&call.path),
                        "journal file {target} renamed in before its data was synced"
                    );
                    self.named_unsynced.insert(hash.to_string());
                }
            }
            _ => {}
        }
    }

    /// Store files holding unsynced writes, but for journal files still being written:
    /// they belong to the next batch, prepared meanwhile, and nothing refers to them yet.
    fn unsynced_store_files(&self) -> Vec<&String> {
        self.unsynced
            .iter()
            .filter(|p| !p.contains("/mail/new/.tmp."))
            .collect()
    }
}

/// The files waiting in the sandbox's spool.
fn spool_files(sandbox: &Sandbox) -> Vec<std::path::PathBuf> {
    ["new", "cur"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(sandbox.spool_path().join(sub)).expect("spool folder"))
        .map(|entry| entry.expect("spool entry").path())
        .collect()
}

#[test]
fn fsck_lists_mail_left_in_the_journal_without_a_commit_and_repair_takes_it_in() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&mail(1));
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 1);
    let (status, out, err) = sandbox.exec(&["fsck"]);
    assert!(status.success(), "a clean store: {out}{err}");
    assert!(out.contains("store ok"), "{out}");

    // What a crash between the journal write and the commit leaves: a journal file in
    // `new/` that no record refers to (its source already gone, as if emptied by hand).
    let orphan = mail(2);
    {
        let store = loket::store::Store::open(&sandbox.var().join("store")).expect("opens");
        store.journal().stage(&orphan).expect("journal writes");
        store.journal().sync_new().expect("syncs");
    }
    let (status, out, _) = sandbox.exec(&["fsck"]);
    assert_eq!(status.code(), Some(1), "an orphan needs the admin: {out}");
    assert!(out.contains("orphans: 1"), "{out}");
    assert!(
        out.contains(&MailHash::of(&orphan).hex()),
        "the file is named: {out}"
    );

    let (status, out, err) = sandbox.exec(&["fsck", "--repair"]);
    assert!(status.success(), "repaired: {out}{err}");
    assert!(
        out.contains("1 mail taken in from the journal, 0 of it already stored"),
        "{out}"
    );
    assert!(out.contains("store ok"), "{out}");
    let subjects: BTreeSet<String> = sandbox
        .tickets()
        .iter()
        .map(|t| t["subject"].as_str().expect("subject").to_string())
        .collect();
    assert_eq!(
        subjects,
        BTreeSet::from(["Question 1".into(), "Question 2".into()])
    );
    // Its acknowledgement was queued with it, and goes out with the next run.
    let (status, summary, err) = sandbox.exec(&["run", "--once"]);
    assert!(status.success(), "{err}");
    assert!(summary.contains("mail sent 1"), "{summary}");
}

#[test]
fn every_imap_message_is_flagged_only_after_its_journal_file_and_the_store_files_are_fsynced() {
    const COUNT: usize = 30;
    let strace = strace();
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let daemon = sandbox.daemon();
    // Trace the running daemon (every thread), then let the mail arrive over IDLE.
    let trace_file = sandbox.var().join("imap-trace");
    let mut tracer = std::process::Command::new(strace)
        .args(["-f", "-y", "-qq", "-s", "200", "-o"])
        .arg(&trace_file)
        .args([
            "-e",
            "trace=write,writev,sendto,sendmsg,pwrite64,pwritev,fsync,fdatasync,rename,renameat,renameat2",
            "-p",
        ])
        .arg(daemon.pid().to_string())
        .spawn()
        .expect("attaching strace");
    wait_for("strace attached", Duration::from_secs(10), || {
        std::fs::metadata(&trace_file).is_ok().then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    for n in 0..COUNT {
        servers.deliver_directly(
            "support@example.com",
            &format!("{n:05}.imap.trace"),
            &mail(n),
        );
    }
    wait_for(
        "every message flagged \\Seen",
        Duration::from_secs(60),
        || {
            let messages = servers.messages("support@example.com");
            (messages.len() == COUNT && messages.iter().all(|m| m.flags.contains('S')))
                .then_some(())
        },
    );
    let _ = std::process::Command::new("kill")
        .arg("-INT")
        .arg(tracer.id().to_string())
        .status();
    let _ = tracer.wait();
    assert!(daemon.stop(), "the daemon stops cleanly");

    let trace = std::fs::read_to_string(&trace_file).expect("reading the trace");
    let mut syncs = StoreSyncs::new(&sandbox.var().join("store"));
    let mut acknowledged = 0usize;
    for call in calls(&trace) {
        syncs.observe(&call);
        let on_socket = call.path.starts_with("socket:") || call.path.starts_with("TCP:");
        let Some(uids) = acknowledged_uids(&call.args).filter(|_| on_socket) else {
            continue;
        };
        let unsynced = syncs.unsynced_store_files();
        assert!(
            unsynced.is_empty(),
            "IMAP messages {uids} flagged while these store files held unsynced writes: {unsynced:?}"
        );
        acknowledged += uid_count(&uids);
        let durable = syncs.durable_mail.len();
        assert!(
            acknowledged <= durable,
            "{acknowledged} messages flagged by {uids}, but only {durable} journal files were durable"
        );
    }
    assert_eq!(
        acknowledged, COUNT,
        "every message was flagged in the trace:\n{trace}"
    );
    assert_eq!(sandbox.tickets().len(), COUNT);
}

/// The UID set of a `UID STORE` or `UID MOVE` that a traced socket write carries.
fn acknowledged_uids(args: &str) -> Option<String> {
    let command = ["UID STORE ", "UID MOVE "]
        .iter()
        .find_map(|verb| args.split_once(verb).map(|(_, rest)| rest))?;
    Some(command.split(' ').next()?.to_string())
}

/// How many UIDs a set such as `3:7,9` names.
fn uid_count(set: &str) -> usize {
    set.split(',')
        .map(|range| match range.split_once(':') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (a.parse().expect("uid"), b.parse().expect("uid"));
                b.abs_diff(a) + 1
            }
            None => 1,
        })
        .sum()
}

#[test]
fn a_damaged_store_is_refused_in_one_line_and_kept_as_the_crash_left_it() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&mail(1));
    sandbox.run_once();
    let store = sandbox.var().join("store");
    // A crash (no clean mark), and sled's config file garbled.
    std::fs::remove_file(store.join("closed-cleanly")).expect("a clean close leaves its mark");
    let damaged = b"segment_size: what\n".to_vec();
    std::fs::write(store.join("conf"), &damaged).expect("damages the config");
    let log = std::fs::read(store.join("db")).expect("reads the log");

    for attempt in 1..=2 {
        let (status, _, err) = sandbox.exec(&["ticket", "list"]);
        assert_eq!(status.code(), Some(70), "attempt {attempt}: {err}");
        assert!(
            !err.contains("panic"),
            "attempt {attempt}: no panic report:\n{err}"
        );
        let refusal: Vec<&str> = err.lines().filter(|l| l.starts_with("loket: ")).collect();
        assert_eq!(
            refusal.len(),
            1,
            "attempt {attempt}: one line says it:\n{err}"
        );
        assert!(
            refusal[0].contains(&store.display().to_string())
                && refusal[0].contains("is damaged")
                && refusal[0].contains("before-recovery")
                && refusal[0].contains("copy the whole folder aside"),
            "attempt {attempt}: {err}"
        );
        let copy = store.join("before-recovery");
        assert_eq!(
            std::fs::read(copy.join("conf")).expect("the copy"),
            damaged,
            "attempt {attempt}"
        );
        assert!(
            std::fs::read(copy.join("db")).expect("the copy") == log,
            "attempt {attempt}"
        );
    }
}
