//! Timers with the real binary: SLA deadlines that pass while the daemon is stopped fire
//! exactly once when it starts again, and `run --once` fires what is due. Time is moved
//! with the test clock (`[testing] clock_offset_file`, accepted only by test builds).

mod support;

use std::time::Duration;
use support::{happenings, wait_for, Sandbox};

/// A desk with a lead, two agents (tier 1 and 2), and a 1 h first-response target with a
/// warning at half time, on a calendar that is always open.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::with_sections(
        r#"lead = "Lina Lead <lead@example.com>"
[outbox]
transport = "file"
path = "@VAR@/outbox"
[testing]
clock_offset_file = "@VAR@/clock-offset"
[sla.standard]
first_response = "1h"
warn_at = 50
remind_every = "1h"
[agent.andi]
name = "Andi"
addresses = ["andi@example.com"]
tier = 1
[agent.rina]
name = "Rina"
addresses = ["rina@example.com"]
tier = 2
[security]
secret = "a secret of more than sixteen characters"
"#,
    );
    std::fs::create_dir_all(sandbox.var()).expect("var folder");
    sandbox
}

fn move_clock(sandbox: &Sandbox, seconds: i64) {
    std::fs::write(sandbox.var().join("clock-offset"), seconds.to_string()).expect("clock file");
}

const MAIL: &[u8] = b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Printer rusak\r\nMessage-ID: <t1@example.id>\r\n\r\nPrinter saya rusak.\r\n";

fn mails_to(sandbox: &Sandbox, address: &str) -> Vec<String> {
    sandbox
        .outbox()
        .into_iter()
        .filter(|m| support::header(m, "To").is_some_and(|to| to.contains(address)))
        .collect()
}

#[test]
fn deadlines_that_pass_while_the_daemon_is_stopped_fire_once_after_it_starts() {
    let sandbox = sandbox();
    sandbox.ingest(MAIL);
    let daemon = sandbox.daemon();
    wait_for("the ticket", Duration::from_secs(10), || {
        (mails_to(&sandbox, "andi@example.com").len() == 1).then_some(())
    });
    assert!(daemon.stop(), "clean stop");
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["tier"], 1);
    assert!(
        ticket["sla"]["due"]["first_response"].is_string(),
        "{ticket:#}"
    );

    // 45 minutes pass while the daemon is down: the warning (at 30 min) is due.
    move_clock(&sandbox, 45 * 60);
    let daemon = sandbox.daemon();
    wait_for("the warning", Duration::from_secs(15), || {
        (mails_to(&sandbox, "andi@example.com").len() == 2).then_some(())
    });
    assert!(daemon.stop(), "clean stop");

    // Two hours in all: the deadline (1 h) passed while it was down again.
    move_clock(&sandbox, 2 * 3600);
    let daemon = sandbox.daemon();
    wait_for("the escalation", Duration::from_secs(15), || {
        (mails_to(&sandbox, "lead@example.com").len() == 1).then_some(())
    });
    // Let the scheduler look a few more times: nothing fires twice.
    std::thread::sleep(Duration::from_millis(3500));
    assert!(daemon.stop(), "clean stop");

    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["tier"], 2, "{ticket:#}");
    assert_eq!(ticket["breached"], true);
    assert_eq!(happenings(&ticket, "sla-warning"), 1, "{ticket:#}");
    assert_eq!(happenings(&ticket, "sla-breached"), 1, "{ticket:#}");
    assert_eq!(happenings(&ticket, "escalated"), 1, "{ticket:#}");
    let to_andi = mails_to(&sandbox, "andi@example.com");
    assert_eq!(to_andi.len(), 2, "notification and one warning");
    assert!(to_andi[1].contains("SLA warning"), "{}", to_andi[1]);
    let to_rina = mails_to(&sandbox, "rina@example.com");
    assert_eq!(to_rina.len(), 1, "one escalation notice");
    assert!(
        to_rina[0].contains("Escalated from tier 1 to tier 2"),
        "{}",
        to_rina[0]
    );
    let to_lead = mails_to(&sandbox, "lead@example.com");
    assert!(to_lead[0].contains("missed at tier 1"), "{}", to_lead[0]);
    assert!(
        to_lead[0].contains("Printer saya rusak"),
        "the lead gets the history: {}",
        to_lead[0]
    );

    // Started again without time passing: still nothing new.
    let sent_before = sandbox.outbox().len();
    let daemon = sandbox.daemon();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(daemon.stop());
    assert_eq!(sandbox.outbox().len(), sent_before);
    assert_eq!(happenings(&sandbox.ticket(1), "escalated"), 1);
}

#[test]
fn run_once_fires_due_timers_and_ticket_list_filters_breaches() {
    let sandbox = sandbox();
    sandbox.ingest(MAIL);
    sandbox.run_once();
    let breached = sandbox.json(&["ticket", "list", "--breached"]);
    assert_eq!(breached.as_array().map(Vec::len), Some(0));
    move_clock(&sandbox, 3600 + 1);
    let (status, summary, log) = sandbox.exec(&["run", "--once"]);
    assert!(status.success(), "{log}");
    assert!(summary.contains("timers fired 2"), "{summary}");
    let breached = sandbox.json(&["ticket", "list", "--breached"]);
    assert_eq!(breached.as_array().map(Vec::len), Some(1), "{breached:#}");
    let text = sandbox.loket(&["ticket", "show", "1"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("BREACHED first_response at tier 1"), "{text}");
}

/// A Monday 00:00 UTC at least three days ahead of now, and now, in Unix seconds.
fn a_coming_monday() -> (i64, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    // 1970-01-05 was a Monday.
    let monday = 4 * 86_400 + (now - 4 * 86_400).div_euclid(7 * 86_400) * 7 * 86_400;
    (monday + 14 * 86_400, now)
}

#[test]
fn the_weekly_report_goes_out_once_a_week_across_a_restart_and_a_two_week_downtime() {
    let sandbox = Sandbox::with_sections(
        r#"lead = "Lina Lead <lead@example.com>"
[outbox]
transport = "file"
path = "@VAR@/outbox"
[testing]
clock_offset_file = "@VAR@/clock-offset"
[reports.weekly]
to = "Lina Lead <lead@example.com>"
desk = "support"
every = "week"
"#,
    );
    std::fs::create_dir_all(sandbox.var()).expect("var folder");
    let (monday, now) = a_coming_monday();
    let at = |t: i64| move_clock(&sandbox, t - now);
    let reports = || -> Vec<String> {
        mails_to(&sandbox, "lead@example.com")
            .into_iter()
            .filter(|m| support::header(m, "Subject").is_some_and(|s| s.contains("Weekly report")))
            .collect()
    };

    // The Friday before: the ticket arrives; the report starts counting this week.
    at(monday - 3 * 86_400 + 12 * 3600);
    sandbox.ingest(MAIL);
    sandbox.ingest(b"From: Sari <sari@example.id>\r\nTo: support@example.com\r\nSubject: Printer rusak lagi\r\nMessage-ID: <t2@example.id>\r\n\r\nPrinter di lantai 3 rusak.\r\n");
    sandbox.run_once();
    assert!(
        reports().is_empty(),
        "nothing is reported before the week ends"
    );

    // Monday 08:30: last week's report, once, also after a restart.
    at(monday + 8 * 3600 + 1800);
    sandbox.run_once();
    sandbox.run_once();
    let sent = reports();
    assert_eq!(sent.len(), 1, "one report for the week");
    let first = loket::mail::parse(sent[0].as_bytes()).text;
    assert!(first.contains("Tickets: 2 opened"), "{first}");
    assert!(
        first.contains("Tickets about the same thing:\n  2 tickets (2 open): \"Printer rusak\""),
        "the week's recurring problem, from the search index: {first}"
    );
    assert!(!support::header(&sent[0], "Subject")
        .unwrap_or_default()
        .contains("late"));

    // Down for two weeks, started on a Monday at 08:30: one mail per missed week, the
    // older marked late.
    at(monday + 14 * 86_400 + 8 * 3600 + 1800);
    sandbox.run_once();
    let sent = reports();
    assert_eq!(sent.len(), 3, "one more per missed week");
    let subjects: Vec<String> = sent
        .iter()
        .map(|m| support::header(m, "Subject").unwrap_or_default())
        .collect();
    assert_eq!(
        subjects.iter().filter(|s| s.ends_with("(late)")).count(),
        1,
        "{subjects:?}"
    );
    let late = sent
        .iter()
        .find(|m| support::header(m, "Subject").is_some_and(|s| s.ends_with("(late)")))
        .expect("the late one");
    assert!(loket::mail::parse(late.as_bytes())
        .text
        .contains("This report is late: it was due"));
    for mail in &sent {
        let files = loket::mail::files::attachments(mail.as_bytes());
        let kinds: Vec<&str> = files.iter().map(|f| f.content_type.as_str()).collect();
        assert_eq!(kinds, ["text/csv", "image/png"], "{mail}");
        assert!(String::from_utf8_lossy(&files[0].bytes).starts_with("day,opened,resolved,"));
        let png = &files[1].bytes;
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
        let info = png::Decoder::new(png.as_slice())
            .read_info()
            .expect("a PNG that decodes");
        assert_eq!((info.info().width, info.info().height), (900, 480));
        assert!(
            png.len() > 10_000,
            "a drawn chart, not an empty page: {} bytes",
            png.len()
        );
    }
}

#[test]
fn raw_mail_of_tickets_closed_longer_than_the_retention_leaves_the_disk_and_the_record_stays() {
    let sandbox = Sandbox::with_sections(
        r#"[outbox]
transport = "file"
path = "@VAR@/outbox"
[testing]
clock_offset_file = "@VAR@/clock-offset"
[retention]
closed_raw_after = "30days"
[agent.andi]
name = "Andi"
addresses = ["andi@staff.example"]
[security]
secret = "a secret of more than sixteen characters"
trusted_authserv_ids = ["mx.example.com"]
"#,
    );
    std::fs::create_dir_all(sandbox.var()).expect("var folder");
    let with_file = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Log\r\n\
Message-ID: <ret1@example.id>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nLognya terlampir.\r\n\
--b\r\nContent-Type: text/plain; name=\"log.txt\"\r\nContent-Disposition: attachment; filename=\"log.txt\"\r\n\r\n\
ZEBRA-PAYLOAD-7731 error at boot\r\n--b--\r\n";
    sandbox.ingest(with_file.as_bytes());
    sandbox.run_once();
    sandbox.ingest(
        b"Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\n\
From: Andi <andi@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #1] Log\r\n\
Message-ID: <ret2@staff.example>\r\n\r\n#close Read the log\r\nThanks, fixed.\r\n",
    );
    sandbox.run_once();
    let store = sandbox.var().join("store");
    assert_eq!(sandbox.ticket(1)["status"], "resolved");
    assert!(!support::files_mentioning(&store, "ZEBRA-PAYLOAD-7731").is_empty());

    // 29 days on, it is all still there; 31 days on, the raw mail and its file are gone.
    move_clock(&sandbox, 29 * 86_400);
    sandbox.run_once();
    assert!(!support::files_mentioning(&store, "ZEBRA-PAYLOAD-7731").is_empty());
    move_clock(&sandbox, 31 * 86_400 + 3600);
    sandbox.run_once();
    let left = support::files_mentioning(&store, "ZEBRA-PAYLOAD-7731");
    assert!(left.is_empty(), "still in {left:?}");
    let raw = sandbox.loket(&["message", "raw", "1", "1"]);
    assert!(!raw.status.success(), "no raw mail to give");
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["messages"][0]["new_text"], "Lognya terlampir.");
    assert_eq!(
        ticket["service"]["agent_replies"], 1,
        "the measurements stay"
    );
    assert_eq!(ticket["resolution"], "Read the log");
}
