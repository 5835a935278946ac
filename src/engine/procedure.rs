//! A category's procedure on one ticket: which steps are done or skipped (and why), and
//! which intake fields are filled. Agents move it with `#step` and `#field`; the
//! notification shows it where the agent works.

use crate::config::policy::Category;
use crate::types::Language;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a ticket stands in its category's procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// Steps dealt with, by number (from 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<u32, StepState>,
    /// Intake fields filled, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// How a step was dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// It was done.
    Done,
    /// It was not done, for this reason.
    Skipped(String),
}

impl Procedure {
    /// Whether nothing has been recorded yet.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.fields.is_empty()
    }

    /// What agents wrote into it: the fields' values and why steps were skipped.
    pub fn remarks(&self) -> impl Iterator<Item = String> + '_ {
        let skipped = self.steps.values().filter_map(|state| match state {
            StepState::Skipped(why) => Some(why.clone()),
            StepState::Done => None,
        });
        self.fields.values().cloned().chain(skipped)
    }
}

/// The procedure as the agent reads it in a notification: each step with its state, and
/// the fields still missing with the command that fills them. Empty for a category with
/// neither steps nor fields.
pub fn lines(category: &Category, procedure: &Procedure, language: Language) -> String {
    let mut out = Vec::new();
    if !category.steps.is_empty() {
        out.push(match language {
            Language::En => format!("Procedure ({}):", category.title.of(language)),
            Language::Id => format!("Prosedur ({}):", category.title.of(language)),
        });
        for (at, step) in category.steps.iter().enumerate() {
            let number = at as u32 + 1;
            let text = step.of(language);
            out.push(match (procedure.steps.get(&number), language) {
                (Some(StepState::Done), _) => format!("  [x] {number}. {text}"),
                (Some(StepState::Skipped(why)), Language::En) => {
                    format!("  [-] {number}. {text} (skipped: {why})")
                }
                (Some(StepState::Skipped(why)), Language::Id) => {
                    format!("  [-] {number}. {text} (dilewati: {why})")
                }
                (None, _) => format!("  [ ] {number}. {text}"),
            });
        }
    }
    let missing: Vec<String> = category
        .fields
        .iter()
        .filter(|f| !procedure.fields.contains_key(&f.key))
        .map(|f| {
            let need = match (f.required, language) {
                (true, Language::En) => " (required)",
                (true, Language::Id) => " (wajib)",
                (false, _) => "",
            };
            format!("  {}{need}: #field {} <...>", f.title.of(language), f.key)
        })
        .collect();
    if !missing.is_empty() {
        out.push(
            match language {
                Language::En => "Still to be learnt from the customer:",
                Language::Id => "Masih perlu ditanyakan ke pelanggan:",
            }
            .to_string(),
        );
        out.extend(missing);
    }
    let filled: Vec<String> = category
        .fields
        .iter()
        .filter_map(|f| {
            let value = procedure.fields.get(&f.key)?;
            Some(format!("  {}: {value}", f.title.of(language)))
        })
        .collect();
    if !filled.is_empty() {
        out.push(
            match language {
                Language::En => "Known:",
                Language::Id => "Sudah diketahui:",
            }
            .to_string(),
        );
        out.extend(filled);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::policy::{Bilingual, IntakeField};

    fn both(en: &str, id: &str) -> Bilingual {
        Bilingual {
            en: en.into(),
            id: id.into(),
        }
    }

    fn printer() -> Category {
        Category {
            id: "printer".into(),
            title: both("Printers", "Printer"),
            desks: Vec::new(),
            priority: None,
            tier: None,
            close_tier: None,
            steps: vec![
                both("Check paper and toner", "Cek kertas dan toner"),
                both("Clean the paper path", "Bersihkan jalur kertas"),
                both("Replace the fuser", "Ganti fuser"),
            ],
            fields: vec![IntakeField {
                key: "device".into(),
                title: both("Printer model", "Tipe printer"),
                required: true,
            }],
        }
    }

    #[test]
    fn steps_show_their_state_and_missing_fields_their_command() {
        let mut procedure = Procedure::default();
        procedure.steps.insert(1, StepState::Done);
        procedure
            .steps
            .insert(3, StepState::Skipped("suku cadang habis".into()));
        assert_eq!(
            lines(&printer(), &procedure, Language::Id),
            "Prosedur (Printer):\n  [x] 1. Cek kertas dan toner\n  [ ] 2. Bersihkan jalur kertas\n  \
             [-] 3. Ganti fuser (dilewati: suku cadang habis)\n\
             Masih perlu ditanyakan ke pelanggan:\n  Tipe printer (wajib): #field device <...>"
        );
        procedure
            .fields
            .insert("device".into(), "Canon MF3010".into());
        let english = lines(&printer(), &procedure, Language::En);
        assert!(
            english.ends_with("Known:\n  Printer model: Canon MF3010"),
            "{english}"
        );
        assert!(!english.contains("#field"), "{english}");
    }
}
