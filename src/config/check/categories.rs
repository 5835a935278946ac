//! Checks of `[category.<name>]`: the kinds of problem, their procedures and intake
//! fields, and every key elsewhere that names a category.

use super::agents::section_ids;
use super::sla::{check_tier, known, priority};
use super::*;
use crate::config::policy::{Bilingual, Category, IntakeField, Rule, SlaPolicy};

/// Every category, checked; the ones with problems are left out (their problems said).
pub(super) fn check_categories(
    cfg: &Config,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Vec<Category> {
    section_ids(cfg, "category", problems)
        .into_iter()
        .filter_map(|id| check_category(cfg, id, desks, problems))
        .collect()
}

fn check_category(
    cfg: &Config,
    id: String,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Option<Category> {
    let key = format!("category.{id}");
    let raw: raw::Category = required(cfg, &key, problems)?;
    let before = problems.len();
    let sub = |name: &str| format!("{key}.{name}");
    let title = bilingual(raw.title, &sub("title"), problems);
    let desk_ids: Vec<String> = desks.iter().map(|d| d.id.0.clone()).collect();
    let category_desks: Vec<DeskId> = raw
        .desks
        .unwrap_or_default()
        .iter()
        .filter_map(|desk| known(desk, &desk_ids, "desk", &sub("desks"), problems))
        .map(DeskId)
        .collect();
    let priority = raw
        .priority
        .and_then(|p| priority(&p, &sub("priority"), problems));
    let tier = raw.tier.and_then(|t| check_tier(t, &sub("tier"), problems));
    let close_tier = raw
        .close_tier
        .and_then(|t| check_tier(t, &sub("close_tier"), problems));
    let steps = raw
        .steps
        .map_or_else(Vec::new, |s| steps(s, &sub("steps"), problems));
    let fields: Vec<IntakeField> = raw
        .field
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, field)| {
            let field_key = format!("{key}.field.{name}");
            if !is_plain_name(&name) {
                problems.push(Problem {
                    key: field_key,
                    message: "field names may hold only letters, digits, '-' and '_'".into(),
                });
                return None;
            }
            Some(IntakeField {
                title: bilingual(field.title, &format!("{field_key}.title"), problems)?,
                key: name,
                required: field.required.unwrap_or(false),
            })
        })
        .collect();
    (problems.len() == before).then(|| Category {
        id,
        title: title.expect("checked"),
        desks: category_desks,
        priority,
        tier,
        close_tier,
        steps,
        fields,
    })
}

/// A title in both languages; one given alone stands for both.
fn bilingual(titles: raw::Titles, key: &str, problems: &mut Vec<Problem>) -> Option<Bilingual> {
    let clean = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    match (clean(titles.en), clean(titles.id)) {
        (Some(en), Some(id)) => Some(Bilingual { en, id }),
        (Some(one), None) | (None, Some(one)) => Some(Bilingual {
            en: one.clone(),
            id: one,
        }),
        (None, None) => {
            problems.push(Problem {
                key: key.to_string(),
                message: "give title.id and title.en (or at least one of them)".into(),
            });
            None
        }
    }
}

/// The procedure's steps: both lists the same length, or one list alone for both.
fn steps(steps: raw::Steps, key: &str, problems: &mut Vec<Problem>) -> Vec<Bilingual> {
    match (steps.en, steps.id) {
        (Some(en), Some(id)) if en.len() != id.len() => {
            problems.push(Problem {
                key: key.to_string(),
                message: format!(
                    "steps.en has {} steps and steps.id has {}; give each step in both",
                    en.len(),
                    id.len()
                ),
            });
            Vec::new()
        }
        (Some(en), Some(id)) => en
            .into_iter()
            .zip(id)
            .map(|(en, id)| Bilingual { en, id })
            .collect(),
        (Some(one), None) | (None, Some(one)) => one
            .into_iter()
            .map(|step| Bilingual {
                en: step.clone(),
                id: step,
            })
            .collect(),
        (None, None) => Vec::new(),
    }
}

/// Once categories are defined, every rule and SLA that names one must name a defined
/// one (a typo would route tickets to a category no procedure covers).
pub(super) fn check_category_names(
    categories: &[Category],
    rules: &[Rule],
    slas: &[SlaPolicy],
    problems: &mut Vec<Problem>,
) {
    if categories.is_empty() {
        return;
    }
    let named = rules
        .iter()
        .filter_map(|r| {
            Some((
                format!("rule.{}.category", r.id),
                r.actions.category.as_ref()?,
            ))
        })
        .chain(
            slas.iter()
                .filter_map(|s| Some((format!("sla.{}.category", s.id), s.category.as_ref()?))),
        );
    let ids: Vec<String> = categories.iter().map(|c| c.id.clone()).collect();
    for (key, name) in named {
        known(name, &ids, "category", &key, problems);
    }
}
