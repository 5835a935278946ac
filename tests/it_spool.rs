//! The spool path end to end with the real binary: `loket ingest`, `loket run --once`,
//! the file transport, and `loket ticket ...` reading the store.

mod support;

use serde_json::Value;
use support::{repo, text, Sandbox};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("contrib/samples").join(name)).expect("sample mail")
}

fn ingest_all(sandbox: &Sandbox, names: &[&str]) {
    for name in names {
        sandbox.ingest(&sample(name));
        // One at a time, so arrival order is the order given.
        sandbox.run_once();
    }
}

fn message_kinds(ticket: &Value) -> Vec<(String, String)> {
    ticket["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["direction"].as_str().unwrap_or("").into(),
                m["matched_by"].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    let head = mail.split("\r\n\r\n").next()?;
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[test]
fn a_new_mail_becomes_a_ticket_and_one_threaded_acknowledgement() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["status"], "new");
    assert_eq!(tickets[0]["tier"], 1);
    assert_eq!(tickets[0]["requester"], "budi@example.id");
    assert_eq!(tickets[0]["message_count"], 2);
    let outbox = sandbox.outbox_files();
    assert_eq!(outbox.len(), 1);
    let ack = &outbox[0];
    assert_eq!(
        header(ack, "Subject"),
        Some("Re: Printer on the 3rd floor does not print [HD #1]")
    );
    assert_eq!(
        header(ack, "In-Reply-To"),
        Some("<CAF1=budi-001@mail.example.id>")
    );
    assert_eq!(
        header(ack, "References"),
        Some("<CAF1=budi-001@mail.example.id>")
    );
    assert_eq!(header(ack, "Auto-Submitted"), Some("auto-replied"));
    assert_eq!(header(ack, "X-Auto-Response-Suppress"), Some("All"));
    assert!(header(ack, "To").expect("To").contains("budi@example.id"));
    assert!(header(ack, "From")
        .expect("From")
        .contains("support@example.com"));
    assert_eq!(
        sandbox.spool_files(),
        0,
        "the spool is emptied once the store has the mail"
    );
}

#[test]
fn replies_thread_by_tag_in_reply_to_and_references_without_more_acknowledgements() {
    let sandbox = Sandbox::new();
    ingest_all(
        &sandbox,
        &[
            "01-new-ticket.eml",
            "02-reply-by-tag.eml",
            "03-gmail-reply.eml",
            "04-outlook-reply.eml",
        ],
    );
    assert_eq!(sandbox.tickets().len(), 1);
    let ticket = sandbox.ticket(1);
    let kinds = message_kinds(&ticket);
    let expected = [
        ("inbound", "new"),
        ("outbound", "outbound"),
        ("inbound", "tag"),
        ("inbound", "in-reply-to"),
        ("inbound", "references"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(kinds, expected);
    assert_eq!(
        sandbox.outbox_files().len(),
        1,
        "follow-ups are not acknowledged"
    );
    assert!(ticket["messages"][3]["text"]
        .as_str()
        .expect("text")
        .contains("It works again"));
}

#[test]
fn a_reply_to_the_acknowledgement_threads_by_its_message_id() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml"]);
    let ack = &sandbox.outbox_files()[0];
    let ack_id = header(ack, "Message-ID").expect("the acknowledgement has a Message-ID");
    let reply = format!(
        "From: budi@example.id\r\nTo: support@example.com\r\nSubject: Re: Printer\r\nMessage-ID: <r1@example.id>\r\nIn-Reply-To: {ack_id}\r\n\r\nStill broken.\r\n"
    );
    sandbox.ingest(reply.as_bytes());
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 1);
    assert_eq!(
        sandbox.ticket(1)["messages"][2]["matched_by"],
        "in-reply-to"
    );
}

#[test]
fn a_stranger_using_a_tag_gets_a_new_linked_ticket() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml", "11-stranger-uses-tag.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 2);
    assert_eq!(tickets[0]["message_count"], 2, "ticket 1 is untouched");
    assert_eq!(tickets[1]["linked_to"], 1);
    assert_eq!(
        sandbox.ticket(2)["messages"][0]["matched_by"],
        "new-not-participant"
    );
    let acks = sandbox.outbox_files();
    assert_eq!(
        header(&acks[1], "Subject"),
        Some("Re: please send me the full conversation [HD #2]")
    );
}

#[test]
fn a_duplicate_delivery_changes_nothing() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml", "01-new-ticket.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    assert_eq!(sandbox.tickets()[0]["message_count"], 2);
    assert_eq!(sandbox.outbox_files().len(), 1);
    assert_eq!(
        sandbox.spool_files(),
        0,
        "the duplicate still leaves the spool"
    );
}

#[test]
fn a_different_message_reusing_a_message_id_is_stored_not_dropped() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml"]);
    let other = String::from_utf8(sample("01-new-ticket.eml"))
        .expect("utf8")
        .replace("stopped printing", "caught fire");
    sandbox.ingest(other.as_bytes());
    let log = sandbox.run_once();
    assert!(log.contains("reuses a known Message-ID"), "{log}");
    let tickets = sandbox.tickets();
    assert_eq!(
        tickets.len(),
        2,
        "the second message is kept, on a ticket of its own"
    );
    let text = sandbox.ticket(2)["messages"][0]["text"]
        .as_str()
        .expect("text")
        .to_string();
    assert!(text.contains("caught fire"), "{text}");
}

#[test]
fn a_mail_without_message_id_delivered_twice_is_stored_once() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["10-no-message-id.eml", "10-no-message-id.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    assert_eq!(sandbox.tickets()[0]["message_count"], 2);
    let ack = &sandbox.outbox_files()[0];
    assert_eq!(
        header(ack, "In-Reply-To"),
        None,
        "no invented id is sent to the customer"
    );
}

#[test]
fn rfc3834_auto_reply_is_stored_but_not_answered() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["06-auto-reply.eml"]);
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["messages"][0]["kind"], "auto");
    assert!(sandbox.outbox_files().is_empty());
    let history = ticket["history"].as_array().expect("history");
    assert!(history
        .iter()
        .any(|h| h["what"] == "acknowledgement-suppressed"));
}

#[test]
fn rfc3464_bounce_is_stored_as_a_note_and_not_answered() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["07-bounce.eml"]);
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["messages"][0]["kind"], "note");
    assert!(sandbox.outbox_files().is_empty());
}

#[test]
fn a_bounce_of_our_own_acknowledgement_joins_that_ticket() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml"]);
    let ack_id = header(&sandbox.outbox_files()[0], "Message-ID")
        .expect("id")
        .to_string();
    let bounce = String::from_utf8(sample("07-bounce.eml"))
        .expect("utf8")
        .replace("<loket.9.1.1795000000@example.com>", &ack_id);
    sandbox.ingest(bounce.as_bytes());
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 1);
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["messages"][2]["kind"], "note");
    assert_eq!(ticket["messages"][2]["matched_by"], "references");
}

#[test]
fn broken_mime_is_kept_and_still_opens_a_ticket() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["08-broken-mime.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["subject"], "Laporan bulanan");
    assert!(sandbox
        .json(&["quarantine", "list"])
        .as_array()
        .expect("array")
        .is_empty());
}

#[test]
fn an_indonesian_encoded_subject_is_decoded() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["05-indonesian-subject.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets[0]["subject"], "Tidak bisa masuk ke akun saya");
    let text = sandbox.ticket(1)["messages"][0]["text"]
        .as_str()
        .expect("text")
        .to_string();
    assert!(text.contains("Kata sandi sudah diganti"), "{text}");
}

#[test]
fn html_only_mail_is_shown_as_text() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["09-html-only.eml"]);
    let text = sandbox.ticket(1)["messages"][0]["text"]
        .as_str()
        .expect("text")
        .to_string();
    assert!(text.contains("charged") && text.contains("twice"), "{text}");
    assert!(
        !text.contains("<p>") && !text.contains("color:red"),
        "{text}"
    );
}

#[test]
fn one_sender_gets_at_most_three_acknowledgements_an_hour() {
    let sandbox = Sandbox::new();
    for n in 0..5 {
        let mail = format!("From: loop@example.org\r\nTo: support@example.com\r\nSubject: Question {n}\r\nMessage-ID: <q{n}@example.org>\r\n\r\nx\r\n");
        sandbox.ingest(mail.as_bytes());
    }
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 5, "every mail is stored");
    assert_eq!(sandbox.outbox_files().len(), 3);
}

#[test]
fn a_line_break_in_a_display_name_cannot_inject_a_header() {
    let sandbox = Sandbox::new();
    // "Evil\r\nBcc: victim@example.net", RFC 2047-encoded so that it survives transport.
    let mail = "From: =?UTF-8?B?RXZpbA0KQmNjOiB2aWN0aW1AZXhhbXBsZS5uZXQ=?= <evil@example.org>\r\nTo: support@example.com\r\nSubject: =?UTF-8?B?aGkNCkJjYzogdmljdGltQGV4YW1wbGUubmV0?=\r\nMessage-ID: <evil@example.org>\r\n\r\nx\r\n";
    sandbox.ingest(mail.as_bytes());
    sandbox.run_once();
    let ack = &sandbox.outbox_files()[0];
    let head = ack.split("\r\n\r\n").next().expect("headers");
    assert!(
        !head.lines().any(|l| l.to_lowercase().starts_with("bcc:")),
        "{head}"
    );
    assert!(ack.lines().all(|l| l.len() <= 998));
}

#[test]
fn check_config_reports_every_problem_with_its_key_and_exits_64() {
    let sandbox = Sandbox::new();
    let config = std::fs::read_to_string(sandbox.config_path())
        .expect("config")
        .replace(
            "address = \"support@example.com\"",
            "address = \"not-an-address\"\ncolour = \"blue\"",
        )
        .replace("language = \"en\"", "language = \"fr\"");
    std::fs::write(sandbox.config_path(), config).expect("write");
    let out = sandbox.loket(&["check-config"]);
    assert_eq!(out.status.code(), Some(64));
    let err = text(&out.stderr);
    for key in ["desk.support", "colour"] {
        assert!(err.contains(key), "{key} missing: {err}");
    }
    assert_eq!(
        sandbox.loket(&["run", "--once"]).status.code(),
        Some(64),
        "run refuses too"
    );
}

#[test]
fn check_config_accepts_the_shipped_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_loket"))
        .args([
            "--config",
            &repo().join("config/loket.toml").display().to_string(),
            "check-config",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn ingest_that_cannot_write_exits_75_so_the_mta_retries() {
    let sandbox = Sandbox::new();
    let blocker = sandbox.dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").expect("file");
    let config = std::fs::read_to_string(sandbox.config_path()).expect("config");
    let spool = format!("path = \"{}/spool\"", blocker.display());
    let config = config.replacen(
        &format!("path = \"{}/spool\"", sandbox.var().display()),
        &spool,
        1,
    );
    std::fs::write(sandbox.config_path(), config).expect("write");
    let out = sandbox.loket_with_input(&["ingest"], &sample("01-new-ticket.eml"));
    assert_eq!(out.status.code(), Some(75), "{}", text(&out.stderr));
}

#[test]
fn ticket_commands_ask_the_running_daemon() {
    let sandbox = Sandbox::new();
    let daemon = sandbox.daemon();
    sandbox.ingest(&sample("01-new-ticket.eml"));
    let tickets = support::wait_for(
        "the daemon to take the mail in",
        std::time::Duration::from_secs(10),
        || {
            let tickets = sandbox.tickets();
            (!tickets.is_empty()).then_some(tickets)
        },
    );
    assert_eq!(tickets[0]["id"], 1);
    assert_eq!(sandbox.ticket(1)["message_count"], 2);
    assert!(daemon.stop(), "loket stops cleanly on SIGTERM");
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "and the store opens directly afterwards"
    );
}

#[test]
fn a_store_of_an_unknown_schema_version_is_refused_not_rewritten() {
    let sandbox = Sandbox::new();
    ingest_all(&sandbox, &["01-new-ticket.eml"]);
    {
        let db = sled::open(sandbox.var().join("store")).expect("open store");
        let meta = db.open_tree("meta").expect("meta tree");
        meta.insert("schema_version", &99u32.to_be_bytes())
            .expect("write");
        db.flush().expect("flush");
    }
    let out = sandbox.loket(&["ticket", "list"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("schema version 99"), "{err}");
    let out = sandbox.loket(&["run", "--once"]);
    assert!(!out.status.success(), "the daemon refuses it too");
}
