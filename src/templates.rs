//! Mail templates: loaded once from the template folder, rendered with minijinja.
//!
//! Rendering is pure (no file or clock access), so the engine may call it.
//! Each kind of mail has one file per language: `acknowledgement.en.txt`, `acknowledgement.id.txt`.

use crate::types::Language;
use minijinja::Environment;
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// The kinds of mail Loket writes from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// The reply to a customer's first mail on a new ticket.
    Acknowledgement,
    /// The mail that tells agents about a ticket that needs them.
    Notification,
    /// The answer to an agent whose commands could not be obeyed.
    CommandError,
    /// The warning to an agent that a mail in their name could not be verified.
    Unverified,
    /// The report to a desk's lead that a ticket was escalated or is overdue at the last tier.
    Escalation,
    /// The confirmation (or reminder) of an on-site visit, to the customer.
    Visit,
    /// The report to the customer once the ticket is resolved, with the rating question.
    Resolution,
}

impl TemplateKind {
    /// Every kind, so that loading can check that each one exists.
    pub const ALL: [TemplateKind; 7] = [
        TemplateKind::Acknowledgement,
        TemplateKind::Notification,
        TemplateKind::CommandError,
        TemplateKind::Unverified,
        TemplateKind::Escalation,
        TemplateKind::Visit,
        TemplateKind::Resolution,
    ];

    fn stem(self) -> &'static str {
        match self {
            TemplateKind::Acknowledgement => "acknowledgement",
            TemplateKind::Notification => "notification",
            TemplateKind::CommandError => "command-error",
            TemplateKind::Unverified => "unverified",
            TemplateKind::Escalation => "escalation",
            TemplateKind::Visit => "visit",
            TemplateKind::Resolution => "resolution",
        }
    }

    /// The file name of this kind in a language, e.g. `acknowledgement.id.txt`.
    pub fn file_name(self, language: Language) -> String {
        format!("{}.{}.txt", self.stem(), language.code())
    }
}

/// A command line that was not obeyed, and why, in the reader's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefusedLine {
    /// The line as the agent wrote it.
    pub line: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One one-click answer to the satisfaction question.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RatingLink {
    /// What the reply says: `5`, `ya`.
    pub answer: String,
    /// What it means, in the reader's language: `very good`, `sudah beres`.
    pub label: String,
    /// The `mailto:` link that sends it.
    pub link: String,
}

/// What a template can use. Every template gets all of it; what a kind of mail does not
/// concern is empty.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MailVars {
    /// Ticket number.
    pub ticket: u64,
    /// The whole tag, e.g. `[HD #42]`.
    pub tag: String,
    /// Desk name.
    pub desk: String,
    /// Customer's display name, or their address.
    pub customer: String,
    /// Customer's address.
    pub customer_address: String,
    /// Subject of the ticket.
    pub subject: String,
    /// The agent the mail is for or from.
    pub agent: String,
    /// Text quoted in the mail (the customer's new text, an agent's rejected mail).
    pub text: String,
    /// Ticket status, tier, priority, category and assignee, as words.
    pub status: String,
    /// Support level.
    pub tier: u8,
    /// Priority.
    pub priority: String,
    /// Category, or empty.
    pub category: String,
    /// Assigned agent's name, or empty.
    pub assignee: String,
    /// Every refused command line of an agent's mail, with why.
    pub refused: Vec<RefusedLine>,
    /// The first refused command line (`refused` has them all).
    pub line: String,
    /// Why it was refused, escalated or is overdue.
    pub reason: String,
    /// When a visit is, in the desk's time zone, e.g. `Wed 25 Nov 2026 09:00 WIB`.
    pub when: String,
    /// How long a visit lasts, e.g. `2h`.
    pub duration: String,
    /// The engineer who visits.
    pub engineer: String,
    /// The engineer's note about the visit.
    pub note: String,
    /// Whether the mail is the reminder the day before rather than the confirmation.
    pub reminder: bool,
    /// The next SLA deadline, e.g. `first response Mon 30 Nov 2026 10:00 WIB`, or empty.
    pub due: String,
    /// Who wrote the mail a notification is about, `Dewi <dewi@example.id>`, or empty.
    pub author: String,
    /// Whether that is the ticket's requester (else a colleague or someone in copy).
    pub author_is_requester: bool,
    /// The people in copy of the ticket's answers, comma-separated, or empty.
    pub cc: String,
    /// The files of the mail a notification is about, `scan.pdf (120 KB), …`, or empty.
    pub attachments: String,
    /// The files of that mail the intake's limits refused, one line each with why, or
    /// empty.
    pub not_received: String,
    /// The ticket's procedure, when its category has one: steps with their state and
    /// the fields still missing, one per line; or empty.
    pub procedure: String,
    /// For an acknowledgement: what the ticket's category asks of the customer and is not
    /// known yet, one `  - <title>` line each; or empty.
    pub questions: String,
    /// Whether that mail reopened a resolved ticket.
    pub reopened: bool,
    /// For an acknowledgement, when the desk asks the customer to choose: the categories,
    /// one `  printer: Printers` line each; or empty.
    pub categories: String,
    /// For a new ticket, "3rd ticket from this customer in 30 days" when it is; or empty.
    pub repeat: String,
    /// The problem as the customer first wrote it, shortened, or empty.
    pub problem: String,
    /// What was done: the ticket's resolution line, or empty.
    pub resolution: String,
    /// The procedure's steps that were done, one `  - <step>` line each, or empty.
    pub steps_done: String,
    /// Who handled the ticket, one `  Level 1: Andi` line per tier, or empty.
    pub handled_by: String,
    /// How long the ticket took in the desk's working hours, e.g. `3 hours 10 minutes`.
    pub took: String,
    /// How long after resolution a reply reopens the ticket, e.g. `14 days`.
    pub reopen_within: String,
    /// Whether the resolution report asks for a rating.
    pub ask_rating: bool,
    /// The one-click answers to the rating question, best first.
    pub ratings: Vec<RatingLink>,
    /// For a new or reopened ticket's notification: the solved tickets most like it, one
    /// `  #12 Subject (3 weeks ago)` line each with how it was solved below; or empty.
    pub similar: String,
    /// For an acknowledgement that offers a written answer (self-service): its title.
    pub answer_title: String,
    /// That answer's text; empty when none is offered.
    pub answer: String,
}

impl MailVars {
    fn sample() -> MailVars {
        MailVars {
            ticket: 1,
            tag: "[HD #1]".into(),
            desk: "Support".into(),
            customer: "Budi".into(),
            customer_address: "budi@example.id".into(),
            subject: "Example".into(),
            agent: "Andi".into(),
            text: "Hello".into(),
            status: "new".into(),
            tier: 1,
            priority: "normal".into(),
            category: "printer".into(),
            assignee: "Andi".into(),
            refused: vec![RefusedLine {
                line: "#tier 9".into(),
                reason: "tier 9 does not exist".into(),
            }],
            line: "#tier 9".into(),
            reason: "tier 9 does not exist".into(),
            when: "Wed 25 Nov 2026 09:00 WIB".into(),
            duration: "2h".into(),
            engineer: "Eko".into(),
            note: "Bring a spare fuser".into(),
            reminder: false,
            due: "first response Mon 30 Nov 2026 10:00 WIB".into(),
            author: "Dewi <dewi@example.id>".into(),
            author_is_requester: false,
            cc: "dewi@example.id".into(),
            attachments: "  scan.pdf (application/pdf, 120 KB)".into(),
            not_received: "  video.mp4 (40.0 MB): larger than the 25.0 MB we take per file".into(),
            procedure: "Procedure (Printers):\n  [x] 1. Check paper and toner".into(),
            questions: "  - Printer model".into(),
            reopened: true,
            repeat: "3rd ticket from this customer in 30 days".into(),
            categories: "  printer: Printers".into(),
            problem: "The printer on the 3rd floor jams".into(),
            resolution: "Replaced the toner cartridge".into(),
            steps_done: "  - Check paper and toner".into(),
            handled_by: "  Tier 1: Andi".into(),
            took: "3 hours 10 minutes".into(),
            reopen_within: "14 days".into(),
            ask_rating: true,
            ratings: vec![RatingLink {
                answer: "5".into(),
                label: "very good".into(),
                link: "mailto:support+r1.abc@example.com?subject=%5BHD%20%231%5D&body=5".into(),
            }],
            similar: "  #12 Printer on the 3rd floor jams (3 weeks ago)\n      solved by: Cleaned the rollers".into(),
            answer_title: "Reset your password".into(),
            answer: "Open https://password.example.com and choose \"Forgot password\".".into(),
        }
    }
}

/// The compiled templates.
#[derive(Clone)]
pub struct Templates {
    env: Environment<'static>,
    /// The canned replies: name and the languages it is written in.
    replies: Vec<(String, Vec<Language>)>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.env.templates().map(|(name, _)| name).collect();
        f.debug_struct("Templates").field("loaded", &names).finish()
    }
}

/// A template that could not be loaded, as (file name, what is wrong).
pub type TemplateProblem = (String, String);

impl Templates {
    /// Loads every kind of template for the given languages from `folder`, reporting every problem.
    /// Acknowledgement variants chosen by routing rules (`acknowledgement-<variant>.<lang>.txt`)
    /// are loaded too.
    pub fn load(
        folder: &Path,
        languages: &[Language],
        variants: &[String],
    ) -> Result<Templates, Vec<TemplateProblem>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        let mut problems = Vec::new();
        for language in languages {
            for kind in TemplateKind::ALL {
                let name = kind.file_name(*language);
                if let Err(message) = add_file(&mut env, folder, &name) {
                    problems.push((name, message));
                }
            }
            for variant in variants {
                let name = variant_file_name(variant, *language);
                if env.get_template(&name).is_ok() {
                    continue;
                }
                if let Err(message) = add_file(&mut env, folder, &name) {
                    problems.push((name, message));
                }
            }
        }
        if problems.is_empty() {
            Ok(Templates {
                env,
                replies: Vec::new(),
            })
        } else {
            Err(problems)
        }
    }

    /// Adds the canned replies of `folder` (`<name>.<lang>.txt`, with the variables of
    /// every template); a folder that does not exist has none.
    pub fn with_replies(mut self, folder: &Path) -> Result<Templates, Vec<TemplateProblem>> {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Ok(self);
        };
        let mut files: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".txt"))
            .collect();
        files.sort();
        let mut problems = Vec::new();
        for file in files {
            let Some((name, language)) = file
                .strip_suffix(".txt")
                .and_then(|stem| stem.rsplit_once('.'))
                .and_then(|(name, code)| Some((name.to_string(), Language::parse(code)?)))
            else {
                let message = format!(
                    "{}: name a reply <name>.<language>.txt, such as reset-password.id.txt",
                    folder.join(&file).display()
                );
                problems.push((file, message));
                continue;
            };
            if let Err(message) =
                add_file_as(&mut self.env, folder, &file, reply_name(&name, language))
            {
                problems.push((file, message));
                continue;
            }
            match self.replies.iter_mut().find(|(n, _)| *n == name) {
                Some((_, languages)) => languages.push(language),
                None => self.replies.push((name, vec![language])),
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// The names of the canned replies, in order.
    pub fn reply_names(&self) -> impl Iterator<Item = &str> {
        self.replies.iter().map(|(name, _)| name.as_str())
    }

    /// Renders the canned reply `name` in `language`, or in the language it is written
    /// in when not in that one; `None` when there is no such reply.
    pub fn render_reply(
        &self,
        name: &str,
        language: Language,
        vars: &MailVars,
    ) -> Option<Result<String, String>> {
        let (_, languages) = self.replies.iter().find(|(n, _)| n == name)?;
        let language = if languages.contains(&language) {
            language
        } else {
            languages[0]
        };
        let template_name = reply_name(name, language);
        let template = self.env.get_template(&template_name).ok()?;
        Some(
            template
                .render(vars)
                .map_err(|e| format!("{template_name}: {e:#}")),
        )
    }

    /// Renders a kind of mail in a language.
    pub fn render(
        &self,
        kind: TemplateKind,
        language: Language,
        vars: &MailVars,
    ) -> Result<String, String> {
        let name = kind.file_name(language);
        let template = self.env.get_template(&name).map_err(|e| e.to_string())?;
        template.render(vars).map_err(|e| format!("{name}: {e:#}"))
    }
}

impl Templates {
    /// Renders an acknowledgement variant chosen by a routing rule.
    pub fn render_variant(
        &self,
        variant: &str,
        language: Language,
        vars: &MailVars,
    ) -> Result<String, String> {
        let name = variant_file_name(variant, language);
        let template = self.env.get_template(&name).map_err(|e| e.to_string())?;
        template.render(vars).map_err(|e| format!("{name}: {e:#}"))
    }
}

fn variant_file_name(variant: &str, language: Language) -> String {
    format!("acknowledgement-{variant}.{}.txt", language.code())
}

fn reply_name(name: &str, language: Language) -> String {
    format!("reply:{name}.{}", language.code())
}

fn add_file(env: &mut Environment<'static>, folder: &Path, name: &str) -> Result<(), String> {
    add_file_as(env, folder, name, name.to_string())
}

/// Adds the file `file` of `folder` as the template `name`, checking its variables.
fn add_file_as(
    env: &mut Environment<'static>,
    folder: &Path,
    file: &str,
    name: String,
) -> Result<(), String> {
    let path = folder.join(file);
    let source = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    env.add_template_owned(name.clone(), source)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let sample = MailVars::sample();
    let template = env.get_template(&name).map_err(|e| e.to_string())?;
    let known = known_variables(&sample);
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !known.contains(v))
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        let names: Vec<String> = unknown.iter().map(|v| format!("{{{{ {v} }}}}")).collect();
        return Err(format!(
            "{}: unknown variable {}; the variables are listed in the README under Configuration",
            path.display(),
            names.join(", ")
        ));
    }
    template
        .render(sample)
        .map(drop)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The names a template may use: the fields of `MailVars`.
fn known_variables(sample: &MailVars) -> Vec<String> {
    match serde_json::to_value(sample) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
