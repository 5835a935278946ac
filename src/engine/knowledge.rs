//! What the desk already knows, as the engine uses it: the solved tickets most like a new
//! one (listed in the agents' notification), and a written answer the customer may get
//! in the acknowledgement (self-service). The worker asks the search index before the
//! step and hands the engine what it found; the rules of what is shown, to whom, and
//! what a customer's "sudah beres" then does are here.

use super::outgoing::desk_of;
use super::satisfaction::{self, Score};
use super::ticket::Transition;
use super::{Effect, Happening, Inbound, Step};
use crate::config::policy::Policy;
use crate::types::{Language, TicketId, Timestamp};
use serde::{Deserialize, Serialize};

/// The tag `#kb-candidate` puts on a ticket whose answer, once it is resolved, may serve
/// customers directly (self-service).
pub const KB_CANDIDATE: &str = "kb-candidate";

/// What the index found for an arrived mail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hints {
    /// Solved tickets of the same desk like it, most alike first.
    pub similar: Vec<Solved>,
    /// The best written answer for it, if any fits at all.
    pub answer: Option<Offer>,
    /// What an agent's `#search` lines found, by query; `None` when the index could not
    /// be asked (missing, or being built).
    pub searches: Option<Vec<(String, Vec<Found>)>>,
}

impl Hints {
    /// Nothing known: no index, or nothing asked.
    pub const NONE: &'static Hints = &Hints {
        similar: Vec::new(),
        answer: None,
        searches: None,
    };
}

/// A ticket or article an agent's `#search` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// `#12`, or `article reset-password.id`.
    pub what: String,
    /// Its subject or title.
    pub subject: String,
    /// The ticket's status (empty for an article).
    pub status: String,
    /// How it was solved (tickets).
    pub resolution: String,
    /// The matching passage, terms in `*stars*`.
    pub snippet: String,
}

/// The answer to an agent's `#search <query>`: the hits as lines, in `language`.
pub fn search_results(query: &str, hints: &Hints, language: Language) -> String {
    let Some(searches) = &hints.searches else {
        return match language {
            Language::En => format!("#search {query}: the search index is not ready (it is being built from the store); try again in a few minutes."),
            Language::Id => format!("#search {query}: indeks pencarian belum siap (sedang dibangun dari data tiket); coba lagi beberapa menit lagi."),
        };
    };
    let found = searches
        .iter()
        .find(|(q, _)| q == query)
        .map(|(_, f)| f.as_slice())
        .unwrap_or(&[]);
    let mut lines = vec![match language {
        Language::En => format!("Search results for \"{query}\" ({}):", found.len()),
        Language::Id => format!("Hasil pencarian \"{query}\" ({}):", found.len()),
    }];
    if found.is_empty() {
        lines.push(match language {
            Language::En => "  nothing found; try other words or fewer of them".into(),
            Language::Id => "  tidak ada yang cocok; coba kata lain atau lebih sedikit kata".into(),
        });
    }
    for hit in found {
        let status = if hit.status.is_empty() {
            String::new()
        } else {
            format!(" [{}]", hit.status)
        };
        lines.push(format!("  {} {}{status}", hit.what, hit.subject));
        if !hit.resolution.is_empty() {
            let how = match language {
                Language::En => "solved by",
                Language::Id => "diselesaikan dengan",
            };
            lines.push(format!("      {how}: {}", hit.resolution));
        }
        if !hit.snippet.is_empty() {
            lines.push(format!("      {}", hit.snippet));
        }
    }
    lines.join("\n")
}

/// A solved ticket like the one at hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// Its number.
    pub ticket: TicketId,
    /// Its subject.
    pub subject: String,
    /// How it was solved.
    pub resolution: String,
    /// When it was opened.
    pub opened: Timestamp,
}

/// A written answer: an article, or a resolved ticket marked `#kb-candidate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// What it is, for the history: `article reset-password`, `ticket #12`.
    pub source: String,
    /// Its title.
    pub title: String,
    /// What the customer reads.
    pub text: String,
    /// How well it fits the mail, from 0 to 1.
    pub likeness: f32,
}

/// What a ticket was offered in its acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offered {
    /// The answer's source: `article reset-password`, `ticket #12`.
    pub source: String,
    /// Its title.
    pub title: String,
}

/// The answer the acknowledgement of a new ticket offers: the hints' answer, when the
/// desk offers answers and it fits at least as well as the desk asks.
pub fn offer<'h>(step: &Step, hints: &'h Hints, policy: &Policy) -> Option<&'h Offer> {
    let min = desk_of(policy, &step.ticket).self_service?;
    hints.answer.as_ref().filter(|offer| offer.likeness >= min)
}

/// Records on the ticket that the acknowledgement offered `offer`.
pub fn offered(step: &mut Step, offer: &Offer) {
    step.ticket.offered = Some(Offered {
        source: offer.source.clone(),
        title: offer.title.clone(),
    });
    step.effects.push(Effect::Record(Happening::AnswerOffered {
        source: offer.source.clone(),
        likeness: (f64::from(offer.likeness) * 100.0).round() / 100.0,
    }));
}

/// A customer's "solved" ("sudah beres", "ya", "solved") on a ticket that was offered an
/// answer and that no agent has answered yet: the answer solved it, and the ticket is
/// resolved by self-service. Returns whether it was.
pub fn solved_by_answer(
    step: &mut Step,
    inbound: &Inbound<'_>,
    policy: &Policy,
    now: Timestamp,
) -> bool {
    let Some(offered) = step.ticket.offered.clone() else {
        return false;
    };
    if step.ticket.status != super::Status::New {
        return false;
    }
    let said_solved = satisfaction::read(&inbound.mail.new_text)
        .is_some_and(|rating| rating.score == Score::Solved(true));
    if !said_solved {
        return false;
    }
    let language = desk_of(policy, &step.ticket).language;
    let resolution = match language {
        Language::En => format!("Solved by the customer with: {}", offered.title),
        Language::Id => format!(
            "Diselesaikan sendiri oleh pelanggan dengan: {}",
            offered.title
        ),
    };
    step.ticket.resolution = Some(resolution);
    super::customer::transition(step, Transition::Resolve, "customer", now);
    step.effects
        .push(Effect::Record(Happening::SolvedBySelfService {
            source: offered.source,
        }));
    true
}

/// The similar solved tickets as a notification lists them, one `  #12 Subject (3
/// weeks ago)` line each with its resolution below; empty when there are none.
pub fn similar_lines(similar: &[Solved], now: Timestamp, language: Language) -> String {
    let mut lines = Vec::new();
    for solved in similar {
        let age = crate::words::age(now.0 - solved.opened.0, language);
        lines.push(format!("  #{} {} ({age})", solved.ticket.0, solved.subject));
        if !solved.resolution.is_empty() {
            let how = match language {
                Language::En => "solved by",
                Language::Id => "diselesaikan dengan",
            };
            lines.push(format!("      {how}: {}", solved.resolution));
        }
    }
    lines.join("\n")
}
