//! Records and reports through real Dovecot and Postfix, on an English desk and an
//! Indonesian one: the procedure in the notification, a close refused without its
//! resolution, the resolution report in the customer's language, a rating that stays on
//! the ticket and a low one that reopens it and tells the lead.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::{address_in, happenings, wait_for, MailServers, Sandbox};

const WAIT: Duration = Duration::from_secs(20);
const ANDI: &str = "Andi <andi@staff.example>";

/// Two desks (English `support`, Indonesian `layanan`, each with its lead and its IMAP
/// mailbox), one agent and a printer category with a two-step procedure.
fn desks(servers: &MailServers) -> Sandbox {
    let imap = servers.loket_sections("");
    let layanan_mailbox = imap
        .split("[mailbox.support]")
        .nth(1)
        .expect("the support mailbox")
        .replace("support@example.com", "layanan@example.com");
    Sandbox::with_sections(&format!(
        "lead = \"Lead <lead@example.com>\"\n\
         [desk.layanan]\nname = \"Layanan TI\"\naddress = \"layanan@example.com\"\ntag = \"TI\"\n\
         language = \"id\"\nlead = \"Kepala TI <kepala@example.com>\"\n\
         {imap}\
         [mailbox.layanan]{layanan_mailbox}desk = \"layanan\"\n\
         [agent.andi]\nname = \"Andi\"\naddresses = [\"andi@staff.example\"]\n\
         [security]\nsecret = \"a test secret, 16+ characters\"\n\
         [category.printer]\ntitle.en = \"Printers\"\ntitle.id = \"Printer\"\n\
         steps.en = [\"Check paper and toner\", \"Replace the toner\"]\n\
         steps.id = [\"Cek kertas dan toner\", \"Ganti toner\"]\n\
         [rule.printer]\nkeywords = [\"printer\"]\ncategory = \"printer\"\n"
    ))
}

fn ticket_when(sandbox: &Sandbox, id: u64, what: &str, holds: impl Fn(&Value) -> bool) -> Value {
    wait_for(&format!("ticket {id}: {what}"), WAIT, || {
        let ticket = sandbox.ticket(id);
        holds(&ticket).then_some(ticket)
    })
}

fn rated(ticket: &Value) -> Vec<&Value> {
    ticket["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["what"] == "rated")
        .collect()
}

#[test]
fn a_procedure_a_refused_close_a_report_in_each_language_and_the_ratings_that_follow() {
    let servers = MailServers::start();
    let sandbox = desks(&servers);
    let _daemon = sandbox.daemon();

    // English: Budi's printer. Andi's notification lists the procedure.
    let budi = "Budi <budi@example.id>";
    servers.submit(
        "budi@example.id",
        &["support@example.com"],
        b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: The printer jams\r\n\
Message-ID: <budi1@example.id>\r\n\r\nThe printer on floor 3 jams on every page.\r\n",
    );
    let notification = servers.mail_with("andi@staff.example", "[HD #1]", WAIT);
    assert!(
        notification
            .body()
            .contains("Procedure (Printers):\n  [ ] 1. Check paper and toner"),
        "{}",
        notification.body()
    );

    // A close without what was done is refused, by mail, naming what is missing.
    servers.answer(
        ANDI,
        &notification,
        "#close\r\nDone.",
        "andi1@staff.example",
    );
    let refused = servers.mail_with("andi@staff.example", "#close", WAIT);
    assert!(
        refused.body().contains("resolution"),
        "the refusal names the missing resolution: {}",
        refused.body()
    );
    assert_eq!(
        sandbox.ticket(1)["status"],
        "new",
        "nothing of that mail applied"
    );

    servers.answer(
        ANDI,
        &notification,
        "#step 1\r\n#close Replaced the toner\r\nThe toner is replaced; it prints again.",
        "andi2@staff.example",
    );
    let report = servers.mail_with("budi@example.id", "is resolved", WAIT);
    let text = report.body();
    for expected in [
        "Your request:\n  The printer on floor 3 jams on every page.",
        "What we did:\n  Replaced the toner\n  - Check paper and toner",
        "Tier 1: Andi",
        "How did we do?",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    let rating_to = address_in(&report.header("Reply-To").expect("a Reply-To"));
    assert!(rating_to.starts_with("support+r1."), "{rating_to}");

    servers.answer(budi, &report, "4 terima kasih", "answer1@customer.example");
    let ticket = ticket_when(&sandbox, 1, "rated", |t| !rated(t).is_empty());
    assert_eq!(rated(&ticket)[0]["score"], serde_json::json!({"stars": 4}));
    assert_eq!(rated(&ticket)[0]["comment"], "terima kasih");
    assert_eq!(
        ticket["status"], "resolved",
        "thanks with a rating reopen nothing"
    );

    // Indonesian: Sari's printer at the other desk; her report is in Indonesian, her "1"
    // reopens the ticket and the desk's lead hears of it.
    let sari = "Sari <sari@kantor.example>";
    servers.submit(
        "sari@kantor.example",
        &["layanan@example.com"],
        b"From: Sari <sari@kantor.example>\r\nTo: layanan@example.com\r\nSubject: Printer macet\r\n\
Message-ID: <sari1@kantor.example>\r\n\r\nPrinter di lantai 2 macet terus.\r\n",
    );
    let notification = servers.mail_with("andi@staff.example", "[TI #2]", WAIT);
    assert!(
        notification
            .body()
            .contains("Prosedur (Printer):\n  [ ] 1. Cek kertas dan toner"),
        "{}",
        notification.body()
    );
    servers.answer(
        ANDI,
        &notification,
        "#close Rol kertas dibersihkan\r\nSudah kami bersihkan, Bu.",
        "andi3@staff.example",
    );
    let report = servers.mail_with("sari@kantor.example", "sudah selesai ditangani", WAIT);
    let text = report.body();
    for expected in [
        "Yth. Sari,",
        "Permintaan Anda:\n  Printer di lantai 2 macet terus.",
        "Yang kami lakukan:\n  Rol kertas dibersihkan",
        "Level 1: Andi",
        "Bagaimana layanan kami?",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    servers.answer(sari, &report, "1 masih macet", "answer2@customer.example");
    let ticket = ticket_when(&sandbox, 2, "reopened", |t| t["status"] == "open");
    assert_eq!(rated(&ticket)[0]["score"], serde_json::json!({"stars": 1}));
    assert_eq!(rated(&ticket)[0]["counted"], true);
    let lead = servers.mail_with(
        "kepala@example.com",
        "Pelanggan memberi nilai 1 dari 5",
        WAIT,
    );
    assert!(
        lead.body().contains("masih macet"),
        "the lead reads the comment: {}",
        lead.body()
    );
    assert_eq!(
        lead.header("Subject").as_deref(),
        Some("[TI #2] dinilai 1 dari 5: Printer macet")
    );
    assert_eq!(happenings(&ticket, "resolution-reported"), 1);
    // Nobody held the ticket: the agents on duty hear that it is open again.
    let reopened = servers.mail_with("andi@staff.example", "1 masih macet", WAIT);
    assert!(reopened.body().contains("[TI #2]"), "{}", reopened.body());
    if std::env::var_os("SHOW_MAIL").is_some() {
        for user in [
            "budi@example.id",
            "sari@kantor.example",
            "kepala@example.com",
            "andi@staff.example",
        ] {
            for m in servers.messages(user) {
                eprintln!(
                    "===== to {user}: {}\n{}",
                    m.header("Subject").unwrap_or_default(),
                    m.body()
                );
            }
        }
    }
    // The report, asked of the running daemon over its socket, counts both ratings.
    let report = sandbox.json(&["report"]);
    assert_eq!(report["total"]["satisfaction"]["ratings"], 2, "{report:#}");
    assert_eq!(report["total"]["satisfaction"]["average"], 2.5);
    assert_eq!(report["total"]["reopened"], 1);
    let sari = sandbox.json(&["customer", "show", "sari@kantor.example"]);
    assert_eq!(sari["tickets"][0]["rating"], "1/5");
    // Budi's desk lead heard nothing: his rating was good.
    assert!(servers.messages("lead@example.com").is_empty());
}
