//! The customer's word on a resolved ticket: the resolution report, which tells them what
//! was done and asks how it went, and the rating they send back.
//!
//! A rating is one reply: a number from 1 to 5, or "ya"/"tidak" (solved or not), with
//! any comment after it. The report carries a one-click `mailto:` link for each answer,
//! addressed to the ticket's signed rating address. One rating counts per resolution; a
//! low one reopens the ticket at the tier that closed it and tells the desk's lead.

use super::escalation;
use super::outgoing::{self, desk_of, Draft};
use super::procedure::StepState;
use super::ticket::Transition;
use super::{Effect, Happening, Inbound, OutgoingKind, Step};
use crate::config::policy::{Desk, Policy};
use crate::mail::Mail;
use crate::templates::{RatingLink, TemplateKind};
use crate::types::{Contact, EmailAddress, Language, TicketId, Timestamp};
use crate::words::{self, Phrase};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a customer answered to "how did we do?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Score {
    /// 1 (bad) to 5 (very good).
    Stars(u8),
    /// "ya" (solved) or "tidak" (not solved).
    Solved(bool),
}

impl Score {
    /// Whether the customer is unhappy: 1 or 2, or "not solved".
    pub fn is_low(self) -> bool {
        matches!(self, Score::Stars(1 | 2) | Score::Solved(false))
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Score::Stars(n) => write!(f, "{n}/5"),
            Score::Solved(true) => f.write_str("solved"),
            Score::Solved(false) => f.write_str("not solved"),
        }
    }
}

/// A rating read from a reply: the score and the words after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The score.
    pub score: Score,
    /// What the customer wrote after it, if anything.
    pub comment: Option<String>,
}

/// Words that mean "solved" and "not solved", in both languages.
const SOLVED: &[&str] = &["ya", "iya", "yes", "sudah", "solved"];
const NOT_SOLVED: &[&str] = &["tidak", "no", "belum", "nope"];
/// Words after a "no" that make it politeness, not an answer: "no problem", "tidak apa-apa".
const NOT_AN_ANSWER: &[&str] = &["problem", "worries", "apa", "apa-apa", "masalah", "papa"];

/// Reads a rating at the start of a reply's new text: "4", "4/5", "5 terima kasih",
/// "tidak, printernya masih macet". `None` when the text starts with anything else.
pub fn read(text: &str) -> Option<Rating> {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let (first, rest) = text.split_at(end);
    let word = first
        .trim_end_matches(['.', ',', '!', ':', ';', ')', '-'])
        .to_lowercase();
    let word = word.strip_suffix("/5").unwrap_or(&word);
    let score = match word {
        "1" | "2" | "3" | "4" | "5" => Score::Stars(word.parse().ok()?),
        w if SOLVED.contains(&w) => Score::Solved(true),
        w if NOT_SOLVED.contains(&w) => {
            let next = rest.split_whitespace().next().unwrap_or("");
            let next = next.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            if NOT_AN_ANSWER.contains(&next.to_lowercase().as_str()) {
                return None;
            }
            Score::Solved(false)
        }
        _ => return None,
    };
    let comment = rest
        .trim()
        .trim_start_matches(['-', ',', ':', '.', ';'])
        .trim();
    Some(Rating {
        score,
        comment: (!comment.is_empty()).then(|| comment.to_string()),
    })
}

/// The address a ticket's ratings are sent to: the desk's address with a token signed
/// for the ticket, so that a rating is known for one even when the subject was changed.
pub fn rating_address(desk: &Desk, ticket: TicketId, policy: &Policy) -> EmailAddress {
    super::trust::rating_address(&desk.address, ticket, &policy.security.reply_key)
}

/// The rating in a customer's mail on a ticket that asked for one: a mail to the
/// ticket's rating address, or any reply while the ticket is resolved, whose new text
/// starts with a rating.
pub fn rating_in(inbound: &Inbound<'_>, step: &Step, policy: &Policy) -> Option<Rating> {
    let ticket = &step.ticket;
    ticket.satisfaction.asked?;
    let desk = desk_of(policy, ticket);
    let to_rating_address = sent_to(inbound.mail, &rating_address(desk, ticket.id, policy));
    if !to_rating_address && !ticket.status.is_finished() {
        return None;
    }
    read(&inbound.mail.new_text)
}

fn sent_to(mail: &Mail, address: &EmailAddress) -> bool {
    mail.to
        .iter()
        .chain(&mail.cc)
        .any(|c| &c.address == address)
}

/// A customer's rating goes on the ticket. The first for the latest resolution counts;
/// a low one reopens the ticket (at its tier) and tells the lead. A repeated or late one
/// is recorded and counts for nothing.
pub(super) fn on_rating(step: &mut Step, rating: Rating, policy: &Policy, now: Timestamp) {
    let satisfaction = &mut step.ticket.satisfaction;
    let counted = satisfaction.counts_now() && step.ticket.status.is_finished();
    if counted {
        satisfaction.rated = satisfaction.asked;
    }
    let resolution = satisfaction.asked.unwrap_or(satisfaction.resolutions);
    step.effects.push(Effect::Record(Happening::Rated {
        score: rating.score,
        comment: rating.comment.clone(),
        resolution,
        counted,
    }));
    if !(counted && rating.score.is_low()) {
        return;
    }
    super::customer::transition(step, Transition::CustomerWrote, "customer", now);
    let reason = Phrase::new(|language| low_rating_reason(&rating, language));
    let headline = Phrase::new(|language| match (rating.score, language) {
        (Score::Stars(n), Language::En) => format!("rated {n} of 5"),
        (Score::Stars(n), Language::Id) => format!("dinilai {n} dari 5"),
        (_, Language::En) => "not solved, says the customer".into(),
        (_, Language::Id) => "belum beres, kata pelanggan".into(),
    });
    escalation::report_to_lead_as(step, &headline, &reason, policy, now);
}

fn low_rating_reason(rating: &Rating, language: Language) -> String {
    let said = match (rating.score, language) {
        (Score::Stars(n), Language::En) => format!("The customer rated the resolution {n} of 5"),
        (Score::Stars(n), Language::Id) => format!("Pelanggan memberi nilai {n} dari 5"),
        (_, Language::En) => "The customer says the problem is not solved".to_string(),
        (_, Language::Id) => "Pelanggan menyatakan masalahnya belum selesai".to_string(),
    };
    let reopened = match language {
        Language::En => "the ticket is open again.",
        Language::Id => "tiket dibuka kembali.",
    };
    match &rating.comment {
        Some(comment) => format!("{said}: \"{comment}\"; {reopened}"),
        None => format!("{said}; {reopened}"),
    }
}

/// The report to the customer (and those in copy) once an agent resolved the ticket:
/// the problem as they wrote it, what was done, who handled it, how long it took and how
/// to reopen it; with the satisfaction question when the desk asks it and the customer
/// was not asked today.
pub(super) fn report(step: &mut Step, inbound: &Inbound<'_>, policy: &Policy, now: Timestamp) {
    let desk = desk_of(policy, &step.ticket);
    let Some(requester) = step.ticket.requester.clone() else {
        return;
    };
    let ask = desk.ask_rating && inbound.budget.ratings_asked_today == 0;
    let language = desk.language;
    let mut vars = outgoing::vars(&step.ticket, desk, policy, language);
    let ticket = &step.ticket;
    vars.problem = ticket.problem.clone().unwrap_or_default();
    vars.resolution = ticket.resolution.clone().unwrap_or_default();
    vars.steps_done = steps_done(step, policy, language);
    vars.handled_by = handled_by(step, policy, language);
    vars.took = words::duration(desk.calendar.elapsed(ticket.created_at, now), language);
    vars.reopen_within = words::duration(desk.reopen_within, language);
    let rating_to = Contact {
        name: Some(desk.name.clone()),
        address: rating_address(desk, ticket.id, policy),
    };
    if ask {
        vars.ask_rating = true;
        vars.ratings = links(&rating_to.address, &vars.tag, language);
    }
    let draft = Draft {
        kind: OutgoingKind::Resolution,
        from_name: desk.name.clone(),
        to: requester.clone(),
        cc: ticket.cc_contacts(),
        reply_to: ask.then_some(rating_to),
        subject: outgoing::reply_subject(&ticket.subject, &vars.tag, &policy.tag_prefixes()),
        body: outgoing::render(policy, TemplateKind::Resolution, language, &vars),
        auto_submitted: Some("auto-generated"),
        in_customer_thread: true,
    };
    let message_id = outgoing::send(step, desk, draft, now);
    let satisfaction = &mut step.ticket.satisfaction;
    if ask {
        satisfaction.asked = Some(satisfaction.resolutions);
    }
    step.effects
        .push(Effect::Record(Happening::ResolutionReported {
            message_id,
            rating_asked_of: ask.then_some(requester.address),
        }));
}

/// The procedure's steps that were done, one `  - <step>` line each, or empty.
fn steps_done(step: &Step, policy: &Policy, language: Language) -> String {
    let Some(category) = step.ticket.category_in(policy) else {
        return String::new();
    };
    category
        .steps
        .iter()
        .enumerate()
        .filter(|(at, _)| {
            let number = *at as u32 + 1;
            step.ticket.procedure.steps.get(&number) == Some(&StepState::Done)
        })
        .map(|(_, text)| format!("  - {}", text.of(language)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Who handled the ticket, one `  Level 1: Andi, Sari` line per tier, or empty.
fn handled_by(step: &Step, policy: &Policy, language: Language) -> String {
    let mut tiers: Vec<u8> = step.ticket.handled_by.iter().map(|(t, _)| t.0).collect();
    tiers.sort_unstable();
    tiers.dedup();
    tiers
        .iter()
        .map(|&tier| {
            let names: Vec<String> = step
                .ticket
                .handled_by
                .iter()
                .filter(|(t, _)| t.0 == tier)
                .map(|(_, id)| policy.agent(id).map_or(id.0.clone(), |a| a.name.clone()))
                .collect();
            format!("  {}: {}", words::tier(tier, language), names.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One one-click answer per rating, best first, each a `mailto:` to the rating address
/// with the ticket's tag as subject and the answer as body.
fn links(to: &EmailAddress, tag: &str, language: Language) -> Vec<RatingLink> {
    let (yes, no) = match language {
        Language::En => ("yes", "no"),
        Language::Id => ("ya", "tidak"),
    };
    let labels: [(&str, &str, &str); 7] = [
        ("5", "very good", "sangat baik"),
        ("4", "good", "baik"),
        ("3", "fair", "cukup"),
        ("2", "poor", "kurang"),
        ("1", "bad", "buruk"),
        (yes, "solved", "sudah beres"),
        (no, "not solved", "belum beres"),
    ];
    labels
        .iter()
        .map(|(answer, en, id)| RatingLink {
            answer: answer.to_string(),
            label: match language {
                Language::En => en.to_string(),
                Language::Id => id.to_string(),
            },
            link: format!(
                "mailto:{to}?subject={}&body={}",
                percent_encoded(tag),
                percent_encoded(answer)
            ),
        })
        .collect()
}

/// `text` with every byte outside RFC 3986's unreserved set percent-encoded, as a
/// `mailto:` header value must be (RFC 6068).
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(text: &str) -> Option<Score> {
        read(text).map(|r| r.score)
    }

    #[test]
    fn numbers_and_words_in_both_languages_are_ratings() {
        for (text, expected) in [
            ("4", Score::Stars(4)),
            ("5/5", Score::Stars(5)),
            ("  3.\n", Score::Stars(3)),
            ("1 masih error", Score::Stars(1)),
            ("ya", Score::Solved(true)),
            ("Sudah, terima kasih", Score::Solved(true)),
            ("Yes!", Score::Solved(true)),
            ("tidak", Score::Solved(false)),
            ("Belum, printernya masih macet", Score::Solved(false)),
            ("No, it still fails", Score::Solved(false)),
        ] {
            assert_eq!(score(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn other_replies_and_politeness_are_not_ratings() {
        for text in [
            "",
            "6",
            "0",
            "10 printers are down",
            "Terima kasih",
            "No problem, thanks",
            "Tidak apa-apa, Pak",
            "tidak masalah",
            "Printer masih macet",
            "4th floor printer again",
        ] {
            assert_eq!(score(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_words_after_the_rating_are_its_comment() {
        let rating = read("4 terima kasih, cepat sekali").expect("a rating");
        assert_eq!(
            rating.comment.as_deref(),
            Some("terima kasih, cepat sekali")
        );
        assert_eq!(read("5").expect("a rating").comment, None);
        let rating = read("tidak - masih macet\n\nBudi").expect("a rating");
        assert_eq!(rating.comment.as_deref(), Some("masih macet\n\nBudi"));
    }

    #[test]
    fn low_means_one_two_or_not_solved() {
        assert!(Score::Stars(1).is_low() && Score::Stars(2).is_low());
        assert!(Score::Solved(false).is_low());
        assert!(!Score::Stars(3).is_low() && !Score::Solved(true).is_low());
    }

    #[test]
    fn mailto_values_are_percent_encoded() {
        assert_eq!(percent_encoded("[HD #42]"), "%5BHD%20%2342%5D");
        assert_eq!(percent_encoded("ya"), "ya");
    }
}
