//! The helpdesk model over days, in microseconds: SLA clocks in Jakarta working hours,
//! pending pauses, escalation 1 → 2 → 3 by missed targets, lead reminders, routing,
//! assignment and visits. Every expected instant is worked out by hand in the comments.

use super::sla::Metric;
use super::test_kit as kit;
use super::timer::{Timer, TimerKind};
use super::*;
use crate::calendar::Calendar;
use crate::config::policy::{test_policy, Agent, Assignment, Rule, RuleActions, SlaPolicy, Team};
use crate::mail::{parse, Mail};
use crate::thread::MatchedBy;
use crate::types::{AgentId, DeskId, Priority, TeamId, TicketId, Tier};
use jiff::civil::date;
use std::collections::BTreeMap;
use std::time::Duration;

const HOUR: u64 = 3600;

fn jakarta() -> Calendar {
    crate::calendar::test_jakarta()
}

/// Local Jakarta time.
fn wib(m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    let zoned = date(2026, m, d)
        .at(h, min, 0, 0)
        .in_tz("Asia/Jakarta")
        .expect("valid");
    Timestamp(zoned.timestamp().as_second())
}

fn agent(id: &str, tier: u8, team: &str) -> Agent {
    Agent {
        id: AgentId(id.into()),
        name: id.to_uppercase(),
        addresses: vec![
            crate::types::EmailAddress::parse(&format!("{id}@example.com")).expect("valid"),
        ],
        tier: Tier(tier),
        teams: vec![TeamId(team.into())],
        language: None,
        notify: true,
        away: false,
    }
}

fn team(id: &str, tier: u8, assignment: Assignment) -> Team {
    Team {
        id: TeamId(id.into()),
        name: id.into(),
        tier: Tier(tier),
        assignment,
    }
}

/// Three tiers with a team each, a standard SLA (4 h first response, 8 h next response,
/// 16 h resolution, warning at 50 %, lead reminded every 2 h) in Jakarta hours.
fn policy() -> Policy {
    let mut policy = test_policy();
    policy.desks[0].calendar = jakarta();
    policy.agents = vec![
        agent("andi", 1, "front"),
        agent("ayu", 1, "front"),
        agent("rina", 2, "senior"),
        agent("rudi", 2, "senior"),
        agent("eko", 3, "engineers"),
    ];
    policy.teams = vec![
        team("front", 1, Assignment::RoundRobin),
        team("senior", 2, Assignment::LeastOpen),
        team("engineers", 3, Assignment::RoundRobin),
    ];
    policy.desks[0].team = Some(TeamId("front".into()));
    policy.slas = vec![SlaPolicy {
        id: "standard".into(),
        desk: None,
        priorities: Vec::new(),
        category: None,
        first_response: Some(Duration::from_secs(4 * HOUR)),
        next_response: Some(Duration::from_secs(8 * HOUR)),
        resolution: Some(Duration::from_secs(16 * HOUR)),
        warn_percent: 50,
        remind_every: Duration::from_secs(2 * HOUR),
    }];
    policy
}

fn customer_mail(subject: &str, id: &str) -> Mail {
    parse(
        format!(
            "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.id>\r\n\r\nPrinter saya rusak.\r\n"
        )
        .as_bytes(),
    )
}

fn open_ticket(policy: &Policy, mail: &Mail, at: Timestamp, staff: Staff<'_>) -> Step {
    let ticket = Ticket::open(TicketId(42), DeskId("support".into()), mail, None, at);
    let inbound = Inbound {
        staff,
        ..kit::person(mail, MatchedBy::New, Author::Customer)
    };
    step(&ticket, Event::Mail(inbound), policy, at)
}

fn open_at(at: Timestamp) -> Step {
    open_ticket(
        &policy(),
        &customer_mail("Printer rusak", "m1"),
        at,
        Staff::config_only(),
    )
}

/// A ticket opened on Mon 23 Nov 09:00, then `who` writes `body` at `at`.
fn opened_then(who: &str, body: &str, at: Timestamp) -> (Ticket, Step) {
    let opened = open_at(wib(11, 23, 9, 0)).ticket;
    let step = agent_writes(&policy(), &opened, who, body, at);
    (opened, step)
}

fn customer_writes(policy: &Policy, ticket: &Ticket, text: &str, at: Timestamp) -> Step {
    let mail = parse(format!("From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: [HD #42] Printer rusak\r\nMessage-ID: <c{}@example.id>\r\n\r\n{text}\r\n", at.0).as_bytes());
    let inbound = kit::person(&mail, MatchedBy::Tag, Author::Customer);
    step(ticket, Event::Mail(inbound), policy, at)
}

fn agent_writes(policy: &Policy, ticket: &Ticket, who: &str, body: &str, at: Timestamp) -> Step {
    let agent = policy.agent(&AgentId(who.into())).expect("agent").clone();
    let mail = parse(format!("From: {who} <{who}@example.com>\r\nTo: support@example.com\r\nSubject: Re: [HD #42] Printer rusak\r\nMessage-ID: <a{}@example.com>\r\n\r\n{body}\r\n", at.0).as_bytes());
    let nothing = BTreeMap::new();
    let author = kit::agent(&agent, trust::Verification::ReplyToken, Directory(&nothing));
    let inbound = kit::person(&mail, MatchedBy::Tag, author);
    step(ticket, Event::Mail(inbound), policy, at)
}

/// Fires the ticket's timer of `kind` at its due time.
fn fire(policy: &Policy, ticket: &Ticket, kind: TimerKind) -> Step {
    let timer = *ticket
        .timers()
        .iter()
        .find(|t| t.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} timer in {:?}", ticket.timers()));
    let event = Event::Timer {
        timer,
        staff: Staff::config_only(),
    };
    step(ticket, event, policy, timer.due)
}

fn due(ticket: &Ticket, metric: Metric) -> Option<Timestamp> {
    ticket.sla.as_ref()?.clock(metric).map(|c| c.due)
}

fn mails_to<'s>(step: &'s Step, address: &str) -> Vec<&'s OutgoingMail> {
    step.effects
        .iter()
        .filter_map(Effect::as_mail)
        .filter(|m| m.to.address.as_str() == address)
        .collect()
}

#[test]
fn a_friday_afternoon_ticket_is_due_on_monday_and_tuesday() {
    // Fri 27 Nov 15:00. First response 4 h: 2 h Friday, 2 h Monday → Mon 30 Nov 10:00.
    // Warning at 50 % (2 h): Friday 17:00. Resolution 16 h: Fri 2 + Mon 8 + Tue 6 →
    // Tue 1 Dec 15:00.
    let opened = open_at(wib(11, 27, 15, 0));
    let notice = mails_to(&opened, "andi@example.com");
    assert!(
        notice[0]
            .body
            .contains("Tenggat: respons pertama Senin, 30 November 2026 10.00 WIB"),
        "{}",
        notice[0].body
    );
    let ticket = opened.ticket;
    assert_eq!(
        due(&ticket, Metric::FirstResponse),
        Some(wib(11, 30, 10, 0))
    );
    assert_eq!(due(&ticket, Metric::Resolution), Some(wib(12, 1, 15, 0)));
    let sla = ticket.sla.as_ref().expect("sla");
    assert_eq!(
        sla.clock(Metric::FirstResponse).and_then(|c| c.warn_at),
        Some(wib(11, 27, 17, 0))
    );
    assert!(ticket.timers().contains(&Timer {
        due: wib(11, 30, 10, 0),
        kind: TimerKind::Breach(Metric::FirstResponse)
    }));
}

#[test]
fn christmas_and_the_weekend_do_not_count() {
    // Thu 24 Dec 16:00 + 4 h: 1 h Thursday; Fri 25 Dec (Christmas) and the weekend are
    // closed; Mon 28 Dec 08:00 + 3 h = 11:00.
    let ticket = open_at(wib(12, 24, 16, 0)).ticket;
    assert_eq!(
        due(&ticket, Metric::FirstResponse),
        Some(wib(12, 28, 11, 0))
    );
}

#[test]
fn pending_stops_the_clock_and_leaving_it_does_not_escalate_at_once() {
    let policy = policy();
    // Mon 23 Nov 09:00. Resolution 16 h: Mon 7 h, Tue 8 h, Wed 08:00–09:00 → Wed 09:00.
    // Mon 10:00 Andi answers and waits on the customer: the response clock stops, the
    // resolution clock pauses, no timer is left.
    let (opened, answered) = opened_then(
        "andi",
        "#pending\n\nMohon kirim fotonya.",
        wib(11, 23, 10, 0),
    );
    assert_eq!(due(&opened, Metric::Resolution), Some(wib(11, 25, 9, 0)));
    let answered = answered.ticket;
    assert_eq!(answered.status, Status::Pending);
    assert_eq!(due(&answered, Metric::FirstResponse), None);
    assert!(answered.timers().is_empty(), "{:?}", answered.timers());
    // Thu 26 Nov 10:00 Budi answers, long after the old deadline. 15 h were left at the
    // pause (Mon 10–17 = 6 h, Tue 8 h, Wed 08–09 = 1 h): Thu 10–17 = 6 h, Fri 8 h,
    // Mon 30 Nov 08:00–09:00 → Mon 30 Nov 09:00. The next-response clock starts: 8 h →
    // Thu 6 h + Fri 08:00–10:00 → Fri 27 Nov 10:00.
    let back = customer_writes(&policy, &answered, "Ini fotonya.", wib(11, 26, 10, 0)).ticket;
    assert_eq!(back.status, Status::Open);
    assert_eq!(due(&back, Metric::Resolution), Some(wib(11, 30, 9, 0)));
    assert_eq!(due(&back, Metric::NextResponse), Some(wib(11, 27, 10, 0)));
    assert!(
        back.timers().iter().all(|t| t.due > wib(11, 26, 10, 0)),
        "{:?}",
        back.timers()
    );
}

#[test]
fn missed_targets_walk_a_ticket_from_tier_one_to_three_then_remind_the_lead() {
    let policy = policy();
    // Mon 23 Nov 09:00, first response due 14:00 (09–12 = 3 h, 13–14 = 1 h).
    let opened = open_at(wib(11, 23, 9, 0));
    assert_eq!(
        opened.ticket.assignee,
        Some(AgentId("andi".into())),
        "round-robin in front"
    );
    assert_eq!(
        due(&opened.ticket, Metric::FirstResponse),
        Some(wib(11, 23, 14, 0))
    );

    // 50 % (2 h) → 11:00: Andi is warned.
    let warned = fire(
        &policy,
        &opened.ticket,
        TimerKind::Warn(Metric::FirstResponse),
    );
    let warning = mails_to(&warned, "andi@example.com");
    assert_eq!(warning.len(), 1);
    assert!(
        warning[0].body.contains("Peringatan SLA"),
        "{}",
        warning[0].body
    );
    assert!(!warned
        .ticket
        .timers()
        .iter()
        .any(|t| t.kind == TimerKind::Warn(Metric::FirstResponse)));

    // 14:00 missed: tier 2, the senior team's least-loaded member (Rina, first in the
    // file), the lead hears why; tier 2 gets the full 4 h again → Tue 24 Nov 09:00.
    let tier2 = fire(
        &policy,
        &warned.ticket,
        TimerKind::Breach(Metric::FirstResponse),
    );
    assert_eq!(tier2.ticket.tier, Tier(2));
    assert_eq!(tier2.ticket.team, Some(TeamId("senior".into())));
    assert_eq!(tier2.ticket.assignee, Some(AgentId("rina".into())));
    assert_eq!(mails_to(&tier2, "rina@example.com").len(), 1);
    let lead = mails_to(&tier2, "lead@example.com");
    assert_eq!(lead.len(), 1);
    assert_eq!(lead[0].kind, OutgoingKind::LeadReport);
    assert!(
        lead[0]
            .body
            .contains("target respons pertama (4 jam waktu kerja) terlewat di level 1"),
        "{}",
        lead[0].body
    );
    assert_eq!(
        due(&tier2.ticket, Metric::FirstResponse),
        Some(wib(11, 24, 9, 0))
    );

    // Missed again: tier 3, Eko.
    let tier3 = fire(
        &policy,
        &tier2.ticket,
        TimerKind::Breach(Metric::FirstResponse),
    );
    assert_eq!(tier3.ticket.tier, Tier(3));
    assert_eq!(tier3.ticket.assignee, Some(AgentId("eko".into())));
    assert_eq!(mails_to(&tier3, "eko@example.com").len(), 1);
    assert_eq!(mails_to(&tier3, "lead@example.com").len(), 1);

    // Missed at tier 3: no tier 4; the lead is told, and reminded every 2 h of working
    // time from then. Tier 3's target: Tue 09:00 + 4 h = 14:00; reminder 16:00.
    let overdue = fire(
        &policy,
        &tier3.ticket,
        TimerKind::Breach(Metric::FirstResponse),
    );
    assert_eq!(overdue.ticket.tier, Tier(3));
    assert_eq!(mails_to(&overdue, "lead@example.com").len(), 1);
    let sla = overdue.ticket.sla.clone().expect("sla");
    assert_eq!(sla.breaches.len(), 3);
    assert_eq!(sla.remind_at, Some(wib(11, 24, 16, 0)));
    let reminded = fire(&policy, &overdue.ticket, TimerKind::Remind);
    assert!(mails_to(&reminded, "lead@example.com")[0]
        .body
        .contains("masih terlambat di level terakhir"));
    // Reminder at 16:00 + 2 h: 1 h Tuesday, Wed 08:00 + 1 h → Wed 09:00.
    assert_eq!(
        reminded.ticket.sla.as_ref().and_then(|s| s.remind_at),
        Some(wib(11, 25, 9, 0))
    );

    // Eko answers: the response target is met, reminders stop.
    let answered = agent_writes(
        &policy,
        &reminded.ticket,
        "eko",
        "Saya datang besok.",
        wib(11, 25, 8, 30),
    );
    let sla = answered.ticket.sla.expect("sla");
    assert!(sla.overdue.is_empty());
    assert_eq!(sla.remind_at, None);
    assert!(sla.is_breached(), "the breach stays on record");
}

#[test]
fn a_late_timer_fires_once_and_the_next_reminder_counts_from_now() {
    let policy = policy();
    let mut ticket = open_at(wib(11, 23, 9, 0)).ticket;
    ticket.tier = Tier(3);
    let overdue = fire(&policy, &ticket, TimerKind::Breach(Metric::FirstResponse)).ticket;
    // The daemon was down for two days: the reminder fires once, at Thu 26 Nov 10:00,
    // and the next one is 2 h of working time from then, not from when it was due.
    let timer = *overdue
        .timers()
        .iter()
        .find(|t| t.kind == TimerKind::Remind)
        .expect("reminder");
    let late = wib(11, 26, 10, 0);
    let step = step(
        &overdue,
        Event::Timer {
            timer,
            staff: Staff::config_only(),
        },
        &policy,
        late,
    );
    assert_eq!(
        step.ticket.sla.as_ref().and_then(|s| s.remind_at),
        Some(wib(11, 26, 12, 0))
    );
    // Fired again (a duplicate delivery of the same timer), it does nothing.
    let again = super::step(
        &step.ticket,
        Event::Timer {
            timer,
            staff: Staff::config_only(),
        },
        &policy,
        late,
    );
    assert!(again.effects.is_empty(), "{:?}", again.effects);
}

#[test]
fn resolution_ends_every_clock() {
    let policy = policy();
    let closed = opened_then("andi", "#close\n\nSudah beres.", wib(11, 23, 10, 0))
        .1
        .ticket;
    assert_eq!(closed.status, Status::Resolved);
    assert!(closed.timers().is_empty());
    // The customer reopens: an answer and a resolution are owed again, from now.
    let reopened = customer_writes(&policy, &closed, "Rusak lagi.", wib(11, 24, 9, 0)).ticket;
    assert_eq!(reopened.status, Status::Open);
    assert_eq!(
        due(&reopened, Metric::NextResponse),
        Some(wib(11, 25, 9, 0))
    );
}

#[test]
fn manual_escalation_reassigns_and_tells_the_lead() {
    let policy = policy();
    let (_, step) = opened_then(
        "andi",
        "#escalate printer needs a technician",
        wib(11, 23, 9, 30),
    );
    assert_eq!(step.ticket.tier, Tier(2));
    assert_eq!(step.ticket.assignee, Some(AgentId("rina".into())));
    let lead = mails_to(&step, "lead@example.com");
    assert_eq!(lead.len(), 1);
    assert!(
        lead[0]
            .body
            .contains("ANDI meminta: printer needs a technician"),
        "{}",
        lead[0].body
    );
    // De-escalation by #tier 1.
    let back = agent_writes(&policy, &step.ticket, "rina", "#tier 1", wib(11, 23, 10, 0)).ticket;
    assert_eq!(back.tier, Tier(1));
}

#[test]
fn routing_rules_set_fields_in_order_and_pick_the_sla() {
    let mut policy = policy();
    policy.slas.insert(
        0,
        SlaPolicy {
            id: "urgent".into(),
            desk: None,
            priorities: vec![Priority::Urgent],
            category: None,
            first_response: Some(Duration::from_secs(HOUR)),
            next_response: None,
            resolution: None,
            warn_percent: 80,
            remind_every: Duration::from_secs(HOUR),
        },
    );
    let rule = |id: &str, subject: &str, actions: RuleActions, continue_after: bool| Rule {
        id: id.into(),
        desk: None,
        from: vec![crate::config::policy::SenderPattern::Domain(
            "example.id".into(),
        )],
        subject: Some(regex::Regex::new(subject).expect("regex")),
        body: None,
        keywords: Vec::new(),
        headers: Vec::new(),
        has_attachment: Some(false),
        actions,
        continue_after,
    };
    policy.rules = vec![
        rule(
            "tag-it",
            "(?i)server",
            RuleActions {
                tags: vec!["infra".into()],
                ..Default::default()
            },
            true,
        ),
        rule(
            "down",
            "(?i)server.*down",
            RuleActions {
                priority: Some(Priority::Urgent),
                team: Some(TeamId("senior".into())),
                tier: Some(Tier(2)),
                category: Some("network".into()),
                ..Default::default()
            },
            false,
        ),
        rule(
            "never",
            ".*",
            RuleActions {
                category: Some("other".into()),
                ..Default::default()
            },
            false,
        ),
    ];
    let mail = customer_mail("Server DOWN sejak pagi", "m9");
    let step = open_ticket(&policy, &mail, wib(11, 23, 9, 0), Staff::config_only());
    let ticket = &step.ticket;
    assert_eq!(ticket.tags, vec!["infra".to_string()]);
    assert_eq!(ticket.priority, Priority::Urgent);
    assert_eq!(ticket.category.as_deref(), Some("network"));
    assert_eq!(
        (ticket.tier, ticket.team.clone()),
        (Tier(2), Some(TeamId("senior".into())))
    );
    assert_eq!(ticket.assignee, Some(AgentId("rina".into())));
    assert_eq!(
        ticket.sla.as_ref().map(|s| s.policy.as_str()),
        Some("urgent")
    );
    assert_eq!(due(ticket, Metric::FirstResponse), Some(wib(11, 23, 10, 0)));
    // Only the assignee is told, not the whole tier.
    let notified: Vec<_> = step
        .effects
        .iter()
        .filter_map(Effect::as_mail)
        .filter(|m| m.kind == OutgoingKind::Notification)
        .collect();
    assert_eq!(notified.len(), 1);
    assert_eq!(notified[0].to.address.as_str(), "rina@example.com");
}

#[test]
fn assignment_skips_the_away_and_balances_the_load() {
    let policy = policy();
    let mail = customer_mail("Printer rusak", "m1");
    // Andi is away (said #away); Ayu gets it.
    let away = kit::loads(&policy, |id| AgentLoad {
        away: Some(id.0 == "andi"),
        ..AgentLoad::default()
    });
    let step = open_ticket(&policy, &mail, wib(11, 23, 9, 0), Staff(&away));
    assert_eq!(step.ticket.assignee, Some(AgentId("ayu".into())));
    // Round-robin: Ayu had a ticket more recently than Andi, so Andi is next.
    let recent = kit::loads(&policy, |id| AgentLoad {
        last_assigned: Some(Timestamp(if id.0 == "ayu" { 2_000 } else { 1_000 })),
        ..AgentLoad::default()
    });
    let step = open_ticket(&policy, &mail, wib(11, 23, 9, 0), Staff(&recent));
    assert_eq!(step.ticket.assignee, Some(AgentId("andi".into())));
    // #away by mail is an effect for the store.
    let (_, said) = opened_then("andi", "#away", wib(11, 23, 9, 5));
    assert!(said.effects.contains(&Effect::SetAway {
        agent: AgentId("andi".into()),
        away: true
    }));
}

#[test]
fn a_tier_three_engineer_schedules_a_visit_with_an_invitation() {
    let policy = policy();
    let mut ticket = open_at(wib(11, 23, 9, 0)).ticket;
    // Not at tier 3 yet: refused, nothing applied.
    let refused = agent_writes(
        &policy,
        &ticket,
        "eko",
        "#visit 2026-11-25 09:00 2h",
        wib(11, 23, 9, 30),
    );
    assert!(refused.ticket.visits.is_empty());
    assert!(mails_to(&refused, "eko@example.com")[0]
        .body
        .contains("level 3"));
    ticket.tier = Tier(3);
    let step = agent_writes(
        &policy,
        &ticket,
        "eko",
        "#visit 2026-11-25 09:00 2h Bawa toner cadangan",
        wib(11, 23, 9, 30),
    );
    let visit = step.ticket.visits.first().expect("visit").clone();
    assert_eq!(
        (visit.start, visit.end),
        (wib(11, 25, 9, 0), wib(11, 25, 11, 0))
    );
    let to_customer = mails_to(&step, "budi@example.id");
    let invitation = to_customer
        .iter()
        .find(|m| m.kind == OutgoingKind::Visit)
        .expect("invitation");
    let ics = invitation.calendar.as_deref().expect("calendar");
    assert!(
        ics.contains("METHOD:REQUEST") && ics.contains("DTSTART:20261125T020000Z"),
        "{ics}"
    );
    assert!(mails_to(&step, "eko@example.com")[0].calendar.is_some());
    // Reminder the day before, at 09:00 on the 24th.
    assert!(step.ticket.timers().contains(&Timer {
        due: wib(11, 24, 9, 0),
        kind: TimerKind::VisitReminder(1)
    }));
    // The customer accepts in their calendar (iMIP REPLY): the engineer is told.
    let reply = format!("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:budi@example.id\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", visit.uid);
    let mut answer = parse(b"From: Budi <budi@example.id>\r\nSubject: Accepted: visit\r\nMessage-ID: <acc@example.id>\r\n\r\nOK\r\n");
    answer.calendar = Some(reply);
    let inbound = kit::person(&answer, MatchedBy::InReplyTo, Author::Customer);
    let accepted = super::step(
        &step.ticket,
        Event::Mail(inbound),
        &policy,
        wib(11, 23, 11, 0),
    );
    assert_eq!(
        accepted.ticket.visits[0].status,
        visit::VisitStatus::Accepted
    );
    assert!(mails_to(&accepted, "eko@example.com")[0]
        .body
        .contains("menerima kunjungan"));
}

#[test]
fn an_internal_desk_acknowledges_only_its_own_staff() {
    let mut policy = policy();
    policy.desks[0].staff_domains = vec!["example.id".into()];
    let staff = open_ticket(
        &policy,
        &customer_mail("Laptop mati", "i1"),
        wib(11, 23, 9, 0),
        Staff::config_only(),
    );
    assert_eq!(mails_to(&staff, "budi@example.id").len(), 1, "acknowledged");
    policy.desks[0].staff_domains = vec!["kantor.example".into()];
    let outsider = open_ticket(
        &policy,
        &customer_mail("Laptop mati", "i2"),
        wib(11, 23, 9, 0),
        Staff::config_only(),
    );
    assert!(
        mails_to(&outsider, "budi@example.id").is_empty(),
        "not acknowledged"
    );
    assert!(outsider.effects.iter().any(|e| matches!(
        e,
        Effect::Record(Happening::AcknowledgementSuppressed { reason }) if reason.contains("internal desk")
    )));
    // The ticket is kept and the front desk still hears of it.
    assert_eq!(mails_to(&outsider, "andi@example.com").len(), 1);
}
