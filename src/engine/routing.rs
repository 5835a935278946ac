//! Where a ticket goes: routing rules on a new ticket's first mail, the team that takes
//! it, and which present member of that team gets it.

use super::effect::{Effect, Happening};
use super::event::Staff;
use super::Step;
use crate::config::policy::{Agent, Assignment, Policy, Rule, SenderPattern, Team};
use crate::mail::Mail;
use crate::types::{TeamId, Tier};

/// What routing decided beyond the ticket's fields.
#[derive(Debug, Default)]
pub(super) struct Routed {
    /// The acknowledgement variant a rule chose.
    pub acknowledgement: Option<String>,
}

/// Applies the routing rules in order to a new ticket (first match wins unless the rule
/// says `continue`), then gives the ticket to its team.
pub(super) fn route(step: &mut Step, mail: &Mail, staff: Staff<'_>, policy: &Policy) -> Routed {
    let mut routed = Routed::default();
    for rule in &policy.rules {
        if !matches(rule, mail, step) {
            continue;
        }
        apply(step, rule, &mut routed);
        if !rule.continue_after {
            break;
        }
    }
    if step.ticket.team.is_none() {
        let desk = super::outgoing::desk_of(policy, &step.ticket);
        step.ticket.team = desk.team.clone();
    }
    if step.ticket.assignee.is_none() {
        let team = step.ticket.team.as_ref().and_then(|t| policy.team(t));
        if let Some(agent) = team.and_then(|t| pick(t, staff, policy)) {
            assign(step, agent, "routing");
        }
    }
    routed
}

/// Whether every condition of a rule holds for this mail.
pub fn matches(rule: &Rule, mail: &Mail, step: &Step) -> bool {
    let desk_ok = rule.desk.as_ref().is_none_or(|d| *d == step.ticket.desk);
    let sender = mail.from.as_ref().map(|c| &c.address);
    let from_ok = rule.from.is_empty()
        || sender.is_some_and(|a| {
            rule.from.iter().any(|p| match p {
                SenderPattern::Address(exact) => exact == a,
                SenderPattern::Domain(domain) => a.domain().eq_ignore_ascii_case(domain),
            })
        });
    let subject_ok = rule
        .subject
        .as_ref()
        .is_none_or(|r| r.is_match(&mail.subject));
    let body_ok = rule.body.as_ref().is_none_or(|r| r.is_match(&mail.text));
    let keywords_ok = rule.keywords.is_empty() || has_keyword(&rule.keywords, mail);
    let headers_ok = rule.headers.iter().all(|(name, pattern)| {
        mail.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(name) && pattern.is_match(v))
    });
    let attachment_ok = rule
        .has_attachment
        .is_none_or(|wanted| wanted != mail.attachments.is_empty());
    desk_ok && from_ok && subject_ok && body_ok && keywords_ok && headers_ok && attachment_ok
}

fn has_keyword(keywords: &[String], mail: &Mail) -> bool {
    let text = format!("{} {}", mail.subject, mail.text).to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    keywords.iter().any(|k| {
        if k.contains(char::is_whitespace) {
            text.contains(k.as_str())
        } else {
            words.contains(&k.as_str())
        }
    })
}

fn apply(step: &mut Step, rule: &Rule, routed: &mut Routed) {
    let by = format!("rule:{}", rule.id);
    let actions = &rule.actions;
    let ticket = &mut step.ticket;
    let mut changes = Vec::new();
    if let Some(category) = &actions.category {
        let from = ticket
            .category
            .replace(category.clone())
            .unwrap_or_default();
        changes.push(("category", from, category.clone()));
    }
    if let Some(priority) = actions.priority {
        let from = std::mem::replace(&mut ticket.priority, priority);
        changes.push(("priority", from.to_string(), priority.to_string()));
    }
    if let Some(tier) = actions.tier {
        let from = std::mem::replace(&mut ticket.tier, tier);
        changes.push(("tier", from.0.to_string(), tier.0.to_string()));
    }
    if let Some(team) = &actions.team {
        let from = ticket
            .team
            .replace(team.clone())
            .map(|t| t.0)
            .unwrap_or_default();
        changes.push(("team", from, team.0.clone()));
    }
    if let Some(agent) = &actions.assign {
        let from = ticket
            .assignee
            .replace(agent.clone())
            .map(|a| a.0)
            .unwrap_or_default();
        changes.push(("assignee", from, agent.0.clone()));
    }
    for tag in &actions.tags {
        if !ticket.tags.contains(tag) {
            ticket.tags.push(tag.clone());
        }
    }
    if actions.acknowledgement.is_some() {
        routed.acknowledgement = actions.acknowledgement.clone();
    }
    step.effects.push(Effect::Record(Happening::Routed {
        rule: rule.id.clone(),
    }));
    for (field, from, to) in changes {
        changed(step, field, from, to, &by);
    }
}

/// The team that takes tickets at a tier: the ticket's own team if it works at that tier,
/// else the first team of that tier in the config.
pub(super) fn team_for_tier<'p>(
    current: Option<&TeamId>,
    tier: Tier,
    policy: &'p Policy,
) -> Option<&'p Team> {
    let own = current
        .and_then(|id| policy.team(id))
        .filter(|t| t.tier == tier);
    own.or_else(|| policy.teams.iter().find(|t| t.tier == tier))
}

/// The present member of a team who gets the next ticket, by the team's assignment.
pub(super) fn pick<'p>(team: &Team, staff: Staff<'_>, policy: &'p Policy) -> Option<&'p Agent> {
    let members = members(team, staff, policy);
    match team.assignment {
        Assignment::None => None,
        // Longest since their last ticket; never given one comes first, then file order.
        Assignment::RoundRobin => members
            .into_iter()
            .min_by_key(|a| staff.load(&a.id).last_assigned.map_or(i64::MIN, |t| t.0)),
        Assignment::LeastOpen => members.into_iter().min_by_key(|a| {
            let load = staff.load(&a.id);
            (load.open, load.last_assigned.map_or(i64::MIN, |t| t.0))
        }),
    }
}

/// Members of a team who are not away.
pub(super) fn members<'p>(team: &Team, staff: Staff<'_>, policy: &'p Policy) -> Vec<&'p Agent> {
    policy
        .agents
        .iter()
        .filter(|a| a.teams.contains(&team.id) && !staff.is_away(a))
        .collect()
}

/// The agents told of a ticket nobody holds: the present members of its team who want
/// notifications, or without a team every present agent of its tier.
pub(super) fn on_duty<'p>(step: &Step, staff: Staff<'_>, policy: &'p Policy) -> Vec<&'p Agent> {
    let team = step
        .ticket
        .team
        .as_ref()
        .and_then(|t| policy.team(t))
        .filter(|t| t.tier == step.ticket.tier);
    match team {
        Some(team) => members(team, staff, policy)
            .into_iter()
            .filter(|a| a.notify)
            .collect(),
        None => policy
            .agents
            .iter()
            .filter(|a| a.tier == step.ticket.tier && a.notify && !staff.is_away(a))
            .collect(),
    }
}

/// Gives the ticket to an agent and records it.
pub(super) fn assign(step: &mut Step, agent: &Agent, by: &str) {
    let from = step
        .ticket
        .assignee
        .replace(agent.id.clone())
        .map(|a| a.0)
        .unwrap_or_default();
    changed(step, "assignee", from, agent.id.0.clone(), by);
}

/// Moves the ticket to a tier and records it.
pub(super) fn set_tier(step: &mut Step, tier: Tier, by: &str) {
    let from = std::mem::replace(&mut step.ticket.tier, tier);
    changed(step, "tier", from.0.to_string(), tier.0.to_string(), by);
}

/// Records a field change (nothing when the value stayed the same).
pub(super) fn changed(step: &mut Step, field: &str, from: String, to: String, by: &str) {
    if from == to {
        return;
    }
    step.effects.push(Effect::Record(Happening::Changed {
        field: field.into(),
        from,
        to,
        by: by.into(),
    }));
}
