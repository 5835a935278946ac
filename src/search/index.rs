//! The tantivy index on disk: its schema, how entries are written into it, and how it
//! is read (search, similar tickets, the best answer for a customer, clusters).
//!
//! Each title (subject and resolution line) is indexed twice, read as Indonesian and as
//! English, and queries ask both: support mail in Indonesia mixes the two in one
//! sentence ("printernya tidak bisa print"). The long text is read in its desk's
//! language.

use super::analysis::{self, ENGLISH, INDONESIAN};
use super::entry::{Entry, Source};
use crate::types::{Language, TicketId, Timestamp};
use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

/// The version of the schema below: an index of another version is rebuilt.
const SCHEMA: u32 = 3;

/// Memory the writer may fill before it writes a segment.
const WRITER_MEMORY: usize = 32 * 1024 * 1024;

/// What can go wrong with the index. None of it loses anything: the index is rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The folder could not be made or read.
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Results of index operations.
pub type Result<T> = std::result::Result<T, Error>;

/// The fields of the schema.
#[derive(Clone, Copy)]
struct Fields {
    ticket: Field,
    article: Field,
    desk: Field,
    language: Field,
    status: Field,
    tier: Field,
    category: Field,
    domain: Field,
    created: Field,
    updated: Field,
    answers: Field,
    subject: Field,
    summary: Field,
    answer: Field,
    text_id: Field,
    text_en: Field,
    title_id: Field,
    title_en: Field,
    terms: Field,
    title_terms: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |tokenizer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let number = || {
        NumericOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
    };
    let fields = Fields {
        ticket: builder.add_u64_field("ticket", number()),
        article: builder.add_text_field("article", STRING | STORED),
        desk: builder.add_text_field("desk", STRING | STORED | FAST),
        language: builder.add_text_field("language", STRING | STORED),
        status: builder.add_text_field("status", STRING | STORED | FAST),
        tier: builder.add_u64_field("tier", number()),
        category: builder.add_text_field("category", STRING | STORED | FAST),
        domain: builder.add_text_field("domain", STRING | STORED | FAST),
        created: builder.add_i64_field("created", number()),
        updated: builder.add_i64_field("updated", number()),
        answers: builder.add_u64_field("answers", INDEXED | STORED),
        subject: builder.add_text_field("subject", STORED),
        summary: builder.add_text_field("summary", STORED),
        answer: builder.add_text_field("answer", STORED),
        text_id: builder.add_text_field("text_id", analysed(INDONESIAN, true)),
        text_en: builder.add_text_field("text_en", analysed(ENGLISH, true)),
        title_id: builder.add_text_field("title_id", analysed(INDONESIAN, false)),
        title_en: builder.add_text_field("title_en", analysed(ENGLISH, false)),
        terms: builder.add_text_field("terms", STORED),
        title_terms: builder.add_text_field("title_terms", STORED),
    };
    (builder.build(), fields)
}

/// Whether an index on disk holds everything it should, as its last commit says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Built to the end: only the changes since need indexing.
    Complete,
    /// Missing, of another schema, or left half built: it must be built from the store.
    NeedsBuild,
}

/// The search index of one store.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
}

/// The payload of a commit: which schema, and whether the build was finished.
fn payload(complete: bool) -> String {
    serde_json::json!({ "schema": SCHEMA, "complete": complete }).to_string()
}

impl SearchIndex {
    /// Opens the index in `path`, making it (empty) when there is none or when what is
    /// there cannot be read; says whether it must be built.
    pub fn open(path: &Path) -> Result<(SearchIndex, Completeness)> {
        match SearchIndex::open_existing(path) {
            Ok(Some(opened)) => return Ok(opened),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, path = %path.display(), "search index unreadable; building it again")
            }
        }
        if path.exists() {
            std::fs::remove_dir_all(path)?;
        }
        std::fs::create_dir_all(path)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(path, schema)?;
        Ok((
            SearchIndex::with(index, fields, path)?,
            Completeness::NeedsBuild,
        ))
    }

    /// Opens the index in `path` for reading only; `None` when there is none.
    pub fn open_existing(path: &Path) -> Result<Option<(SearchIndex, Completeness)>> {
        if !path.join("meta.json").exists() {
            return Ok(None);
        }
        let index = Index::open_in_dir(path)?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Ok(None);
        }
        let complete = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok())
            .is_some_and(|p| p["schema"] == SCHEMA && p["complete"] == true);
        let completeness = if complete {
            Completeness::Complete
        } else {
            Completeness::NeedsBuild
        };
        Ok(Some((
            SearchIndex::with(index, fields, path)?,
            completeness,
        )))
    }

    fn with(index: Index, fields: Fields, path: &Path) -> Result<SearchIndex> {
        analysis::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            path: path.to_path_buf(),
        })
    }

    /// The folder it lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The one writer of this index (tantivy locks the folder while it lives).
    pub fn writer(&self) -> Result<Writer<'_>> {
        let writer = self.index.writer_with_num_threads(1, WRITER_MEMORY)?;
        Ok(Writer {
            index: self,
            writer,
        })
    }

    /// Sees what was committed since it was opened or last refreshed.
    pub fn refresh(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// How many entries it holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes entries into the index; nothing is seen before `commit`.
pub struct Writer<'a> {
    index: &'a SearchIndex,
    writer: IndexWriter,
}

impl Writer<'_> {
    /// Adds an entry, replacing what the index had of the same ticket or article.
    pub fn put(&mut self, entry: &Entry) -> Result<()> {
        self.remove(&entry.source);
        let f = &self.index.fields;
        let mut doc = TantivyDocument::default();
        match &entry.source {
            Source::Ticket(id) => doc.add_u64(f.ticket, id.0),
            Source::Article { slug, language } => {
                doc.add_text(f.article, article_key(slug, *language));
            }
        }
        doc.add_text(f.desk, &entry.desk);
        doc.add_text(f.language, entry.language.code());
        doc.add_text(f.status, &entry.status);
        doc.add_u64(f.tier, entry.tier);
        if let Some(category) = &entry.category {
            doc.add_text(f.category, category);
        }
        doc.add_text(f.domain, &entry.domain);
        doc.add_i64(f.created, entry.created.0);
        doc.add_i64(f.updated, entry.updated.0);
        doc.add_u64(f.answers, u64::from(entry.answers_customers));
        doc.add_text(f.subject, &entry.subject);
        doc.add_text(f.summary, &entry.summary);
        doc.add_text(f.answer, &entry.answer);
        let title = format!("{}\n{}", entry.subject, entry.summary);
        let text = format!("{title}\n{}", entry.body);
        doc.add_text(f.title_id, &title);
        doc.add_text(f.title_en, &title);
        // The long text is read in its desk's language only (the title in both): reading
        // it twice cost intake a third of its rate.
        doc.add_text(self.index.text_field(entry.language), &text);
        // What likeness compares, worked out once here rather than at each probe.
        doc.add_text(f.terms, distinct_terms(entry.language, &text).join(" "));
        doc.add_text(
            f.title_terms,
            distinct_terms(entry.language, &title).join(" "),
        );
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Removes what the index has of a ticket or article.
    pub fn remove(&mut self, source: &Source) {
        let f = &self.index.fields;
        let term = match source {
            Source::Ticket(id) => Term::from_field_u64(f.ticket, id.0),
            Source::Article { slug, language } => {
                Term::from_field_text(f.article, &article_key(slug, *language))
            }
        };
        self.writer.delete_term(term);
    }

    /// Removes every article (before the config's are put back).
    pub fn remove_articles(&mut self) -> Result<()> {
        let f = &self.index.fields;
        let status = Term::from_field_text(f.status, ARTICLE_STATUS);
        self.writer
            .delete_query(Box::new(TermQuery::new(status, IndexRecordOption::Basic)))?;
        Ok(())
    }

    /// Removes everything (a build from scratch follows).
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes what was written durable and visible; `complete` says the index now holds
    /// the whole store (an interrupted build leaves it `false`, and is built again).
    pub fn commit(&mut self, complete: bool) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload(complete));
        prepared.commit()?;
        self.index.refresh()
    }
}

/// The status an article's entry carries.
pub const ARTICLE_STATUS: &str = "article";

fn article_key(slug: &str, language: Language) -> String {
    format!("{slug}.{}", language.code())
}

/// What to look for, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Query {
    /// The words (tantivy's query syntax: `"paper jam"`, `-toner`, `subject:`…; anything
    /// it cannot read is taken as plain words).
    pub text: String,
    /// Only this desk (articles are on every desk).
    pub desk: Option<String>,
    /// Only this status (`article` for articles only).
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only what was opened at or after this.
    pub from: Option<Timestamp>,
    /// At most this many hits.
    pub limit: usize,
}

/// One ticket or article found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// The ticket's number, for a ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<u64>,
    /// The article's slug and language (`reset-password.id`), for an article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Subject or title.
    pub subject: String,
    /// The ticket's status, or `article`.
    pub status: String,
    /// The desk.
    pub desk: String,
    /// The category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The resolution line (tickets).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
    /// The passage that matched, with the matching words in `*stars*`.
    pub snippet: String,
    /// How well it matched (BM25: higher is better, only comparable within one search).
    pub score: f32,
    /// When it was opened.
    pub created: i64,
}

/// The most characters of a snippet.
const SNIPPET_CHARS: usize = 160;

impl SearchIndex {
    /// Finds what matches `query`, best first.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let words = self.words_query(&query.text);
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            vec![(Occur::Must, words.box_clone())];
        if let Some(desk) = &query.desk {
            let desk_or_article = BooleanQuery::new(vec![
                (Occur::Should, exact(f.desk, desk)),
                (Occur::Should, exact(f.status, ARTICLE_STATUS)),
            ]);
            clauses.push((Occur::Must, Box::new(desk_or_article)));
        }
        if let Some(status) = &query.status {
            clauses.push((Occur::Must, exact(f.status, status)));
        }
        if let Some(category) = &query.category {
            clauses.push((Occur::Must, exact(f.category, category)));
        }
        if let Some(from) = query.from {
            let range = RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.created, from.0)),
                Bound::Unbounded,
            );
            clauses.push((Occur::Must, Box::new(range)));
        }
        let filtered = BooleanQuery::new(clauses);
        let top = searcher.search(
            &filtered,
            &TopDocs::with_limit(query.limit.max(1)).order_by_score(),
        )?;
        let mut snippets_id = SnippetGenerator::create(&searcher, &*words, f.text_id)?;
        let mut snippets_en = SnippetGenerator::create(&searcher, &*words, f.text_en)?;
        snippets_id.set_max_num_chars(SNIPPET_CHARS);
        snippets_en.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let snippets = match Language::parse(&stored(&doc, f.language)) {
                Some(Language::En) => &snippets_en,
                _ => &snippets_id,
            };
            let snippet = snippets.snippet_from_doc(&doc);
            let mut hit = self.hit_of(&doc, score);
            hit.snippet = marked(snippet.fragment(), snippet.highlighted());
            hits.push(hit);
        }
        Ok(hits)
    }

    /// The query of a searcher's words over both readings of title and text.
    fn words_query(&self, text: &str) -> Box<dyn TantivyQuery> {
        let f = &self.fields;
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![f.title_id, f.title_en, f.text_id, f.text_en],
        );
        parser.set_field_boost(f.title_id, 2.0);
        parser.set_field_boost(f.title_en, 2.0);
        let (query, _unreadable) = parser.parse_query_lenient(text);
        query
    }

    fn hit_of(&self, doc: &TantivyDocument, score: f32) -> Hit {
        let f = &self.fields;
        let text = |field| stored(doc, field);
        let category = text(f.category);
        let article = text(f.article);
        Hit {
            ticket: doc.get_first(f.ticket).and_then(|v| v.as_u64()),
            article: (!article.is_empty()).then_some(article),
            subject: text(f.subject),
            status: text(f.status),
            desk: text(f.desk),
            category: (!category.is_empty()).then_some(category),
            resolution: if text(f.status) == ARTICLE_STATUS {
                String::new()
            } else {
                text(f.summary)
            },
            snippet: String::new(),
            score,
            created: doc
                .get_first(f.created)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
        }
    }
}

/// `fragment` with each highlighted range in `*stars*`, on one line.
fn marked(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut from = 0;
    for range in highlighted {
        out.push_str(&fragment[from..range.start]);
        out.push('*');
        out.push_str(&fragment[range.clone()]);
        out.push('*');
        from = range.end;
    }
    out.push_str(&fragment[from..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A term query on an exact (untokenised) field.
fn exact(field: Field, value: &str) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// A new or reopened ticket, as the index is asked about it.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The ticket itself (never its own match).
    pub ticket: Option<TicketId>,
    /// Its desk.
    pub desk: String,
    /// The language its text is in (its desk's).
    pub language: Language,
    /// Subject and new text.
    pub text: String,
    /// Its category, if known (a match in the same one counts more).
    pub category: Option<String>,
    /// The requester's domain (a match from the same organisation counts more).
    pub domain: String,
}

/// A solved ticket like the probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Similar {
    /// Its number.
    pub ticket: u64,
    /// Its subject.
    pub subject: String,
    /// Its resolution line.
    pub resolution: String,
    /// When it was opened.
    pub created: i64,
    /// How alike the two are, from 0 to 1 (see `likeness`).
    pub likeness: f32,
}

/// An answer a customer may get before an agent reads their mail.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Answer {
    /// The article's slug (`None`: a solved ticket's answer).
    pub article: Option<String>,
    /// The ticket it comes from, when it is one.
    pub ticket: Option<u64>,
    /// Its title (article) or subject (ticket).
    pub title: String,
    /// What the customer reads.
    pub text: String,
    /// How well it fits, from 0 to 1 (see `likeness`).
    pub likeness: f32,
}

/// How many candidates BM25 brings before likeness decides.
const CANDIDATES: usize = 10;

/// Most distinct terms of a probe that are asked for.
const PROBE_TERMS: usize = 40;

/// The most bytes of a text read for its terms (they come well before).
const PROBE_TEXT: usize = 2048;

impl SearchIndex {
    /// Up to `limit` solved tickets of the probe's desk most like it, each at least
    /// `min_likeness` alike, most alike first.
    pub fn similar(&self, probe: &Probe, limit: usize, min_likeness: f32) -> Result<Vec<Similar>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        // Nothing solved yet (a new desk, a first import): nothing to look for.
        let solved_anywhere = ["resolved", "closed"]
            .iter()
            .map(|status| searcher.doc_freq(&Term::from_field_text(f.status, status)))
            .sum::<tantivy::Result<u64>>()?;
        if solved_anywhere == 0 {
            return Ok(Vec::new());
        }
        let probe_terms = distinct_terms(probe.language, &probe.text);
        if probe_terms.is_empty() {
            return Ok(Vec::new());
        }
        let solved = BooleanQuery::new(vec![
            (Occur::Should, exact(f.status, "resolved")),
            (Occur::Should, exact(f.status, "closed")),
        ]);
        let idf = self.idf(&searcher, probe.language);
        let mut clauses = vec![
            (
                Occur::Must,
                self.terms_query(probe.language, &rarest(&probe_terms, &idf)),
            ),
            (Occur::Must, exact(f.desk, &probe.desk)),
            (Occur::Must, Box::new(solved) as Box<dyn TantivyQuery>),
        ];
        if let Some(id) = probe.ticket {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.ticket, id.0),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(category) = &probe.category {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(exact(f.category, category), 1.5)),
            ));
        }
        if !probe.domain.is_empty() {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(exact(f.domain, &probe.domain), 1.2)),
            ));
        }
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(CANDIDATES).order_by_score(),
        )?;
        let mut found = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let hit = self.hit_of(&doc, 0.0);
            let likeness = likeness(&probe_terms, &stored_terms(&doc, f.terms), &idf);
            if likeness >= min_likeness {
                found.push(Similar {
                    ticket: hit.ticket.unwrap_or_default(),
                    subject: hit.subject,
                    resolution: hit.resolution,
                    created: hit.created,
                    likeness,
                });
            }
        }
        found.sort_by(|a, b| b.likeness.total_cmp(&a.likeness));
        found.truncate(limit);
        Ok(found)
    }

    /// The article (in the probe's language) or `#kb-candidate` ticket of the probe's
    /// desk whose title and summary fit the probe best, if it fits at least `min_likeness`.
    pub fn best_answer(&self, probe: &Probe, min_likeness: f32) -> Result<Option<Answer>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let probe_terms = distinct_terms(probe.language, &probe.text);
        if probe_terms.is_empty() {
            return Ok(None);
        }
        let article_here = BooleanQuery::new(vec![
            (Occur::Must, exact(f.status, ARTICLE_STATUS)),
            (Occur::Must, exact(f.language, probe.language.code())),
        ]);
        let where_ = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(article_here) as Box<dyn TantivyQuery>,
            ),
            (Occur::Should, exact(f.desk, &probe.desk)),
        ]);
        let answers = TermQuery::new(Term::from_field_u64(f.answers, 1), IndexRecordOption::Basic);
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.terms_query(probe.language, &probe_terms)),
            (Occur::Must, Box::new(answers)),
            (Occur::Must, Box::new(where_)),
        ]);
        let top = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
        let idf = self.idf(&searcher, probe.language);
        let mut best: Option<Answer> = None;
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let hit = self.hit_of(&doc, 0.0);
            let likeness = likeness(&probe_terms, &stored_terms(&doc, f.title_terms), &idf);
            if likeness >= min_likeness && best.as_ref().is_none_or(|b| likeness > b.likeness) {
                best = Some(Answer {
                    article: hit.article.map(|key| {
                        key.rsplit_once('.')
                            .map_or(key.clone(), |(slug, _)| slug.to_string())
                    }),
                    ticket: hit.ticket,
                    title: hit.subject,
                    text: stored(&doc, f.answer),
                    likeness,
                });
            }
        }
        Ok(best)
    }

    /// Any of `terms` in the text field of `language`.
    fn terms_query(&self, language: Language, terms: &[String]) -> Box<dyn TantivyQuery> {
        let field = self.text_field(language);
        let clauses = terms
            .iter()
            .map(|t| {
                let query: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, query)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn text_field(&self, language: Language) -> Field {
        match language {
            Language::Id => self.fields.text_id,
            Language::En => self.fields.text_en,
        }
    }

    /// The inverse document frequency of terms in `language`'s text field, as a lookup.
    fn idf<'s>(&'s self, searcher: &'s Searcher, language: Language) -> Idf<'s> {
        Idf {
            searcher,
            field: self.text_field(language),
            total: searcher.num_docs().max(1) as f32,
            known: std::cell::RefCell::new(HashMap::new()),
        }
    }
}

/// Most terms of a probe that candidates are looked up by: the rarest say most.
const QUERY_TERMS: usize = 16;

/// The `QUERY_TERMS` rarest of `terms` in the index.
fn rarest(terms: &[String], idf: &Idf) -> Vec<String> {
    let mut by_rarity: Vec<(f32, &String)> = terms.iter().map(|t| (idf.of(t), t)).collect();
    by_rarity.sort_by(|a, b| b.0.total_cmp(&a.0));
    by_rarity
        .into_iter()
        .take(QUERY_TERMS)
        .map(|(_, t)| t.clone())
        .collect()
}

/// Inverse document frequencies, read from the index as they are asked for.
struct Idf<'s> {
    searcher: &'s Searcher,
    field: Field,
    total: f32,
    known: std::cell::RefCell<HashMap<String, f32>>,
}

impl Idf<'_> {
    fn of(&self, term: &str) -> f32 {
        if let Some(idf) = self.known.borrow().get(term) {
            return *idf;
        }
        let df = self
            .searcher
            .doc_freq(&Term::from_field_text(self.field, term))
            .unwrap_or(0) as f32;
        // Smoothed so that in a small index (a new desk) one unusual word does not
        // outweigh the words two tickets share.
        let idf = (1.0 + (self.total + 1.0) / (df + 0.5)).ln();
        self.known.borrow_mut().insert(term.to_string(), idf);
        idf
    }
}

/// How alike two texts are, from 0 (no word in common) to 1 (the same words): the
/// Dice coefficient of their distinct terms, each weighted by its rarity, so that
/// sharing "toner" and "lantai" counts and sharing "tolong" does not. Comparable across
/// desks and index sizes, which BM25 scores are not; so it is what thresholds are in.
fn likeness(a: &[String], b: &[String], idf: &Idf) -> f32 {
    let b_set: HashSet<&String> = b.iter().collect();
    let weight = |terms: &[String]| terms.iter().map(|t| idf.of(t)).sum::<f32>();
    let shared: f32 = a
        .iter()
        .filter(|t| b_set.contains(t))
        .map(|t| idf.of(t))
        .sum();
    let total = weight(a) + weight(b);
    if total == 0.0 {
        0.0
    } else {
        2.0 * shared / total
    }
}

/// The first `PROBE_TERMS` distinct terms `language`'s analyzer makes of `text`: what
/// a ticket is about is in its subject and first lines.
fn distinct_terms(language: Language, text: &str) -> Vec<String> {
    let mut analyzer = analyzer_of(language);
    let mut stream = analyzer.token_stream(super::entry::cut(text, PROBE_TEXT));
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    while terms.len() < PROBE_TERMS && stream.advance() {
        let term = &stream.token().text;
        if seen.insert(term.clone()) {
            terms.push(term.clone());
        }
    }
    terms
}

/// The terms stored with an entry (`distinct_terms` of its text or title, at indexing).
fn stored_terms(doc: &TantivyDocument, field: Field) -> Vec<String> {
    stored(doc, field)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn analyzer_of(language: Language) -> TextAnalyzer {
    match language {
        Language::Id => analysis::indonesian(),
        Language::En => analysis::english(),
    }
}

fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Tickets that are about the same thing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    /// The subject of its first ticket, which names what they share.
    pub subject: String,
    /// The words its tickets share most (as the index reads them: stems).
    pub words: Vec<String>,
    /// Its tickets, oldest first.
    pub tickets: Vec<u64>,
    /// How many are not solved yet.
    pub open: usize,
    /// When the first and the last were opened.
    pub first: i64,
    /// When the last was opened.
    pub last: i64,
}

impl Cluster {
    /// The group on one line, as a lead reads it: `4 tickets (3 open): "VPN tidak bisa
    /// connect" (vpn, login, error) #1 #3 #4 #6`.
    pub fn line(&self, language: Language) -> String {
        let numbers: Vec<String> = self.tickets.iter().map(|t| format!("#{t}")).collect();
        let (tickets, open) = match language {
            Language::En => ("tickets", "open"),
            Language::Id => ("tiket", "terbuka"),
        };
        format!(
            "{} {tickets} ({} {open}): \"{}\" ({}) {}",
            self.tickets.len(),
            self.open,
            self.subject,
            self.words.join(", "),
            numbers.join(" ")
        )
    }
}

/// Most tickets a clustering looks at.
const MOST_CLUSTERED: usize = 20_000;

/// How many of a group's latest tickets a newcomer is compared with (besides its first).
const CLUSTER_PEERS: usize = 20;

/// How many words name a cluster.
const CLUSTER_WORDS: usize = 4;

/// One ticket as clustering sees it.
struct Clustered {
    ticket: u64,
    subject: String,
    solved: bool,
    created: i64,
    terms: Vec<String>,
    language: Language,
}

impl SearchIndex {
    /// The tickets opened since `since` (and before `until`, when given) of `desk`, or
    /// every desk, grouped by likeness: each joins the first group with a ticket (its
    /// first, or one of its latest `CLUSTER_PEERS`) it is at least `min_likeness` like.
    /// Groups of two or more, largest first.
    pub fn clusters(
        &self,
        desk: Option<&str>,
        since: Timestamp,
        until: Option<Timestamp>,
        min_likeness: f32,
    ) -> Result<Vec<Cluster>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(f.created, since.0)),
                    until.map_or(Bound::Unbounded, |t| {
                        Bound::Excluded(Term::from_field_i64(f.created, t.0))
                    }),
                )),
            ),
            (Occur::MustNot, exact(f.status, ARTICLE_STATUS)),
        ];
        if let Some(desk) = desk {
            clauses.push((Occur::Must, exact(f.desk, desk)));
        }
        let found = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(MOST_CLUSTERED).order_by_score(),
        )?;
        let mut tickets = Vec::with_capacity(found.len());
        for (_, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            let language = Language::parse(&stored(&doc, f.language)).unwrap_or(Language::En);
            let status = stored(&doc, f.status);
            tickets.push(Clustered {
                ticket: doc
                    .get_first(f.ticket)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default(),
                subject: stored(&doc, f.subject),
                solved: status == "resolved" || status == "closed",
                created: doc
                    .get_first(f.created)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
                terms: stored_terms(&doc, f.terms),
                language,
            });
        }
        tickets.sort_by_key(|t| (t.created, t.ticket));
        let idf_id = self.idf(&searcher, Language::Id);
        let idf_en = self.idf(&searcher, Language::En);
        let idf = |language| match language {
            Language::Id => &idf_id,
            Language::En => &idf_en,
        };
        // Each group: its first ticket's index, then its members' indexes.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (at, ticket) in tickets.iter().enumerate() {
            let like = |other: &Clustered| {
                other.language == ticket.language
                    && likeness(&other.terms, &ticket.terms, idf(ticket.language)) >= min_likeness
            };
            let home = groups.iter_mut().find(|group| {
                let recent = group.iter().rev().take(CLUSTER_PEERS);
                like(&tickets[group[0]]) || recent.into_iter().any(|&m| like(&tickets[m]))
            });
            match home {
                Some(group) => group.push(at),
                None => groups.push(vec![at]),
            }
        }
        let mut clusters: Vec<Cluster> = groups
            .into_iter()
            .filter(|group| group.len() >= 2)
            .map(|group| {
                let members: Vec<&Clustered> = group.iter().map(|&at| &tickets[at]).collect();
                Cluster {
                    subject: members[0].subject.clone(),
                    words: shared_words(&members, idf(members[0].language)),
                    tickets: members.iter().map(|t| t.ticket).collect(),
                    open: members.iter().filter(|t| !t.solved).count(),
                    first: members[0].created,
                    last: members[members.len() - 1].created,
                }
            })
            .collect();
        clusters.sort_by(|a, b| {
            b.tickets
                .len()
                .cmp(&a.tickets.len())
                .then(a.first.cmp(&b.first))
        });
        Ok(clusters)
    }
}

/// The words most of a group's tickets share: the most shared first, the rarest in the
/// index first among equals.
fn shared_words(members: &[&Clustered], idf: &Idf) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for member in members {
        for term in &member.terms {
            *counts.entry(term.as_str()).or_default() += 1;
        }
    }
    let mut words: Vec<(&str, usize, f32)> = counts
        .into_iter()
        .filter(|(_, count)| *count * 2 >= members.len())
        .map(|(term, count)| (term, count, idf.of(term)))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(b.0)));
    words
        .into_iter()
        .take(CLUSTER_WORDS)
        .map(|(t, _, _)| t.to_string())
        .collect()
}
