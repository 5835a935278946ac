//! What the index keeps of a ticket or an article: an `Entry`, made by pure functions
//! from the store's records and the config. The store stays the truth; an entry can
//! always be made again.

use crate::config::policy::Article;
use crate::engine::Ticket;
use crate::store::records::{Direction, MessageKind, MessageRecord};
use crate::types::{Language, TicketId, Timestamp};

pub use crate::engine::knowledge::KB_CANDIDATE;

/// Most text kept of one ticket: the first mails say what the problem is; a long
/// thread's tail adds little to finding it and would make the index heavy.
const MAX_BODY: usize = 4 * 1024;

/// What an entry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A ticket.
    Ticket(TicketId),
    /// An article of the knowledge base, by its slug and language.
    Article {
        /// Its file name's first part: `reset-password`.
        slug: String,
        /// Its language.
        language: Language,
    },
}

/// One searchable thing, ticket or article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What it is.
    pub source: Source,
    /// The desk of a ticket (empty for articles, which serve every desk).
    pub desk: String,
    /// The language its text is read in (the desk's, or the article's).
    pub language: Language,
    /// A ticket's status (`article` for articles).
    pub status: String,
    /// A ticket's tier.
    pub tier: u64,
    /// Its category, if it has one.
    pub category: Option<String>,
    /// The requester's domain (empty for articles).
    pub domain: String,
    /// When it was opened (articles: 0).
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
    /// Whether its answer may be offered to customers: an article, or a resolved ticket
    /// marked `#kb-candidate`.
    pub answers_customers: bool,
    /// Subject, or an article's title.
    pub subject: String,
    /// A ticket's resolution line, or an article's keywords.
    pub summary: String,
    /// What was written: the new text of each mail, or an article's body.
    pub body: String,
    /// What a customer may be shown: a resolved candidate's resolution and last public
    /// answer, or an article's body. Empty for other tickets.
    pub answer: String,
}

impl Entry {
    /// The entry of a ticket with its stored messages, read in `language` (its desk's).
    pub fn of_ticket(ticket: &Ticket, messages: &[MessageRecord], language: Language) -> Entry {
        let answers_customers =
            ticket.status.is_finished() && ticket.tags.iter().any(|t| t == KB_CANDIDATE);
        Entry {
            source: Source::Ticket(ticket.id),
            desk: ticket.desk.0.clone(),
            language,
            status: ticket.status.to_string(),
            tier: u64::from(ticket.tier.0),
            category: ticket.category.clone(),
            domain: ticket
                .requester
                .as_ref()
                .map(|c| c.address.domain().to_string())
                .unwrap_or_default(),
            created: ticket.created_at,
            updated: ticket.updated_at,
            answers_customers,
            subject: ticket.subject.clone(),
            summary: ticket.resolution.clone().unwrap_or_default(),
            body: body_of(ticket, messages),
            answer: if answers_customers {
                answer_of(ticket, messages)
            } else {
                String::new()
            },
        }
    }

    /// The entry of an article: found by its title, keywords and text, on every desk.
    pub fn of_article(article: &Article) -> Entry {
        Entry {
            source: Source::Article {
                slug: article.slug.clone(),
                language: article.language,
            },
            desk: String::new(),
            language: article.language,
            status: super::index::ARTICLE_STATUS.into(),
            tier: 0,
            category: None,
            domain: String::new(),
            created: Timestamp(0),
            updated: Timestamp(0),
            answers_customers: true,
            subject: article.title.clone(),
            summary: article.keywords.clone(),
            body: article.body.clone(),
            answer: article.body.clone(),
        }
    }
}

/// The words people wrote on a ticket: each mail's new text (not what it quotes), the
/// notes, and the procedure's remarks, up to `MAX_BODY`.
fn body_of(ticket: &Ticket, messages: &[MessageRecord]) -> String {
    let mut body = String::new();
    let written = messages.iter().filter(|m| is_written_by_people(m));
    let remarks = ticket.procedure.remarks();
    let texts = written.map(|m| match m.kind {
        MessageKind::Note => without_commands(&m.new_text()),
        _ => m.new_text().into_owned(),
    });
    for text in texts.chain(remarks) {
        if body.len() >= MAX_BODY {
            break;
        }
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(text.trim());
    }
    cut(&body, MAX_BODY).to_string()
}

/// The longest start of `text` of at most `max` bytes that ends between characters.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A note's text without the command lines at its top (an agent's mail of commands is
/// kept as a note); `#note <text>` keeps its text.
pub(super) fn without_commands(text: &str) -> String {
    let mut lines = text.lines().peekable();
    let mut kept = Vec::new();
    while let Some(line) = lines.next_if(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
    {
        if let Some(note) = line.trim_start().strip_prefix("#note ") {
            kept.push(note.trim());
        }
    }
    kept.extend(lines);
    kept.join("\n")
}

/// Whether a message holds what people wrote: the customer's mails, the notes, and the
/// agents' answers as the customer got them (not the agent's own mail, which also holds
/// the command lines).
fn is_written_by_people(message: &MessageRecord) -> bool {
    match message.kind {
        MessageKind::Customer | MessageKind::Note => true,
        MessageKind::Agent => message.direction == Direction::Outbound,
        MessageKind::Auto | MessageKind::Notification => false,
    }
}

/// What a customer may read of a solved ticket: its resolution and the agents' last
/// public answer.
fn answer_of(ticket: &Ticket, messages: &[MessageRecord]) -> String {
    let last_answer = messages
        .iter()
        .rev()
        .find(|m| m.kind == MessageKind::Agent && m.direction == Direction::Outbound)
        .map(|m| m.new_text().trim().to_string());
    [ticket.resolution.clone(), last_answer]
        .into_iter()
        .flatten()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}
