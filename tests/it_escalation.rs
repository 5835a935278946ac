//! A ticket nobody answers climbs the tiers, through real Dovecot and Postfix: the test
//! clock passes its first-response target again and again, so it goes from the front desk
//! (tier 1) to the seniors (tier 2) to the engineers (tier 3), the lead hears of each step
//! and is reminded at the last tier; then the engineer schedules an on-site visit by mail
//! and the customer's calendar accepts the invitation (iMIP, RFC 6047).

mod support;

use mail_parser::{Message, MessageParser, MimeHeaders};
use serde_json::Value;
use std::cell::Cell;
use std::time::Duration;
use support::{address_in, happenings, wait_for, MailServers, MaildirMessage, Sandbox};

const WAIT: Duration = Duration::from_secs(20);
const DESK: &str = "support@example.com";
const CUSTOMER: &str = "budi@example.id";
const LEAD: &str = "lead@example.com";
const ANDI: &str = "andi@staff.example";
const RINA: &str = "rina@staff.example";
const EKO: &str = "eko@staff.example";
/// Everyone who gets mail in this story, for the exact counts.
const PEOPLE: [&str; 5] = [CUSTOMER, LEAD, ANDI, RINA, EKO];

/// The desk's lead and first team (these two keys continue `[desk.support]`), a one-hour
/// first-response target with a warning at half time, and a team with one member per tier.
const CONFIG: &str = r#"lead = "Lina Lead <lead@example.com>"
team = "front"
[testing]
clock_offset_file = "@VAR@/clock-offset"
[sla.standard]
first_response = "1h"
warn_at = 50
remind_every = "1h"
[team.front]
name = "Front desk"
tier = 1
assignment = "round-robin"
[team.senior]
name = "Seniors"
tier = 2
assignment = "round-robin"
[team.engineers]
name = "Engineers"
tier = 3
assignment = "round-robin"
[agent.andi]
name = "Andi"
addresses = ["andi@staff.example"]
tier = 1
teams = ["front"]
[agent.rina]
name = "Rina"
addresses = ["rina@staff.example"]
tier = 2
teams = ["senior"]
[agent.eko]
name = "Eko"
addresses = ["eko@staff.example"]
tier = 3
teams = ["engineers"]
[security]
secret = "a test secret, 16+ characters"
"#;

const FIRST_MAIL: &str = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\n\
    Subject: Router mati\r\nMessage-ID: <e1@example.id>\r\n\r\n\
    The router in the warehouse has been dead since this morning.\r\n";

/// The servers, the running daemon, and how far the test has moved the daemon's clock.
struct Desk {
    servers: MailServers,
    sandbox: Sandbox,
    _daemon: support::Daemon,
    offset: Cell<i64>,
}

impl Desk {
    fn start() -> Desk {
        Desk::start_in("en")
    }

    /// The desk, writing in `language` (`en` or `id`).
    fn start_in(language: &str) -> Desk {
        let servers = MailServers::start();
        let sections = format!("{CONFIG}{}", servers.loket_sections(""));
        let sandbox = Sandbox::with_sections(&sections);
        if language != "en" {
            let setting = format!("language = \"{language}\"");
            sandbox.edit_config(|c| c.replace("language = \"en\"", &setting));
        }
        std::fs::create_dir_all(sandbox.var()).expect("creating the sandbox's var folder");
        let daemon = sandbox.daemon();
        Desk {
            servers,
            sandbox,
            _daemon: daemon,
            offset: Cell::new(0),
        }
    }

    /// Lets `minutes` pass on the daemon's clock (the scheduler looks about once a second).
    fn pass(&self, minutes: i64) {
        self.offset.set(self.offset.get() + minutes * 60);
        let file = self.sandbox.var().join("clock-offset");
        std::fs::write(&file, self.offset.get().to_string())
            .unwrap_or_else(|e| panic!("writing the clock offset {}: {e}", file.display()));
    }

    /// Now on the daemon's clock, in Unix seconds.
    fn daemon_now(&self) -> i64 {
        jiff::Timestamp::now().as_second() + self.offset.get()
    }

    /// Waits until each person's mailbox holds the given number of mails and the daemon
    /// has handed every mail it queued to Postfix, then checks that nobody got more and
    /// that the daemon queued nothing else: the counts are exact. Returns everyone's mail.
    fn settle(&self, step: &str, expected: [usize; 5]) -> Mail {
        let counts = || PEOPLE.map(|p| self.servers.messages(p).len());
        let what = format!("{step}: mails for {PEOPLE:?} to reach {expected:?}, all sent");
        let records = wait_for(&what, WAIT, || {
            let reached = counts().iter().zip(expected).all(|(n, e)| *n >= e);
            let records = self.sandbox.outbox_records();
            (reached && records.iter().all(is_sent)).then_some(records)
        });
        assert_eq!(counts(), expected, "{step}: mails for {PEOPLE:?}");
        let queued: usize = records
            .iter()
            .map(|r| r["envelope_to"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(
            queued,
            expected.iter().sum::<usize>(),
            "{step}: recipients of the daemon's outbox: {records:#?}"
        );
        Mail(PEOPLE.map(|p| self.servers.messages(p)))
    }

    fn ticket_where(&self, what: &str, holds: impl Fn(&Value) -> bool) -> Value {
        wait_for(&format!("ticket 1 {what}"), WAIT, || {
            let ticket = self.sandbox.ticket(1);
            holds(&ticket).then_some(ticket)
        })
    }
}

/// Whether the transport took an outgoing mail; a refused one fails the test.
fn is_sent(record: &Value) -> bool {
    let state = &record["state"]["state"];
    assert_ne!(state, "failed", "a mail was refused: {record:#}");
    state == "sent"
}

/// Everyone's mail at one moment, in the order of `PEOPLE`.
struct Mail([Vec<MaildirMessage>; 5]);

impl Mail {
    fn of(&self, person: &str) -> &[MaildirMessage] {
        let at = PEOPLE
            .iter()
            .position(|p| *p == person)
            .expect("one of PEOPLE");
        &self.0[at]
    }

    /// The one mail of `person` whose decoded text contains `needle`.
    fn with(&self, person: &str, needle: &str) -> &MaildirMessage {
        let found: Vec<&MaildirMessage> = self
            .of(person)
            .iter()
            .filter(|m| texts(m).contains(needle))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{person} should have exactly one mail saying {needle:?}; their mail:\n{}",
            self.of(person)
                .iter()
                .map(texts)
                .collect::<Vec<_>>()
                .join("\n=====\n")
        );
        found[0]
    }
}

fn parsed(message: &MaildirMessage) -> Message<'_> {
    MessageParser::default()
        .parse(message.text.as_bytes())
        .unwrap_or_else(|| panic!("mail-parser cannot read this mail:\n{}", message.text))
}

/// Every text part of a mail, decoded (quoted-printable soft breaks and all).
fn texts(message: &MaildirMessage) -> String {
    let parsed = parsed(message);
    let parts = parsed.parts.iter().filter(|p| {
        p.content_type()
            .is_none_or(|ct| ct.ctype().eq_ignore_ascii_case("text"))
    });
    let texts: Vec<&str> = parts.filter_map(|p| p.text_contents()).collect();
    texts.join("\n")
}

/// The `text/calendar` part of a mail: its `method` parameter and its text.
fn calendar_part(message: &MaildirMessage) -> (String, String) {
    let parsed = parsed(message);
    let part = parsed
        .parts
        .iter()
        .find(|p| {
            p.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("text")
                    && ct
                        .subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
            })
        })
        .unwrap_or_else(|| panic!("no text/calendar part in:\n{}", message.text));
    let method = part
        .content_type()
        .and_then(|ct| ct.attribute("method"))
        .unwrap_or_default()
        .to_string();
    let text = part.text_contents().expect("a calendar part is text");
    (method, text.to_string())
}

/// The bytes of the attachment called `name`, if the mail has one.
fn attachment(message: &MaildirMessage, name: &str) -> Option<Vec<u8>> {
    let parsed = parsed(message);
    let part = parsed
        .parts
        .iter()
        .find(|p| p.attachment_name() == Some(name))?;
    Some(part.contents().to_vec())
}

/// No agent's or engineer's own address appears anywhere in `person`'s mail: headers,
/// text, calendar objects and attachments, decoded.
fn no_staff_address_reaches(mail: &Mail, person: &str) {
    for message in mail.of(person) {
        let parsed = parsed(message);
        let mut seen = vec![message.text.clone(), texts(message)];
        seen.extend(
            parsed
                .parts
                .iter()
                .map(|p| String::from_utf8_lossy(p.contents()).into_owned()),
        );
        for staff in [ANDI, RINA, EKO] {
            assert!(
                !seen.iter().any(|s| s.to_lowercase().contains(staff)),
                "{staff} is shown to {person} in:\n{}",
                message.text
            );
        }
    }
}

/// `agent` answers `notification` from their mail client: to its Reply-To, in its thread.
fn answer(desk: &Desk, agent: &str, notification: &MaildirMessage, body: &str) {
    let reply_to = notification.header("Reply-To").expect("a Reply-To");
    let subject = notification.header("Subject").expect("a Subject");
    let id = notification.header("Message-ID").expect("a Message-ID");
    let raw = format!(
        "From: {agent}\r\nTo: {reply_to}\r\nSubject: Re: {subject}\r\nIn-Reply-To: {id}\r\n\
         Message-ID: <answer.{}@staff.example>\r\n\r\n{body}\r\n",
        desk.daemon_now()
    );
    desk.servers
        .submit(agent, &[&address_in(&reply_to)], raw.as_bytes());
}

/// What the customer's calendar sends when Budi accepts the invitation: iMIP REPLY in a
/// multipart/alternative, answering the invitation's Message-ID, as Thunderbird does.
fn acceptance(invitation_id: &str, uid: &str, summary: &str, dtstart: &str) -> String {
    let calendar = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Example//Calendar 1.0//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n\
         BEGIN:VEVENT\r\nUID:{uid}\r\nSEQUENCE:0\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{dtstart}\r\n\
         SUMMARY:{summary}\r\nORGANIZER;CN=Support:mailto:{DESK}\r\n\
         ATTENDEE;CN=Budi;PARTSTAT=ACCEPTED:mailto:{CUSTOMER}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let parsed = icalendar::parser::read_calendar(&calendar);
    assert!(
        parsed.is_ok(),
        "the test's own REPLY is iCalendar: {parsed:?}"
    );
    format!(
        "From: Budi <{CUSTOMER}>\r\nTo: Support <{DESK}>\r\nSubject: Accepted: {summary}\r\n\
         Message-ID: <accept.1@example.id>\r\nIn-Reply-To: {invitation_id}\r\n\
         References: {invitation_id}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"reply-b\"\r\n\r\n\
         --reply-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Budi has accepted this invitation.\r\n\
         --reply-b\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n\
         {calendar}--reply-b--\r\n"
    )
}

/// An invitation as the `icalendar` parser reads it: the calendar's METHOD values and the
/// VEVENT's properties (name, value), in order.
struct Invitation {
    method: Vec<String>,
    event: Vec<(String, String)>,
}

impl Invitation {
    /// Reads the object with the `icalendar` crate's parser: it must be valid iCalendar.
    fn read(text: &str) -> Invitation {
        let unfolded = icalendar::parser::unfold(text);
        let calendar = icalendar::parser::read_calendar(&unfolded)
            .unwrap_or_else(|e| panic!("the invitation is not valid iCalendar: {e}\n{text}"));
        let method = calendar
            .properties
            .iter()
            .filter(|p| p.name == "METHOD")
            .map(|p| p.val.to_string())
            .collect();
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), 1, "one VEVENT in:\n{text}");
        let event = events[0]
            .properties
            .iter()
            .map(|p| (p.name.to_string(), p.val.to_string()))
            .collect();
        Invitation { method, event }
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.event
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, name: &str) -> &str {
        match self.all(name)[..] {
            [value] => value,
            ref other => panic!("{name} should appear once in the VEVENT, found {other:?}"),
        }
    }
}

#[test]
fn an_unanswered_ticket_climbs_to_the_engineers_who_schedule_a_visit_the_customer_accepts() {
    let desk = Desk::start();

    // Budi writes; the front desk's round-robin gives the ticket to Andi.
    desk.servers
        .submit(CUSTOMER, &[DESK], FIRST_MAIL.as_bytes());
    let mail = desk.settle("new ticket", [1, 0, 1, 0, 0]);
    assert!(
        texts(&mail.of(CUSTOMER)[0]).contains("[HD #1]"),
        "the acknowledgement"
    );
    mail.with(ANDI, "dead since this morning");
    let ticket = desk.sandbox.ticket(1);
    assert_eq!(ticket["tier"], 1, "{ticket:#}");
    assert_eq!(ticket["assignee"], "andi", "{ticket:#}");

    // Half the target passes: Andi is warned.
    desk.pass(31);
    let mail = desk.settle("warning at 50%", [1, 0, 2, 0, 0]);
    mail.with(
        ANDI,
        "SLA warning: the first response of this ticket is due",
    );

    // The target passes: tier 2, Rina takes it, the lead gets the report with the history.
    desk.pass(61);
    let mail = desk.settle("missed at tier 1", [1, 1, 2, 1, 0]);
    mail.with(RINA, "Escalated from tier 1 to tier 2");
    let report = &mail.of(LEAD)[0];
    let subject = report.header("Subject").expect("the report's subject");
    assert!(subject.contains("[HD #1] Tier 2"), "{subject}");
    let body = texts(report);
    assert!(body.contains("missed at tier 1."), "{body}");
    assert!(
        body.contains("dead since this morning"),
        "the conversation: {body}"
    );
    let ticket = desk.sandbox.ticket(1);
    assert_eq!(ticket["tier"], 2, "{ticket:#}");
    assert_eq!(ticket["assignee"], "rina", "{ticket:#}");
    assert_eq!(ticket["breached"], true, "{ticket:#}");

    // Missed again at tier 2 (her warning time passed in the same jump: no late warning,
    // the escalation says it all): it goes to the engineers; the lead's second report.
    desk.pass(61);
    let mail = desk.settle("missed at tier 2", [1, 2, 2, 1, 1]);
    let notice = mail.with(EKO, "Escalated from tier 2 to tier 3").clone();
    let report = mail.with(LEAD, "missed at tier 2.");
    let subject = report.header("Subject").expect("the report's subject");
    assert!(subject.contains("[HD #1] Tier 3"), "{subject}");
    let ticket = desk.sandbox.ticket(1);
    assert_eq!(ticket["tier"], 3, "{ticket:#}");
    assert_eq!(ticket["assignee"], "eko", "{ticket:#}");

    // Missed at the last tier: the lead hears it is overdue...
    desk.pass(61);
    let mail = desk.settle("missed at tier 3", [1, 3, 2, 1, 1]);
    mail.with(LEAD, "Overdue at the last tier");
    // ... and is reminded every hour.
    desk.pass(61);
    let mail = desk.settle("an hour overdue", [1, 4, 2, 1, 1]);
    mail.with(LEAD, "Reminder: still overdue");

    // Eko schedules a visit two days ahead of the daemon's clock, in UTC (the desk has no
    // calendar), by answering his escalation notice.
    let visit = jiff::Timestamp::from_second((desk.daemon_now() + 2 * 86400) / 60 * 60)
        .expect("a time in range");
    let command = format!(
        "#visit {} 2h Bring a spare router",
        visit.strftime("%Y-%m-%d %H:%M")
    );
    answer(&desk, EKO, &notice, &command);
    let mail = desk.settle("visit scheduled", [2, 4, 2, 1, 2]);

    let invitation = mail.with(CUSTOMER, "Bring a spare router");
    let (method, calendar) = calendar_part(invitation);
    assert_eq!(
        method, "REQUEST",
        "the text/calendar part's method parameter"
    );
    let file = attachment(invitation, "invite.ics").expect("an invite.ics attachment");
    assert_eq!(
        String::from_utf8_lossy(&file),
        calendar,
        "invite.ics is the same object"
    );
    let ics = Invitation::read(&calendar);
    assert_eq!(ics.method, ["REQUEST"]);
    assert_eq!(
        ics.one("DTSTART"),
        visit.strftime("%Y%m%dT%H%M%SZ").to_string()
    );
    let end = jiff::Timestamp::from_second(visit.as_second() + 7200).expect("in range");
    assert_eq!(ics.one("DTEND"), end.strftime("%Y%m%dT%H%M%SZ").to_string());
    assert_eq!(
        ics.one("ORGANIZER").to_lowercase(),
        format!("mailto:{DESK}")
    );
    // The customer's copy names the engineer by name only; Eko's lists both of them.
    let attendees = |ics: &Invitation| {
        let mut all: Vec<String> = ics
            .all("ATTENDEE")
            .iter()
            .map(|a| a.to_lowercase())
            .collect();
        all.sort();
        all
    };
    assert_eq!(attendees(&ics), [format!("mailto:{CUSTOMER}")]);
    assert!(
        ics.one("DESCRIPTION").contains("Engineer: Eko"),
        "{calendar}"
    );
    let uid = ics.one("UID").to_string();

    let for_eko = mail.with(EKO, "Visit scheduled");
    let (method, eko_calendar) = calendar_part(for_eko);
    assert_eq!(method, "REQUEST");
    let eko_ics = Invitation::read(&eko_calendar);
    assert_eq!(eko_ics.one("UID"), uid, "one event for both");
    assert_eq!(
        attendees(&eko_ics),
        [format!("mailto:{CUSTOMER}"), format!("mailto:{EKO}")]
    );
    let ticket = desk.sandbox.ticket(1);
    assert_eq!(ticket["visits"][0]["status"], "scheduled", "{ticket:#}");
    assert_eq!(ticket["visits"][0]["uid"], uid.as_str(), "{ticket:#}");

    // Budi's calendar accepts: Eko is told, and the visit is recorded as accepted.
    let invitation_id = invitation
        .header("Message-ID")
        .expect("the invitation's id");
    let reply = acceptance(&invitation_id, &uid, ics.one("SUMMARY"), ics.one("DTSTART"));
    desk.servers.submit(CUSTOMER, &[DESK], reply.as_bytes());
    let ticket = desk.ticket_where("with the visit accepted", |t| {
        t["visits"][0]["status"] == "accepted"
    });
    let mail = desk.settle("visit accepted", [2, 4, 2, 1, 3]);
    let told = texts(mail.with(EKO, "accepted the visit"));
    assert!(told.contains(CUSTOMER), "{told}");

    no_staff_address_reaches(&mail, CUSTOMER);
    for (what, count) in [
        ("sla-warning", 1),
        ("sla-breached", 3),
        ("escalated", 2),
        ("lead-reminded", 1),
        ("visit-scheduled", 1),
        ("visit-answered", 1),
    ] {
        assert_eq!(happenings(&ticket, what), count, "{what} in {ticket:#}");
    }
}

/// Words that must not appear in what Loket writes to an Indonesian desk's people (the
/// commands, `#visit` and the like, are the same in every language and are skipped).
const ENGLISH: [&str; 33] = [
    "new",
    "open",
    "pending",
    "resolved",
    "closed",
    "first",
    "response",
    "resolution",
    "Due",
    "due",
    "Escalated",
    "escalated",
    "wrote",
    "Visit",
    "visit",
    "Duration",
    "duration",
    "Tier",
    "tier",
    "Reminder",
    "reminder",
    "asked",
    "Overdue",
    "overdue",
    "warning",
    "Conversation",
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
];

/// The English words of `ENGLISH` in a mail's subject and text parts.
fn english_in(message: &MaildirMessage) -> Vec<String> {
    let subject = message.header("Subject").unwrap_or_default();
    let parsed = parsed(message);
    let plain: Vec<String> = parsed
        .parts
        .iter()
        .filter(|p| {
            p.content_type().is_none_or(|ct| {
                ct.ctype().eq_ignore_ascii_case("text")
                    && ct.subtype().is_none_or(|s| s.eq_ignore_ascii_case("plain"))
            })
        })
        .filter_map(|p| p.text_contents().map(str::to_string))
        .collect();
    let text = format!("{subject}\n{}", plain.join("\n"));
    text.split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.starts_with('#'))
        .filter(|w| ENGLISH.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_indonesian_desk_writes_indonesian_from_the_first_mail_to_the_visit() {
    let desk = Desk::start_in("id");
    let first = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\n\
        Subject: Router gudang mati\r\nMessage-ID: <i1@example.id>\r\n\r\n\
        Router di gudang mati sejak pagi, lampunya merah semua.\r\n";
    desk.servers.submit(CUSTOMER, &[DESK], first.as_bytes());
    let mail = desk.settle("new ticket", [1, 0, 1, 0, 0]);
    let notice = mail.with(ANDI, "lampunya merah semua").clone();
    assert!(
        texts(&notice).contains("Status: baru"),
        "{}",
        texts(&notice)
    );

    // Half the first-response target passes: Andi is warned, in Indonesian.
    desk.pass(31);
    let mail = desk.settle("warning at 50%", [1, 0, 2, 0, 0]);
    mail.with(ANDI, "Peringatan SLA: batas respons pertama tiket ini");

    // Andi answers Budi and escalates: Budi gets the answer, Rina the ticket, the lead a report.
    answer(
        &desk,
        ANDI,
        &notice,
        "#escalate perlu teknisi senior\r\n\r\nBaik Pak Budi, kami teruskan ke tim senior.",
    );
    let mail = desk.settle("escalated by Andi", [2, 1, 2, 1, 0]);
    mail.with(CUSTOMER, "kami teruskan ke tim senior");
    let rina = mail.with(RINA, "Dinaikkan dari level 1 ke level 2").clone();
    assert!(
        texts(&rina).contains("Status: diproses"),
        "Andi's answer opened the ticket before it went up: {}",
        texts(&rina)
    );
    let report = &mail.of(LEAD)[0];
    let subject = report.header("Subject").expect("the report's subject");
    assert!(subject.contains("[HD #1] Level 2"), "{subject}");
    let body = texts(report);
    assert!(
        body.contains("ANDI meminta: perlu teknisi senior")
            || body.contains("Andi meminta: perlu teknisi senior"),
        "{body}"
    );
    assert!(
        body.contains("Percakapan") && body.contains("menulis:"),
        "{body}"
    );

    // Rina sends it on to the engineers; Eko schedules a visit.
    answer(&desk, RINA, &rina, "#escalate perlu kunjungan ke lokasi");
    let mail = desk.settle("escalated by Rina", [2, 2, 2, 2, 1]);
    mail.with(
        RINA,
        "Sudah dijalankan: #escalate perlu kunjungan ke lokasi.",
    );
    let eko = mail.with(EKO, "Dinaikkan dari level 2 ke level 3").clone();
    let visit = jiff::Timestamp::from_second((desk.daemon_now() + 2 * 86400) / 60 * 60)
        .expect("a time in range");
    let command = format!(
        "#visit {} 2h Bawa router cadangan",
        visit.strftime("%Y-%m-%d %H:%M")
    );
    answer(&desk, EKO, &eko, &command);
    let mail = desk.settle("visit scheduled", [3, 2, 2, 2, 2]);
    let invitation = mail.with(CUSTOMER, "Bawa router cadangan");
    let subject = invitation.header("Subject").expect("a subject");
    assert!(subject.starts_with("Kunjungan "), "{subject}");
    assert!(
        texts(invitation).contains("Durasi:  2 jam"),
        "{}",
        texts(invitation)
    );
    mail.with(EKO, "Kunjungan dijadwalkan");
    no_staff_address_reaches(&mail, CUSTOMER);

    let mut english = Vec::new();
    for person in PEOPLE {
        for message in mail.of(person) {
            let words = english_in(message);
            if !words.is_empty() {
                english.push(format!(
                    "{person}: {words:?} in\n{}\n{}",
                    message.header("Subject").unwrap_or_default(),
                    texts(message)
                ));
            }
        }
    }
    assert!(
        english.is_empty(),
        "English in Indonesian mail:\n{}",
        english.join("\n=====\n")
    );
}
