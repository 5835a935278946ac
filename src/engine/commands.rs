//! Commands by mail: `#close`, `#assign andi` … one per line at the top of an agent's
//! reply, before the text, or `[close]`-style tags in the subject. A mail's commands are
//! read and checked all together: one bad line rejects the whole mail's commands, and
//! the agent is told of every bad line at once, in their language.

use crate::config::Policy;
use crate::types::Priority;
use crate::types::{AgentId, EmailAddress, TicketId, Tier};
use crate::words::Phrase;

/// Who `#assign` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// The agent who sent the command.
    Me,
    /// Another agent.
    Agent(AgentId),
}

/// One command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `#close [resolution]` or `#resolve [resolution]`: the problem is solved, and how.
    Resolve(Option<String>),
    /// `#resolution <text>`: what was done, the line that closes the ticket's record.
    Resolution(String),
    /// `#reopen`.
    Reopen,
    /// `#pending`: waiting on the customer.
    Pending,
    /// `#assign <agent|me>`.
    Assign(Assignee),
    /// `#escalate [reason]`: up one tier.
    Escalate(Option<String>),
    /// `#tier <1|2|3>`.
    Tier(Tier),
    /// `#priority <low|normal|high|urgent>`.
    Priority(Priority),
    /// `#category <name>`.
    Category(String),
    /// `#step <n> [skip <reason>]`: step n of the category's procedure is done, or was
    /// skipped for that reason.
    Step {
        /// The step's number, from 1.
        number: u32,
        /// Why it was skipped; `None` when it was done.
        skipped: Option<String>,
    },
    /// `#field <key> <value>`: an intake field of the category, filled.
    Field {
        /// The field's key.
        key: String,
        /// What it is.
        value: String,
    },
    /// `#cc +addr -addr`.
    Cc {
        /// Addresses to add.
        add: Vec<EmailAddress>,
        /// Addresses to remove.
        remove: Vec<EmailAddress>,
    },
    /// `#note`: the mail is an internal note.
    Note,
    /// `#note <text>`: that text is an internal note; the rest of the mail is still the
    /// public answer.
    NoteText(String),
    /// `#merge <N>`: this ticket continues in ticket N (which must be open).
    Merge(TicketId),
    /// `#attachments`: mail the agent every file of the ticket.
    Attachments,
    /// `#away`: the agent is away (not notified, not assigned) until `#back`.
    Away,
    /// `#back`: the agent is present again.
    Back,
    /// `#visit <YYYY-MM-DD HH:MM> [duration] [note]`: an on-site visit, at the desk's local time.
    Visit {
        /// Start, in the desk's time zone.
        start: jiff::civil::DateTime,
        /// How long it lasts (default one hour).
        duration: std::time::Duration,
        /// What the engineer tells the customer.
        note: String,
    },
    /// `#reply <name>`: the canned reply `name`, in the customer's language, opens the
    /// public answer.
    Reply(String),
    /// `#kb <slug>`: the article `slug`, in the customer's language, opens the public
    /// answer.
    Kb(String),
    /// `#search <query>`: mail the agent the ten tickets and articles that match best.
    Search(String),
    /// `#kb-candidate`: once resolved, this ticket's answer may be offered to customers
    /// with the same problem (self-service).
    KbCandidate,
    /// `#forward <address> [text]`: send the conversation to an outside specialist.
    Forward {
        /// The specialist.
        to: EmailAddress,
        /// What the agent asks of them.
        text: String,
    },
}

/// A command line that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The offending line, as written.
    pub line: String,
    /// What is wrong with it.
    pub reason: Phrase,
}

/// What an agent's mail asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The commands, in order.
    pub commands: Vec<Command>,
    /// The text after the command lines.
    pub text: String,
    /// The command lines as written (subject tags as `#word`), for the confirmation.
    pub lines: Vec<String>,
}

impl Reading {
    /// Whether the mail is an internal note.
    pub fn is_note(&self) -> bool {
        self.commands.contains(&Command::Note)
    }
}

/// Reads the commands of an agent's mail: `[tag]`s in the subject, then `#` lines at the
/// top of its new text. `Err` quotes every line that cannot be obeyed.
pub fn read(subject: &str, new_text: &str, policy: &Policy) -> Result<Reading, Vec<Rejected>> {
    let mut commands = Vec::new();
    let mut written = Vec::new();
    let mut rejected = Vec::new();
    let mut take = |line: &str| match parse_line(line, policy) {
        Ok(command) => {
            commands.push(command);
            written.push(line.to_string());
        }
        Err(refused) => rejected.push(refused),
    };
    for tag in subject_commands(subject) {
        take(&tag);
    }
    let lines: Vec<&str> = new_text.lines().collect();
    let mut body_start = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !is_command_line(trimmed) {
            body_start = i;
            break;
        }
        take(trimmed);
    }
    let text = lines[body_start.min(lines.len())..]
        .join("\n")
        .trim()
        .to_string();
    if rejected.is_empty() {
        Ok(Reading {
            commands,
            text,
            lines: written,
        })
    } else {
        Err(rejected)
    }
}

/// `#word` at the start of a line; `#42` or `# heading` are text.
fn is_command_line(line: &str) -> bool {
    line.strip_prefix('#')
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_ascii_alphabetic())
}

/// `[close]`, `[assign me]` in the subject, as `#close`, `#assign me` (ticket tags skipped).
fn subject_commands(subject: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        let inside = rest[open + 1..open + close].trim();
        let word = inside
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if KNOWN.contains(&word.as_str()) {
            found.push(format!("#{inside}"));
        }
        rest = &rest[open + close + 1..];
    }
    found
}

const KNOWN: [&str; 21] = [
    "close",
    "resolve",
    "reopen",
    "pending",
    "assign",
    "escalate",
    "tier",
    "priority",
    "category",
    "cc",
    "note",
    "merge",
    "forward",
    "away",
    "back",
    "visit",
    "attachments",
    "step",
    "field",
    "resolution",
    "solusi",
];

/// `#reply <name>`: a canned reply that exists; `#reply` alone is answered with the list.
fn canned_reply(name: &str, policy: &Policy) -> Result<Command, Phrase> {
    let names: Vec<&str> = policy.templates.reply_names().collect();
    if names.contains(&name) {
        return Ok(Command::Reply(name.to_string()));
    }
    Err(not_among(name, &names, &REPLIES))
}

/// `#kb <slug>`: an article that exists.
fn article(slug: &str, policy: &Policy) -> Result<Command, Phrase> {
    let articles = &policy.knowledge.articles;
    if articles.iter().any(|a| a.slug == slug) {
        return Ok(Command::Kb(slug.to_string()));
    }
    let mut slugs: Vec<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
    slugs.dedup();
    Err(not_among(slug, &slugs, &ARTICLES))
}

/// How the refusal of a name that is not among the written answers speaks of them.
struct Answers {
    command: &'static str,
    one_en: &'static str,
    many_en: &'static str,
    one_id: &'static str,
    which_id: &'static str,
    none: (&'static str, &'static str),
}

const REPLIES: Answers = Answers {
    command: "#reply",
    one_en: "reply",
    many_en: "replies",
    one_id: "jawaban",
    which_id: "jawabannya",
    none: (
        "this desk has no canned replies yet (an admin puts them in config/replies/)",
        "belum ada jawaban siap pakai (admin menaruhnya di config/replies/)",
    ),
};

const ARTICLES: Answers = Answers {
    command: "#kb",
    one_en: "article",
    many_en: "articles",
    one_id: "artikel",
    which_id: "artikelnya",
    none: (
        "there are no articles yet (an admin puts them in config/articles/)",
        "belum ada artikel (admin menaruhnya di config/articles/)",
    ),
};

/// Why `given` names none of `names`: there are none yet, none was said, or which there are.
fn not_among(given: &str, names: &[&str], answers: &Answers) -> Phrase {
    let Some(first) = names.first() else {
        return Phrase::both(answers.none.0, answers.none.1);
    };
    let list = names.join(", ");
    let Answers {
        command,
        one_en,
        many_en,
        one_id,
        which_id,
        ..
    } = answers;
    match given {
        "" => Phrase::both(
            format!("say which {one_en}, for example {command} {first}; the {many_en} are: {list}"),
            format!("sebutkan {which_id}, misalnya {command} {first}; {one_id} yang ada: {list}"),
        ),
        _ => Phrase::both(
            format!("there is no {one_en} {given}; the {many_en} are: {list}"),
            format!("tidak ada {one_id} {given}; {one_id} yang ada: {list}"),
        ),
    }
}

fn parse_line(line: &str, policy: &Policy) -> Result<Command, Rejected> {
    let reject = |reason: Phrase| Rejected {
        line: line.to_string(),
        reason,
    };
    let body = line.trim_start_matches('#');
    let (word, argument) = match body.split_once(char::is_whitespace) {
        Some((word, rest)) => (word.to_lowercase(), rest.trim()),
        None => (body.to_lowercase(), ""),
    };
    let no_argument = |command: Command| {
        if argument.is_empty() {
            Ok(command)
        } else {
            Err(reject(Phrase::both(
                format!("#{word} takes no argument"),
                format!("#{word} tidak memakai argumen"),
            )))
        }
    };
    match word.as_str() {
        "close" | "resolve" => Ok(Command::Resolve(
            (!argument.is_empty()).then(|| argument.to_string()),
        )),
        "resolution" | "solusi" if !argument.is_empty() => {
            Ok(Command::Resolution(argument.to_string()))
        }
        "resolution" | "solusi" => Err(reject(Phrase::both(
            "#resolution needs the line that says what was done",
            "#resolution perlu kalimat tentang apa yang dikerjakan",
        ))),
        "reopen" => no_argument(Command::Reopen),
        "pending" => no_argument(Command::Pending),
        "note" if argument.is_empty() => Ok(Command::Note),
        "note" => Ok(Command::NoteText(argument.to_string())),
        "escalate" => Ok(Command::Escalate(
            (!argument.is_empty()).then(|| argument.to_string()),
        )),
        "assign" => assign(argument, policy).map_err(reject),
        "tier" => tier(argument).map_err(reject),
        "priority" => Priority::parse(argument)
            .map(Command::Priority)
            .ok_or_else(|| {
                reject(Phrase::both(
                    format!("unknown priority {argument:?}; use low, normal, high or urgent"),
                    format!(
                        "prioritas {argument:?} tidak dikenal; pakai low, normal, high atau urgent"
                    ),
                ))
            }),
        "category" if !argument.is_empty() => Ok(Command::Category(argument.to_lowercase())),
        "category" => Err(reject(Phrase::both(
            "#category needs a name, for example #category printer",
            "#category perlu nama, misalnya #category printer",
        ))),
        "cc" => cc(argument).map_err(reject),
        "step" => step(argument).map_err(reject),
        "field" => field(argument).map_err(reject),
        "away" => no_argument(Command::Away),
        "attachments" => no_argument(Command::Attachments),
        "back" => no_argument(Command::Back),
        "visit" => visit(argument).map_err(reject),
        "reply" | "balas" => canned_reply(argument, policy).map_err(reject),
        "kb" | "artikel" => article(argument, policy).map_err(reject),
        "kb-candidate" => no_argument(Command::KbCandidate),
        "search" | "cari" if !argument.is_empty() => Ok(Command::Search(argument.to_string())),
        "search" | "cari" => Err(reject(Phrase::both(
            "#search needs words to look for, for example #search printer lantai 3",
            "#search perlu kata yang dicari, misalnya #search printer lantai 3",
        ))),
        "forward" => forward(argument).map_err(reject),
        "merge" => argument
            .trim_start_matches('#')
            .parse::<u64>()
            .map(|n| Command::Merge(TicketId(n)))
            .map_err(|_| {
                reject(Phrase::both(
                    format!(
                        "#merge needs a ticket number, for example #merge 42; {argument:?} is not one"
                    ),
                    format!(
                        "#merge perlu nomor tiket, misalnya #merge 42; {argument:?} bukan nomor tiket"
                    ),
                ))
            }),
        _ => Err(reject(Phrase::both(
            format!("unknown command #{word}; see the list at the end of the notification"),
            format!("perintah #{word} tidak dikenal; lihat daftar di akhir notifikasi"),
        ))),
    }
}

fn step(argument: &str) -> Result<Command, Phrase> {
    let (number, rest) = argument
        .split_once(char::is_whitespace)
        .unwrap_or((argument, ""));
    let number: u32 = number.trim_start_matches('#').parse().map_err(|_| {
        Phrase::both(
            "#step needs the step's number, for example #step 2 or #step 2 skip <reason>",
            "#step perlu nomor langkah, misalnya #step 2 atau #step 2 skip <alasan>",
        )
    })?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(Command::Step {
            number,
            skipped: None,
        });
    }
    let (word, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let skip = ["skip", "lewati", "lewat"].contains(&word.to_lowercase().as_str());
    match (skip, reason.trim()) {
        (true, reason) if !reason.is_empty() => Ok(Command::Step {
            number,
            skipped: Some(reason.to_string()),
        }),
        (true, _) => Err(Phrase::both(
            "a skipped step needs its reason: #step 2 skip <reason>",
            "langkah yang dilewati perlu alasannya: #step 2 skip <alasan>",
        )),
        (false, _) => Err(Phrase::both(
            format!("#step {number} takes nothing after the number but skip <reason>"),
            format!("#step {number} hanya bisa diikuti skip <alasan>"),
        )),
    }
}

fn field(argument: &str) -> Result<Command, Phrase> {
    match argument.split_once(char::is_whitespace) {
        Some((key, value)) if !value.trim().is_empty() => Ok(Command::Field {
            key: key.to_lowercase(),
            value: value.trim().to_string(),
        }),
        _ => Err(Phrase::both(
            "#field needs a field and its value, for example #field device Canon MF3010",
            "#field perlu nama isian dan nilainya, misalnya #field device Canon MF3010",
        )),
    }
}

fn assign(argument: &str, policy: &Policy) -> Result<Command, Phrase> {
    if argument.eq_ignore_ascii_case("me") {
        return Ok(Command::Assign(Assignee::Me));
    }
    let agent = policy
        .agents
        .iter()
        .find(|a| a.id.0.eq_ignore_ascii_case(argument) || a.name.eq_ignore_ascii_case(argument));
    match agent {
        Some(agent) if agent.away => Err(Phrase::both(
            format!("{} is away", agent.name),
            format!("{} sedang tidak bertugas", agent.name),
        )),
        Some(agent) => Ok(Command::Assign(Assignee::Agent(agent.id.clone()))),
        None if argument.is_empty() => Err(Phrase::both(
            "#assign needs an agent, or me",
            "#assign perlu nama agen, atau me",
        )),
        None => Err(Phrase::both(
            format!("no agent named {argument:?}"),
            format!("tidak ada agen bernama {argument:?}"),
        )),
    }
}

fn forward(argument: &str) -> Result<Command, Phrase> {
    let (address, text) = argument
        .split_once(char::is_whitespace)
        .unwrap_or((argument, ""));
    let to = EmailAddress::parse(address.trim_matches(|c| c == '<' || c == '>'))
        .ok_or_else(|| Phrase::both(
            format!("#forward needs an address first, for example #forward engineer@example.com; {address:?} is not one"),
            format!("#forward perlu alamat email lebih dulu, misalnya #forward teknisi@example.com; {address:?} bukan alamat"),
        ))?;
    Ok(Command::Forward {
        to,
        text: text.trim().to_string(),
    })
}

/// `2026-11-25 09:00 [2h] [note]`.
fn visit(argument: &str) -> Result<Command, Phrase> {
    let usage = "#visit 2026-11-25 09:00 [2h] [note]";
    let mut words = argument.split_whitespace();
    let (Some(day), Some(time)) = (words.next(), words.next()) else {
        return Err(Phrase::both(
            format!("#visit needs a date and a time: write {usage}"),
            format!("#visit perlu tanggal dan jam: tulis {usage}"),
        ));
    };
    let start: jiff::civil::DateTime = format!("{day}T{time}").parse().map_err(|_| {
        Phrase::both(
            format!("{day} {time} is not a date and time: write {usage}"),
            format!("{day} {time} bukan tanggal dan jam: tulis {usage}"),
        )
    })?;
    let rest: Vec<&str> = words.collect();
    let (duration, note_words) = match rest.first().map(|w| humantime::parse_duration(w)) {
        Some(Ok(duration)) => (duration, &rest[1..]),
        _ => (std::time::Duration::from_secs(3600), &rest[..]),
    };
    if duration.is_zero() || duration > std::time::Duration::from_secs(7 * 86400) {
        return Err(Phrase::both(
            format!("a visit lasts between a minute and a week: write {usage}"),
            format!("kunjungan berlangsung antara satu menit dan satu minggu: tulis {usage}"),
        ));
    }
    Ok(Command::Visit {
        start,
        duration,
        note: note_words.join(" "),
    })
}

fn tier(argument: &str) -> Result<Command, Phrase> {
    match argument.parse::<u8>() {
        Ok(n @ 1..=3) => Ok(Command::Tier(Tier(n))),
        _ => Err(Phrase::both(
            format!("tier {argument:?} does not exist; use 1, 2 or 3"),
            format!("level {argument:?} tidak ada; pakai 1, 2 atau 3"),
        )),
    }
}

fn cc(argument: &str) -> Result<Command, Phrase> {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for word in argument.split_whitespace() {
        let (list, address) = match word.as_bytes().first() {
            Some(b'+') => (&mut add, &word[1..]),
            Some(b'-') => (&mut remove, &word[1..]),
            _ => {
                return Err(Phrase::both(
                    format!("write +{word} to add or -{word} to remove"),
                    format!("tulis +{word} untuk menambah atau -{word} untuk menghapus"),
                ))
            }
        };
        list.push(EmailAddress::parse(address).ok_or_else(|| {
            Phrase::both(
                format!("{address:?} is not a mail address"),
                format!("{address:?} bukan alamat email"),
            )
        })?);
    }
    if add.is_empty() && remove.is_empty() {
        return Err(Phrase::both(
            "#cc needs +address or -address",
            "#cc perlu +alamat atau -alamat",
        ));
    }
    Ok(Command::Cc { add, remove })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::policy::test_policy;

    fn read_text(text: &str) -> Result<Reading, Vec<Rejected>> {
        read("Re: [HD #42] Printer", text, &test_policy())
    }

    #[test]
    fn commands_at_the_top_then_the_text() {
        let reading =
            read_text("#priority high\n#assign Rina\n\nWe are on it.\n#not a command here")
                .expect("valid");
        assert_eq!(
            reading.commands,
            [
                Command::Priority(Priority::High),
                Command::Assign(Assignee::Agent(AgentId("rina".into())))
            ]
        );
        assert_eq!(reading.text, "We are on it.\n#not a command here");
    }

    #[test]
    fn every_command_parses() {
        let all = "#close\n#resolve\n#reopen\n#pending\n#assign me\n#escalate needs a technician\n#tier 3\n#priority urgent\n#category Printer\n#cc +boss@example.id -old@example.id\n#forward tech@vendor.example please visit on Monday\n#merge #7\n#note";
        let reading = read_text(all).expect("valid");
        assert_eq!(reading.commands.len(), 13);
        assert_eq!(reading.commands[11], Command::Merge(TicketId(7)));
        let to = EmailAddress::parse("tech@vendor.example").expect("valid");
        assert_eq!(
            reading.commands[10],
            Command::Forward {
                to,
                text: "please visit on Monday".into()
            }
        );
        assert!(reading.is_note());
        assert_eq!(
            reading.commands[5],
            Command::Escalate(Some("needs a technician".into()))
        );
        assert_eq!(reading.commands[8], Command::Category("printer".into()));
    }

    #[test]
    fn subject_tags_are_commands_but_the_ticket_tag_is_not() {
        let reading = read("Re: [HD #42] Printer [close]", "Done.", &test_policy()).expect("valid");
        assert_eq!(reading.commands, [Command::Resolve(None)]);
        assert_eq!(reading.text, "Done.");
    }

    #[test]
    fn a_bad_line_is_quoted_with_the_reason() {
        for (text, fragment) in [
            ("#assign nobody", "no agent named"),
            ("#tier 4", "does not exist"),
            ("#priority whenever", "unknown priority"),
            ("#frobnicate", "unknown command"),
            ("#cc boss@example.id", "+boss@example.id"),
            ("#pending now", "takes no argument"),
            ("#merge seven", "needs a ticket number"),
            ("#forward please look", "needs an address"),
        ] {
            let rejected = read_text(&format!("#note\n{text}\nhello")).expect_err(text);
            assert_eq!(rejected.len(), 1);
            assert_eq!(rejected[0].line, text);
            let reason = rejected[0].reason.of(crate::types::Language::En);
            assert!(reason.contains(fragment), "{text}: {reason}");
            let alasan = rejected[0].reason.of(crate::types::Language::Id);
            assert_ne!(alasan, reason, "{text}: said in Indonesian too");
        }
    }

    #[test]
    fn every_bad_line_is_reported_not_only_the_first() {
        let rejected = read(
            "Re: [HD #42] Printer [tier 9]",
            "#priority whenever\n#priority high\n#frobnicate\n\nOn it.",
            &test_policy(),
        )
        .expect_err("three bad lines");
        let lines: Vec<&str> = rejected.iter().map(|r| r.line.as_str()).collect();
        assert_eq!(lines, ["#tier 9", "#priority whenever", "#frobnicate"]);
    }

    #[test]
    fn a_note_with_text_leaves_the_rest_public() {
        let reading =
            read_text("#note pelanggan VIP, hati-hati\n#priority high\n\nSudah kami cek.")
                .expect("valid");
        assert_eq!(
            reading.commands,
            [
                Command::NoteText("pelanggan VIP, hati-hati".into()),
                Command::Priority(Priority::High)
            ]
        );
        assert!(!reading.is_note());
        assert_eq!(reading.text, "Sudah kami cek.");
    }

    #[test]
    fn numbers_and_headings_are_not_commands() {
        let reading = read_text("#42 is the order number").expect("valid");
        assert!(reading.commands.is_empty());
        assert_eq!(reading.text, "#42 is the order number");
    }
}
