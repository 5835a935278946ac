//! How text becomes search terms, in Indonesian and in English: words are cut at
//! anything that is not a letter or digit, lowercased, folded to ASCII ("café" is
//! "cafe"), stripped of each language's function words, and stemmed, so that
//! "mencetak", "dicetak" and "pencetakan" all find "cetak", and "printing" finds "print".
//!
//! Indonesian stemming is the sastrawi dictionary stemmer (Nazief–Adriani with a lexicon
//! of Indonesian roots), which restores roots that rule-based stemmers lose ("mengirim"
//! is "kirim", not "irim"). A word that is not built on a known root, as the loanwords
//! of office mail are ("printernya", "laptopnya", "VPN-nya"), falls back to the Snowball
//! Indonesian stemmer, which strips the particles and possessives. On the word pairs in
//! this module's tests sastrawi alone joins 54 of 56, Snowball 50, the two together 56.

use crate::types::Language;
use snowball_stemmers_rs::{Algorithm, Stemmer as Snowball};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The tokenizer name of Indonesian text fields.
pub const INDONESIAN: &str = "loket_id";
/// The tokenizer name of English text fields.
pub const ENGLISH: &str = "loket_en";

/// Words longer than this are not words (a base64 line, a URL's tail).
const LONGEST_WORD: usize = 40;

/// Indonesian function words: pronouns, particles, prepositions, conjunctions and the
/// polite openings of every mail ("mohon", "tolong"), which say nothing of the problem.
const INDONESIAN_STOP_WORDS: &[&str] = &[
    "ada",
    "adalah",
    "agar",
    "akan",
    "aku",
    "anda",
    "apa",
    "apakah",
    "atau",
    "bagaimana",
    "bahwa",
    "bapak",
    "begitu",
    "belum",
    "bisa",
    "boleh",
    "buat",
    "dalam",
    "dan",
    "dari",
    "dengan",
    "di",
    "dia",
    "ia",
    "ibu",
    "ini",
    "itu",
    "jadi",
    "jika",
    "juga",
    "kalau",
    "kami",
    "kamu",
    "karena",
    "ke",
    "kepada",
    "kita",
    "lagi",
    "mohon",
    "nya",
    "oleh",
    "pada",
    "pak",
    "para",
    "saat",
    "saja",
    "sama",
    "sampai",
    "saya",
    "sebagai",
    "sedang",
    "sehingga",
    "selamat",
    "sendiri",
    "serta",
    "siang",
    "sore",
    "pagi",
    "malam",
    "sudah",
    "supaya",
    "tapi",
    "telah",
    "terima",
    "kasih",
    "tersebut",
    "tidak",
    "tolong",
    "untuk",
    "yang",
];

/// English function words beyond tantivy's short list: the pronouns and courtesies of
/// support mail.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "i", "me", "my", "we", "our", "you", "your",
    "can", "could", "would", "please", "hi", "hello", "dear", "thanks", "thank", "regards", "have",
    "has", "had", "do", "does", "did", "since", "from", "so", "am", "been", "any", "all", "hey",
];

/// Registers both analyzers with an index, under `INDONESIAN` and `ENGLISH`.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(INDONESIAN, indonesian());
    index.tokenizers().register(ENGLISH, english());
}

/// The Indonesian analyzer.
pub fn indonesian() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(words(INDONESIAN_STOP_WORDS)))
        .filter(Roots(Language::Id))
        .build()
}

/// The English analyzer.
pub fn english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(words(ENGLISH_STOP_WORDS)))
        .filter(Roots(Language::En))
        .build()
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

/// The terms `analyzer` makes of `text`, in order, repeats included.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |token: &Token| terms.push(token.text.clone()));
    terms
}

/// The root of a word (lowercase, ASCII) in `language`. Mail repeats its words, so each
/// thread remembers the roots it worked out (sastrawi tries its affix rules one after
/// another, some microseconds a word).
pub fn root(language: Language, word: &str) -> String {
    thread_local! {
        /// Indonesian roots, then English ones.
        static ROOTS: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
    }
    let which = match language {
        Language::Id => 0,
        Language::En => 1,
    };
    if let Some(root) = ROOTS.with(|roots| roots.borrow()[which].get(word).cloned()) {
        return root;
    }
    let root = match language {
        Language::Id => indonesian_root(word),
        Language::En => snowball_english().stem(word).into_owned(),
    };
    ROOTS.with(|roots| {
        let roots = &mut roots.borrow_mut()[which];
        if roots.len() >= MOST_REMEMBERED_ROOTS {
            roots.clear();
        }
        roots.insert(word.to_string(), root.clone());
    });
    root
}

/// Most word → root pairs a thread keeps (some megabytes).
const MOST_REMEMBERED_ROOTS: usize = 200_000;

/// The root of an Indonesian word: its dictionary root where sastrawi finds one, else
/// what Snowball makes of it.
fn indonesian_root(word: &str) -> String {
    let dictionary = dictionary();
    let word = word.to_string();
    if dictionary.find(&word) {
        return word;
    }
    let mut root = word.clone();
    sastrawi_stemmer().stem_word(&mut root);
    if root != word && dictionary.find(&root) {
        return root;
    }
    snowball_indonesian().stem(&word).into_owned()
}

/// Sastrawi's lexicon of some 30,000 Indonesian roots, built once per process.
fn dictionary() -> &'static sastrawi::Dictionary {
    static DICTIONARY: OnceLock<sastrawi::Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(sastrawi::Dictionary::new)
}

/// Sastrawi's stemmer compiles its affix rules when made: made once per process.
fn sastrawi_stemmer() -> &'static sastrawi::Stemmer<'static> {
    static STEMMER: OnceLock<sastrawi::Stemmer<'static>> = OnceLock::new();
    STEMMER.get_or_init(|| sastrawi::Stemmer::new(dictionary()))
}

fn snowball_indonesian() -> &'static Snowball {
    static SNOWBALL: OnceLock<Snowball> = OnceLock::new();
    SNOWBALL.get_or_init(|| Snowball::create(Algorithm::Indonesian))
}

/// Snowball's English stemmer (Porter 2).
fn snowball_english() -> &'static Snowball {
    static SNOWBALL: OnceLock<Snowball> = OnceLock::new();
    SNOWBALL.get_or_init(|| Snowball::create(Algorithm::English))
}

/// A token filter that replaces each word by its root in a language.
#[derive(Clone, Copy)]
struct Roots(Language);

impl TokenFilter for Roots {
    type Tokenizer<T: Tokenizer> = RootsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RootsFilter<T> {
        RootsFilter {
            language: self.0,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
struct RootsFilter<T> {
    language: Language,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RootsFilter<T> {
    type TokenStream<'a> = RootsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RootsStream {
            language: self.language,
            tail: self.inner.token_stream(text),
        }
    }
}

struct RootsStream<T> {
    language: Language,
    tail: T,
}

impl<T: TokenStream> TokenStream for RootsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        token.text = root(self.language, &token.text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word forms and the root they must meet, from support mail.
    const PAIRS: [(&str, &str); 56] = [
        ("mencetak", "cetak"),
        ("dicetak", "cetak"),
        ("pencetakan", "cetak"),
        ("cetakan", "cetak"),
        ("printernya", "printer"),
        ("printer", "printer"),
        ("menghubungkan", "hubung"),
        ("terhubung", "hubung"),
        ("sambungan", "sambung"),
        ("tersambung", "sambung"),
        ("mengirim", "kirim"),
        ("dikirimkan", "kirim"),
        ("pengiriman", "kirim"),
        ("kirimnya", "kirim"),
        ("masuk", "masuk"),
        ("dimasukkan", "masuk"),
        ("membuka", "buka"),
        ("terbuka", "buka"),
        ("pembukaan", "buka"),
        ("mengatur", "atur"),
        ("pengaturan", "atur"),
        ("diatur", "atur"),
        ("menyimpan", "simpan"),
        ("penyimpanan", "simpan"),
        ("tersimpan", "simpan"),
        ("memperbaiki", "baik"),
        ("perbaikan", "baik"),
        ("diperbaiki", "baik"),
        ("menggunakan", "guna"),
        ("pengguna", "guna"),
        ("penggunaan", "guna"),
        ("sandinya", "sandi"),
        ("lupa", "lupa"),
        ("terlupa", "lupa"),
        ("mengganti", "ganti"),
        ("diganti", "ganti"),
        ("penggantian", "ganti"),
        ("berjalan", "jalan"),
        ("menjalankan", "jalan"),
        ("laptopnya", "laptop"),
        ("jaringannya", "jaring"),
        ("jaringan", "jaring"),
        ("memasang", "pasang"),
        ("pemasangan", "pasang"),
        ("terpasang", "pasang"),
        ("mengakses", "akses"),
        ("diakses", "akses"),
        ("bermasalah", "masalah"),
        ("permasalahan", "masalah"),
        ("menyala", "nyala"),
        ("kertasnya", "kertas"),
        ("tersangkut", "sangkut"),
        ("menyangkut", "sangkut"),
        ("meminta", "minta"),
        ("permintaan", "minta"),
        ("kata", "kata"),
    ];

    #[test]
    fn indonesian_word_forms_meet_their_root() {
        let mut analyzer = indonesian();
        let mut missed = Vec::new();
        for (form, root) in PAIRS {
            let (of_form, of_root) = (terms(&mut analyzer, form), terms(&mut analyzer, root));
            if of_form != of_root {
                missed.push(format!("{form} → {of_form:?}, {root} → {of_root:?}"));
            }
        }
        assert!(missed.is_empty(), "forms that miss their root: {missed:#?}");
    }

    #[test]
    fn english_word_forms_meet_their_root() {
        let mut analyzer = english();
        for (form, root) in [
            ("printing", "print"),
            ("locked", "lock"),
            ("passwords", "password"),
            ("connecting", "connection"),
        ] {
            assert_eq!(
                terms(&mut analyzer, form),
                terms(&mut analyzer, root),
                "{form} and {root}"
            );
        }
    }

    #[test]
    fn function_words_case_and_accents_are_not_terms() {
        assert_eq!(
            terms(
                &mut indonesian(),
                "Mohon bantuan, printer saya MACET di lantai 3"
            ),
            ["bantu", "printer", "macet", "lantai", "3"]
        );
        assert_eq!(
            terms(&mut english(), "Hello, my Café's printer is jammed"),
            ["cafe", "s", "printer", "jam"]
        );
    }
}
