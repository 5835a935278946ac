//! Mail templates: loaded once from the template folder, rendered with minijinja.
//!
//! Rendering is pure (no file or clock access), so the engine may call it.
//! Each kind of mail has one file per language: `acknowledgement.en.txt`, `acknowledgement.id.txt`.

use crate::config::policy::Language;
use minijinja::Environment;
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// The kinds of mail Loket writes from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// The reply to a customer's first mail on a new ticket.
    Acknowledgement,
}

impl TemplateKind {
    /// Every kind, so that loading can check that each one exists.
    pub const ALL: [TemplateKind; 1] = [TemplateKind::Acknowledgement];

    fn stem(self) -> &'static str {
        match self {
            TemplateKind::Acknowledgement => "acknowledgement",
        }
    }

    /// The file name of this kind in a language, e.g. `acknowledgement.id.txt`.
    pub fn file_name(self, language: Language) -> String {
        format!("{}.{}.txt", self.stem(), language.code())
    }
}

/// What an acknowledgement template can use.
#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgementVars {
    /// Ticket number.
    pub ticket: u64,
    /// The whole tag, e.g. `[HD #42]`.
    pub tag: String,
    /// Desk name.
    pub desk: String,
    /// Customer's display name, or their address.
    pub customer: String,
    /// Subject of the customer's mail.
    pub subject: String,
}

/// The compiled templates.
#[derive(Clone)]
pub struct Templates {
    env: Environment<'static>,
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
    pub fn load(folder: &Path, languages: &[Language]) -> Result<Templates, Vec<TemplateProblem>> {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        let mut problems = Vec::new();
        for language in languages {
            for kind in TemplateKind::ALL {
                let name = kind.file_name(*language);
                if let Err(message) = add_file(&mut env, folder, &name) {
                    problems.push((name, message));
                }
            }
        }
        if problems.is_empty() {
            Ok(Templates { env })
        } else {
            Err(problems)
        }
    }

    /// Renders an acknowledgement in a language.
    pub fn acknowledgement(
        &self,
        language: Language,
        vars: &AcknowledgementVars,
    ) -> Result<String, String> {
        self.render(TemplateKind::Acknowledgement.file_name(language), vars)
    }

    fn render(&self, name: String, vars: impl Serialize) -> Result<String, String> {
        let template = self.env.get_template(&name).map_err(|e| e.to_string())?;
        template.render(vars).map_err(|e| format!("{name}: {e:#}"))
    }
}

fn add_file(env: &mut Environment<'static>, folder: &Path, name: &str) -> Result<(), String> {
    let path = folder.join(name);
    let source = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    env.add_template_owned(name.to_string(), source)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let sample = AcknowledgementVars {
        ticket: 1,
        tag: "[HD #1]".into(),
        desk: "Support".into(),
        customer: "Budi".into(),
        subject: "Example".into(),
    };
    let template = env.get_template(name).map_err(|e| e.to_string())?;
    template
        .render(sample)
        .map(drop)
        .map_err(|e| format!("{}: {e}", path.display()))
}
