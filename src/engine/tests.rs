//! Engine rules, tested without any I/O but the shipped templates.

use super::*;
use crate::mail::{classify, parse, Class, Mail};
use crate::thread::MatchedBy;
use crate::types::{DeskId, TicketId};
use loops::AutoReplyBudget;

fn policy() -> Policy {
    crate::config::policy::test_policy()
}

const NOW: Timestamp = Timestamp(1_790_000_000);

fn mail(headers: &str) -> Mail {
    parse(format!("{headers}\r\n\r\nPrinter saya rusak.\r\n").as_bytes())
}

fn first_step(mail: &Mail, budget: AutoReplyBudget) -> Step {
    let policy = policy();
    let class = classify(mail, |a| policy.is_own_address(a));
    let ticket = Ticket::open(TicketId(42), DeskId("support".into()), mail, None, NOW);
    let inbound = Inbound {
        mail,
        class: &class,
        matched_by: MatchedBy::New,
        budget,
    };
    step(&ticket, Event::Mail(inbound), &policy, NOW)
}

fn sent(step: &Step) -> Vec<&OutgoingMail> {
    step.effects.iter().filter_map(Effect::as_mail).collect()
}

const BUDI: &str = "From: Budi <budi@example.id>\r\nCc: sari@example.id\r\nSubject: Printer rusak\r\nMessage-ID: <m1@example.id>";

#[test]
fn first_mail_is_acknowledged_in_the_desks_language() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    let mails = sent(&step);
    assert_eq!(mails.len(), 1);
    let ack = mails[0];
    assert_eq!(ack.subject, "Re: Printer rusak [HD #42]");
    assert_eq!(ack.to.address.as_str(), "budi@example.id");
    assert_eq!(ack.from.name.as_deref(), Some("Layanan Pelanggan"));
    assert_eq!(
        ack.in_reply_to.as_ref().map(|i| i.as_str()),
        Some("m1@example.id")
    );
    assert_eq!(
        ack.references
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>(),
        ["m1@example.id"]
    );
    assert_eq!(ack.auto_submitted.as_deref(), Some("auto-replied"));
    assert!(
        ack.body.contains("Terima kasih"),
        "Indonesian template: {}",
        ack.body
    );
    assert!(ack.body.contains("[HD #42]"));
}

#[test]
fn first_mail_records_opening_and_counts_both_messages() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    assert_eq!(
        step.ticket.message_count, 2,
        "the customer's mail and the acknowledgement"
    );
    assert_eq!(step.ticket.status, Status::New);
    assert!(matches!(
        step.effects[0],
        Effect::Record(Happening::Opened { .. })
    ));
    let ack_id = sent(&step)[0].message_id.clone();
    assert!(
        step.ticket.thread.contains(&ack_id),
        "replies to the ack must thread"
    );
}

#[test]
fn requester_and_cc_become_participants() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    let people: Vec<_> = step
        .ticket
        .participants
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(people, ["budi@example.id", "sari@example.id"]);
}

#[test]
fn automatic_first_mail_opens_a_ticket_without_reply() {
    let auto = mail("From: robot@example.id\r\nAuto-Submitted: auto-generated\r\nSubject: Report");
    let step = first_step(&auto, AutoReplyBudget::default());
    assert!(sent(&step).is_empty());
    let suppressed = step.effects.iter().any(|e| {
        matches!(
            e,
            Effect::Record(Happening::AcknowledgementSuppressed { .. })
        )
    });
    assert!(
        suppressed,
        "the history says why no acknowledgement went out"
    );
}

#[test]
fn sender_over_the_hourly_cap_gets_no_reply() {
    let budget = AutoReplyBudget {
        to_sender_last_hour: 3,
        to_all_last_minute: 0,
    };
    assert!(sent(&first_step(&mail(BUDI), budget)).is_empty());
}

#[test]
fn follow_up_is_recorded_without_a_second_acknowledgement() {
    let policy = policy();
    let first = first_step(&mail(BUDI), AutoReplyBudget::default());
    let reply = mail("From: budi@example.id\r\nSubject: Re: Printer rusak [HD #42]\r\nMessage-ID: <m2@example.id>");
    let inbound = Inbound {
        mail: &reply,
        class: &Class::Person,
        matched_by: MatchedBy::Tag,
        budget: AutoReplyBudget::default(),
    };
    let later = Timestamp(NOW.0 + 60);
    let step = step(&first.ticket, Event::Mail(inbound), &policy, later);
    assert!(sent(&step).is_empty());
    assert_eq!(step.ticket.message_count, 3);
    assert_eq!(step.ticket.updated_at, later);
}

#[test]
fn mail_without_message_id_gets_no_in_reply_to() {
    let step = first_step(
        &mail("From: budi@example.id\r\nSubject: tanpa id"),
        AutoReplyBudget::default(),
    );
    let ack = sent(&step)[0];
    assert_eq!(ack.in_reply_to, None);
    assert_eq!(ack.references, vec![]);
}

#[test]
fn reply_subject_neither_doubles_re_nor_keeps_foreign_tags() {
    assert_eq!(
        reply_subject("Re: RE: Printer", "[HD #9]", &["HD"]),
        "Re: Printer [HD #9]"
    );
    assert_eq!(
        reply_subject("[HD #7] give me data", "[HD #9]", &["HD"]),
        "Re: give me data [HD #9]"
    );
    assert_eq!(reply_subject("", "[HD #9]", &["HD"]), "[HD #9]");
    assert_eq!(
        reply_subject("[urgent] Printer", "[HD #9]", &["HD"]),
        "Re: [urgent] Printer [HD #9]"
    );
}

#[test]
fn a_refused_mail_is_recorded_on_the_ticket_and_sends_nothing() {
    let first = first_step(&mail(BUDI), AutoReplyBudget::default());
    let failure = DeliveryFailure {
        message_id: sent(&first)[0].message_id.clone(),
        recipients: vec![crate::types::EmailAddress::parse("budi@example.id").expect("valid")],
        error: "550 5.1.1 no such user".into(),
    };
    let later = Timestamp(NOW.0 + 5);
    let step = step(
        &first.ticket,
        Event::DeliveryFailed(&failure),
        &policy(),
        later,
    );
    assert!(sent(&step).is_empty());
    assert_eq!(step.ticket.updated_at, later);
    let recorded = step.effects.iter().any(|e| matches!(e, Effect::Record(Happening::DeliveryFailed { error, .. }) if error.contains("550")));
    assert!(recorded);
}
