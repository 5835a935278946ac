//! The index over the hand-written recall corpus (`tests/data/search-recall.json`):
//! Indonesian and English word forms find their tickets, ranked first.

use super::*;
use crate::types::{Language, TicketId, Timestamp};

#[derive(serde::Deserialize)]
struct Corpus {
    tickets: Vec<CorpusTicket>,
    queries: Vec<CorpusQuery>,
}

#[derive(serde::Deserialize)]
struct CorpusTicket {
    id: u64,
    desk: String,
    subject: String,
    body: String,
    category: Option<String>,
    resolution: Option<String>,
    domain: String,
}

#[derive(serde::Deserialize)]
struct CorpusQuery {
    query: String,
    expect: u64,
}

fn corpus() -> Corpus {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/search-recall.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("corpus")).expect("corpus JSON")
}

fn entry(t: &CorpusTicket) -> Entry {
    let language = if t.desk == "bantuan" {
        Language::Id
    } else {
        Language::En
    };
    Entry {
        source: Source::Ticket(TicketId(t.id)),
        desk: t.desk.clone(),
        language,
        status: if t.resolution.is_some() {
            "resolved"
        } else {
            "open"
        }
        .into(),
        tier: 1,
        category: t.category.clone(),
        domain: t.domain.clone(),
        created: Timestamp(1_700_000_000 + t.id as i64 * 3600),
        updated: Timestamp(1_700_000_000 + t.id as i64 * 3600),
        answers_customers: false,
        subject: t.subject.clone(),
        summary: t.resolution.clone().unwrap_or_default(),
        body: t.body.clone(),
        answer: String::new(),
    }
}

fn built(dir: &std::path::Path, corpus: &Corpus) -> SearchIndex {
    let (index, completeness) = SearchIndex::open(dir).expect("index opens");
    assert_eq!(completeness, Completeness::NeedsBuild);
    {
        let mut writer = index.writer().expect("writer");
        for t in &corpus.tickets {
            writer.put(&entry(t)).expect("put");
        }
        writer.commit(true).expect("commit");
    }
    index
}

#[test]
fn hand_written_queries_find_their_ticket_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus();
    let index = built(dir.path(), &corpus);
    let (mut first, mut top3, mut misses) = (0, 0, Vec::new());
    for q in &corpus.queries {
        let hits = index
            .search(&Query {
                text: q.query.clone(),
                limit: 3,
                ..Query::default()
            })
            .expect("search");
        let ranks: Vec<u64> = hits.iter().filter_map(|h| h.ticket).collect();
        if ranks.first() == Some(&q.expect) {
            first += 1;
        }
        if ranks.contains(&q.expect) {
            top3 += 1;
        } else {
            misses.push(format!("{:?} → {ranks:?}, wanted {}", q.query, q.expect));
        }
    }
    let n = corpus.queries.len() as f64;
    println!(
        "recall corpus: {} queries, precision at 1 = {:.2}, at 3 = {:.2}",
        n,
        first as f64 / n,
        top3 as f64 / n
    );
    assert!(
        corpus.queries.len() >= 20,
        "the corpus has at least 20 queries"
    );
    assert!(
        first as f64 / n >= 0.9,
        "precision at 1 is {first}/{n}; misses: {misses:#?}"
    );
    assert_eq!(
        top3 as f64, n,
        "every answer in the top 3; misses: {misses:#?}"
    );
}

#[test]
fn indonesian_and_english_word_forms_find_the_same_ticket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path(), &corpus());
    let first = |text: &str| {
        index
            .search(&Query {
                text: text.into(),
                limit: 1,
                ..Query::default()
            })
            .expect("search")
            .first()
            .and_then(|h| h.ticket)
    };
    // Ticket 1 says "mencetak" and "cetak"; "pencetakan" and "dicetak" are other forms.
    assert_eq!(first("pencetakan lantai 3"), Some(1));
    assert_eq!(first("kertas dicetak macet"), Some(1));
    let hits = index
        .search(&Query {
            text: "tersangkut".into(),
            limit: 5,
            ..Query::default()
        })
        .expect("search");
    assert!(
        hits.iter().any(|h| h.snippet.contains("*tersangkut*")),
        "the snippet marks the term: {hits:#?}"
    );
}

#[test]
fn filters_narrow_by_desk_status_and_category() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path(), &corpus());
    let all = |query: Query| {
        index
            .search(&Query {
                limit: 100,
                ..query
            })
            .expect("search")
    };
    let english = all(Query {
        text: "printer".into(),
        desk: Some("support".into()),
        ..Query::default()
    });
    assert!(!english.is_empty() && english.iter().all(|h| h.desk == "support"));
    let open = all(Query {
        text: "printer".into(),
        status: Some("open".into()),
        ..Query::default()
    });
    assert!(open.iter().all(|h| h.status == "open"));
    let vpn = all(Query {
        text: "tidak bisa".into(),
        category: Some("network".into()),
        ..Query::default()
    });
    assert!(vpn.iter().all(|h| h.category.as_deref() == Some("network")));
}

#[test]
fn similar_lists_solved_tickets_of_the_desk_and_nothing_for_unrelated_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus();
    let index = built(dir.path(), &corpus);
    let probe = |text: &str| Probe {
        ticket: None,
        desk: "bantuan".into(),
        language: Language::Id,
        text: text.into(),
        category: None,
        domain: "kantor-pusat.co.id".into(),
    };
    let like = index
        .similar(
            &probe("Printer lantai 3 macet lagi, kertasnya tersangkut di dalam"),
            3,
            0.2,
        )
        .expect("similar");
    assert_eq!(like.first().map(|s| s.ticket), Some(1), "{like:#?}");
    assert!(
        like.iter().all(|s| !s.resolution.is_empty()),
        "only solved tickets: {like:#?}"
    );
    let unrelated = index
        .similar(&probe("Undangan ulang tahun kantor hari Jumat"), 3, 0.2)
        .expect("similar");
    assert!(unrelated.is_empty(), "{unrelated:#?}");
}

#[test]
fn clusters_group_the_tickets_about_one_thing_and_leave_the_rest_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (index, _) = SearchIndex::open(dir.path()).expect("index opens");
    let texts = [
        "VPN tidak bisa connect dari rumah, muncul error login gagal",
        "Printer lantai 2 macet, kertas tersangkut",
        "Login VPN gagal terus sejak pagi, error authentication",
        "VPN error waktu login dari laptop, authentication gagal",
        "Minta akses folder keuangan",
        "Tidak bisa login VPN, errornya authentication failed",
        "Kertas printer lantai 5 tersangkut lagi",
    ];
    {
        let mut writer = index.writer().expect("writer");
        for (at, text) in texts.iter().enumerate() {
            let t = CorpusTicket {
                id: at as u64 + 1,
                desk: "bantuan".into(),
                subject: text.split(',').next().unwrap_or(text).into(),
                body: text.to_string(),
                category: None,
                resolution: None,
                domain: "kantor.example".into(),
            };
            writer.put(&entry(&t)).expect("put");
        }
        writer.commit(true).expect("commit");
    }
    let clusters = index
        .clusters(Some("bantuan"), Timestamp(0), None, 0.25)
        .expect("clusters");
    let groups: Vec<&Vec<u64>> = clusters.iter().map(|c| &c.tickets).collect();
    assert_eq!(groups, [&vec![1, 3, 4, 6], &vec![2, 7]], "{clusters:#?}");
    assert!(
        clusters[0].words.contains(&"vpn".to_string()),
        "{clusters:#?}"
    );
    assert_eq!(clusters[0].open, 4);
    assert!(
        clusters[0]
            .line(Language::Id)
            .starts_with("4 tiket (4 terbuka): \"VPN tidak bisa connect dari rumah\" ("),
        "{}",
        clusters[0].line(Language::Id)
    );
}

#[test]
fn command_lines_of_an_agents_note_are_not_its_words() {
    assert_eq!(super::entry::without_commands("#search printer jams\n"), "");
    assert_eq!(
        super::entry::without_commands(
            "#close Ganti toner\n#note Pelanggan VIP\nSudah dicek.\n#bukan perintah"
        ),
        "Pelanggan VIP\nSudah dicek.\n#bukan perintah"
    );
}
