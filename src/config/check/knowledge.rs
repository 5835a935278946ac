//! Checks of `[knowledge]`, the articles folder and desks' self-service thresholds.

use super::*;
use crate::config::policy::{Article, KnowledgePolicy};
use crate::types::Language;

/// The default number of similar solved tickets a notification lists.
const DEFAULT_SIMILAR: usize = 3;
/// The default likeness from which a solved ticket is listed.
const DEFAULT_SIMILAR_MIN: f32 = 0.3;

/// `[knowledge]` and the articles, checked; `None` when something is wrong (said).
pub(super) fn check_knowledge(
    raw: raw::Knowledge,
    store_path: Option<&Path>,
    config_dir: &Path,
    problems: &mut Vec<Problem>,
) -> Option<KnowledgePolicy> {
    let before = problems.len();
    let similar_min = raw.similar_min.unwrap_or(DEFAULT_SIMILAR_MIN);
    check_likeness(similar_min, "knowledge.similar_min", problems);
    let index = raw.index.unwrap_or_else(|| {
        store_path
            .and_then(Path::parent)
            .unwrap_or(Path::new(""))
            .join("index")
    });
    let folder = config_dir.join(raw.articles.unwrap_or_else(|| "articles".into()));
    let articles = load_articles(&folder, problems);
    (problems.len() == before).then_some(KnowledgePolicy {
        index,
        similar: raw.similar.unwrap_or(DEFAULT_SIMILAR),
        similar_min,
        articles,
    })
}

/// A likeness threshold: a number from 0 to 1.
pub(super) fn check_likeness(value: f32, key: &str, problems: &mut Vec<Problem>) {
    if !(0.0..=1.0).contains(&value) {
        problems.push(Problem {
            key: key.into(),
            message: format!(
                "{value} is not a likeness from 0 (anything) to 1 (the same words), such as 0.5"
            ),
        });
    }
}

/// The folder of canned replies named by `[knowledge] replies`.
pub(super) fn replies_folder(raw: &raw::Knowledge, config_dir: &Path) -> PathBuf {
    config_dir.join(raw.replies.clone().unwrap_or_else(|| "replies".into()))
}

/// Every `<slug>.<lang>.md` of the folder (none when it does not exist).
fn load_articles(folder: &Path, problems: &mut Vec<Problem>) -> Vec<Article> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    let mut articles = Vec::new();
    for path in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        match read_article(path) {
            Ok(article) => articles.push(article),
            Err(message) => problems.push(Problem {
                key: "knowledge.articles".into(),
                message: format!("{}: {message}", path.display()),
            }),
        }
    }
    articles
}

/// An article file: `# Title`, an optional `keywords:` line, then the body.
fn read_article(path: &Path) -> Result<Article, String> {
    let name = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let Some((slug, code)) = name.rsplit_once('.') else {
        return Err("name it <slug>.<language>.md, such as reset-password.id.md".into());
    };
    let language = Language::parse(code).ok_or_else(|| {
        format!("{code:?} is not a language Loket writes (en or id); name it <slug>.<language>.md")
    })?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut lines = text.lines();
    let title = lines
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or("its first line must be the title, as \"# Reset your password\"")?;
    let rest: Vec<&str> = lines.collect();
    let keyword_line = rest
        .iter()
        .position(|l| l.trim_start().starts_with("keywords:"));
    let keywords = keyword_line
        .map(|at| {
            rest[at].trim_start()["keywords:".len()..]
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let body: Vec<&str> = rest
        .iter()
        .enumerate()
        .filter(|(at, _)| Some(*at) != keyword_line)
        .map(|(_, line)| *line)
        .collect();
    let body = body.join("\n").trim().to_string();
    if body.is_empty() {
        return Err("it has a title but no text".into());
    }
    Ok(Article {
        slug: slug.to_string(),
        language,
        title,
        keywords,
        body,
    })
}
