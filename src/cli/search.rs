//! `loket search` and `loket reindex`: tickets and articles found by their words, from
//! the running daemon's index or, when none runs, from the store's index directly
//! (built first when it is missing).

use super::query::{ask, index_here};
use super::{exit, fail, SearchArgs};
use crate::config::Policy;
use crate::daemon::control::{self, Request};
use crate::search::{Cluster, Hit, Query};
use crate::store::Store;

/// Hits shown when `--limit` is not given.
const DEFAULT_LIMIT: usize = 10;

/// Runs `loket search`.
pub(super) fn run(policy: &Policy, args: &SearchArgs) -> u8 {
    if args.cluster {
        return clusters(policy, args);
    }
    let text = args.words.join(" ");
    if text.trim().is_empty() {
        eprintln!("loket: say what to look for: loket search printer lantai 3");
        return exit::USAGE;
    }
    let from = match args.from.as_deref() {
        Some(day) => {
            let calendar = &policy.desk_or_default(args.desk.as_deref()).calendar;
            match super::report::day_start(day, "--from", calendar, 0) {
                Ok(start) => Some(start),
                Err(why) => {
                    eprintln!("loket: {why}");
                    return exit::USAGE;
                }
            }
        }
        None => None,
    };
    let query = Query {
        text,
        desk: args.desk.clone(),
        status: args.status.clone(),
        category: args.category.clone(),
        from,
        limit: args.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let value = match ask(policy, &Request::Search { query }) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::TEMPFAIL),
    };
    if args.json {
        say!(
            "{}",
            serde_json::to_string_pretty(&value["hits"]).expect("JSON values print")
        );
        return 0;
    }
    let hits: Vec<Hit> = serde_json::from_value(value["hits"].clone()).unwrap_or_default();
    if hits.is_empty() {
        eprintln!("loket: nothing found");
        return exit::NO_INPUT;
    }
    for hit in &hits {
        print_hit(hit);
    }
    0
}

fn print_hit(hit: &Hit) {
    let what = match (&hit.ticket, &hit.article) {
        (Some(id), _) => format!("#{id}"),
        (None, Some(article)) => format!("article {article}"),
        (None, None) => "-".into(),
    };
    say!(
        "{what}  {}  [{}]  score {:.2}",
        hit.subject,
        hit.status,
        hit.score
    );
    if !hit.resolution.is_empty() {
        say!("    resolution: {}", hit.resolution);
    }
    if !hit.snippet.is_empty() {
        say!("    {}", hit.snippet);
    }
}

/// How far back `--cluster` looks when `--since` is not given.
const DEFAULT_SINCE: &str = "30d";

/// `loket search --cluster`: the groups, largest first.
fn clusters(policy: &Policy, args: &SearchArgs) -> u8 {
    let since = args.since.as_deref().unwrap_or(DEFAULT_SINCE);
    let span = match humantime::parse_duration(since) {
        Ok(span) => span,
        Err(_) => {
            eprintln!("loket: --since {since}: say how far back, such as 7d or 30d");
            return exit::USAGE;
        }
    };
    let now = crate::clock::Clock::new(&policy.testing).now();
    let from = crate::types::Timestamp(now.0 - span.as_secs() as i64);
    let request = Request::Clusters {
        desk: args.desk.clone(),
        since: from,
    };
    let value = match ask(policy, &request) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::TEMPFAIL),
    };
    if args.json {
        say!(
            "{}",
            serde_json::to_string_pretty(&value["clusters"]).expect("JSON values print")
        );
        return 0;
    }
    let clusters: Vec<Cluster> =
        serde_json::from_value(value["clusters"].clone()).unwrap_or_default();
    if clusters.is_empty() {
        say!("no two tickets opened in the last {since} are about the same thing");
        return 0;
    }
    for cluster in &clusters {
        say!("{}", cluster.line(crate::types::Language::En));
    }
    0
}

/// Runs `loket reindex`: the daemon rebuilds in the background; without a daemon the
/// index is rebuilt here, with its progress on a terminal.
pub(super) fn reindex(policy: &Policy) -> u8 {
    match control::ask(&policy.control_socket, &Request::Reindex) {
        Ok(Some(Ok(_))) => {
            say!("the daemon is building the search index again; `loket search` says when it is ready");
            return 0;
        }
        Ok(Some(Err(e))) => {
            return fail(&anyhow::anyhow!("the daemon answered: {e}"), exit::SOFTWARE)
        }
        Ok(None) => {}
        Err(e) => {
            return fail(
                &anyhow::anyhow!("cannot talk to the daemon: {e}"),
                exit::TEMPFAIL,
            )
        }
    }
    let store = match crate::daemon::open_store(policy) {
        Ok(store) => store,
        Err(e) => return fail(&e, exit::TEMPFAIL),
    };
    rebuild_here(&store, policy)
}

fn rebuild_here(store: &Store, policy: &Policy) -> u8 {
    if let Err(e) = std::fs::remove_dir_all(&policy.knowledge.index) {
        if e.kind() != std::io::ErrorKind::NotFound {
            let why = anyhow::anyhow!("cannot remove {}: {e}", policy.knowledge.index.display());
            return fail(&why, exit::CANT_CREATE);
        }
    }
    match index_here(store, policy) {
        Ok(knowledge) => {
            let entries = knowledge.index().map(|i| i.len()).unwrap_or(0);
            say!("search index built: {entries} tickets and articles");
            0
        }
        Err(e) => fail(&e, exit::SOFTWARE),
    }
}
