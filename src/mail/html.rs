//! HTML bodies turned into text a person can read in a plain-text notification: one line
//! per `div` and `br`, a blank line between paragraphs, lists as `* item` / `1. item`,
//! `blockquote` as `> ` lines, no script or style, links as their label.
//!
//! Mail clients wrap the quoted history of an HTML reply in containers of their own. The
//! ones that are not a `blockquote` (Outlook's header block and what follows it, Yahoo's
//! and Samsung's quote, Gmail's quote and signature, Thunderbird's signature) are found in
//! the document before it is rendered; what is left reads like a plain-text reply, and
//! `quote::new_text` finishes the job.

use html2text::render::{TaggedLine, TextDecorator};
use html2text::{Comment, Element, Handle};
use std::rc::Rc;

/// Columns to render at: wide enough that no paragraph is wrapped (the reader's client
/// wraps; a hard wrap here would break every long line in two).
const WIDTH: usize = 100_000;

/// The whole body as text, structure kept (for the stored text and `ticket show`).
pub fn to_text(html: &str) -> String {
    render(html, MailDecorator::default(), |_| {})
}

/// The body as text without the quote containers and signatures of known clients: what
/// the new-text extraction reads for an HTML-only mail.
pub fn without_history(html: &str) -> String {
    render(html, MailDecorator::default(), strip_history)
}

/// Like `to_text` (or, with `history` false, `without_history`), with each picture the
/// mail carries (`<img src="cid:…">`) kept in place as a marker that `pictures` reads: so
/// that the same rules that find the new text tell which pictures belong to it.
pub fn marking_pictures(html: &str, history: bool) -> String {
    let decorator = MailDecorator {
        mark_pictures: true,
    };
    match history {
        true => render(html, decorator, |_| {}),
        false => render(html, decorator, strip_history),
    }
}

/// The Content-IDs of the pictures marked in a text from `marking_pictures`.
pub fn pictures(text: &str) -> Vec<String> {
    text.split(PICTURE)
        .skip(1)
        .step_by(2)
        .map(|id| id.to_ascii_lowercase())
        .collect()
}

/// What brackets a picture's Content-ID in `marking_pictures` (the object replacement
/// character, which no mail text holds for itself).
const PICTURE: char = '\u{fffc}';

fn render(html: &str, decorator: MailDecorator, prune: impl FnOnce(&Handle)) -> String {
    let config = html2text::config::with_decorator(decorator)
        .allow_width_overflow()
        .empty_img_mode(html2text::config::ImageRenderMode::ShowAlways);
    let Ok(dom) = config.parse_html(html.as_bytes()) else {
        return String::new();
    };
    remove_all(&dom.document, &is_invisible);
    prune(&dom.document);
    space_lists_among_paragraphs(&config, &dom.document);
    let text = config
        .dom_to_render_tree(&dom)
        .and_then(|tree| config.render_to_string(tree, WIDTH))
        .unwrap_or_default();
    tidy(&text)
}

/// Non-breaking spaces read as spaces; trailing spaces go; line ends are `\n`.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.replace('\u{a0}', " ").trim_end());
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Removes the quote containers (each with everything inside) and, from a history
/// separator on (Outlook's reply header, Samsung's "original message"), the rest of the
/// document.
fn strip_history(document: &Handle) {
    if let Some(start) = first(document, &starts_history) {
        cut_from(&start);
    }
    remove_all(document, &is_quote_container);
}

/// A list beside a paragraph or another list is set off by blank lines, as a browser's
/// margins show it (html2text puts a blank line only between two paragraphs): each such
/// list is wrapped in a paragraph of its own.
fn space_lists_among_paragraphs<D: TextDecorator>(
    config: &html2text::config::Config<D>,
    node: &Handle,
) {
    let children: Vec<Handle> = node.children.borrow().clone();
    let elements: Vec<&Handle> = children
        .iter()
        .filter(|c| element_name(c).is_some())
        .collect();
    for (at, child) in elements.iter().enumerate() {
        let is_list = matches!(element_name(child).as_deref(), Some("ul" | "ol"));
        let by_paragraph = [at.checked_sub(1), Some(at + 1)]
            .into_iter()
            .flatten()
            .filter_map(|i| elements.get(i))
            .any(|e| matches!(element_name(e).as_deref(), Some("p" | "ul" | "ol")));
        if is_list && by_paragraph {
            if let Some(paragraph) = new_paragraph(config) {
                wrap(node, child, &paragraph);
            }
        }
    }
    for child in &children {
        space_lists_among_paragraphs(config, child);
    }
}

fn element_name(node: &Handle) -> Option<String> {
    match &node.data {
        Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

/// An empty `p` element, made by parsing one (html2text does not let us build nodes).
fn new_paragraph<D: TextDecorator>(config: &html2text::config::Config<D>) -> Option<Handle> {
    let dom = config.parse_html(&b"<p></p>"[..]).ok()?;
    let found = first(&dom.document, &|n| element_name(n).as_deref() == Some("p"))?;
    if let Some(parent) = found.get_parent() {
        parent
            .children
            .borrow_mut()
            .retain(|c| !Rc::ptr_eq(c, &found));
    }
    Some(found)
}

/// Puts `wrapper` where `child` was under `parent`, and `child` inside it.
fn wrap(parent: &Handle, child: &Handle, wrapper: &Handle) {
    let mut children = parent.children.borrow_mut();
    let Some(at) = children.iter().position(|c| Rc::ptr_eq(c, child)) else {
        return;
    };
    children[at] = wrapper.clone();
    wrapper.parent.set(Some(Rc::downgrade(parent)));
    child.parent.set(Some(Rc::downgrade(wrapper)));
    wrapper.children.borrow_mut().push(child.clone());
}

/// Removes every element below `node` that `matches`, with its children.
fn remove_all(node: &Handle, matches: &dyn Fn(&Handle) -> bool) {
    node.children.borrow_mut().retain(|child| !matches(child));
    let children: Vec<Handle> = node.children.borrow().clone();
    for child in &children {
        remove_all(child, matches);
    }
}

/// The first node below `node`, in document order, that `matches`.
fn first(node: &Handle, matches: &dyn Fn(&Handle) -> bool) -> Option<Handle> {
    let children: Vec<Handle> = node.children.borrow().clone();
    for child in children {
        if matches(&child) {
            return Some(child);
        }
        if let Some(found) = first(&child, matches) {
            return Some(found);
        }
    }
    None
}

/// Removes `node` and everything after it in document order.
fn cut_from(node: &Handle) {
    let mut current = node.clone();
    let mut remove_self = true;
    while let Some(parent) = current.get_parent() {
        let mut children = parent.children.borrow_mut();
        if let Some(at) = children.iter().position(|c| Rc::ptr_eq(c, &current)) {
            children.truncate(if remove_self { at } else { at + 1 });
        }
        drop(children);
        remove_self = false;
        current = parent;
    }
}

/// Elements a reader never sees.
fn is_invisible(node: &Handle) -> bool {
    match &node.data {
        Element { name, attrs, .. } => {
            matches!(
                &*name.local,
                "script" | "style" | "head" | "title" | "template"
            ) || attrs
                .borrow()
                .iter()
                .any(|a| &*a.name.local == "style" && squeezed(&a.value).contains("display:none"))
        }
        _ => false,
    }
}

/// Where a client starts the history it puts below the reply.
fn starts_history(node: &Handle) -> bool {
    match &node.data {
        Comment { contents } => contents.trim().eq_ignore_ascii_case("originalMessage"),
        Element { name, attrs, .. } => {
            let attrs = attrs.borrow();
            let attr = |key: &str| {
                attrs
                    .iter()
                    .find(|a| &*a.name.local == key)
                    .map(|a| a.value.to_string())
                    .unwrap_or_default()
            };
            let id = attr("id");
            let style = squeezed(&attr("style"));
            // Outlook desktop, web and mobile: the From/Sent block, or the rule above it.
            id.starts_with("divRplyFwdMsg")
                || id == "appendonsend"
                || (&*name.local == "hr" && (id == "stopSpelling" || style.contains("width:98%")))
                || (&*name.local == "div"
                    && style.contains("border-top:solid")
                    && style.contains("padding:3.0pt"))
        }
        _ => false,
    }
}

/// Containers that hold quoted history or a signature, wherever they are.
fn is_quote_container(node: &Handle) -> bool {
    let Element { attrs, .. } = &node.data else {
        return false;
    };
    let attrs = attrs.borrow();
    attrs.iter().any(|a| {
        let value = a.value.to_ascii_lowercase();
        match &*a.name.local {
            "class" => value.split_whitespace().any(|class| {
                matches!(
                    class,
                    "gmail_quote"
                        | "gmail_quote_container"
                        | "gmail_signature"
                        | "yahoo_quoted"
                        | "moz-signature"
                )
            }),
            "id" => value.starts_with("yahoo_quoted") || value == "composer_signature",
            _ => false,
        }
    })
}

/// A CSS declaration list without spaces, lowercased, for matching.
fn squeezed(style: &str) -> String {
    style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Plain text the way a mail reader expects it: no markup signs except `> ` for quotes
/// and the list bullets.
#[derive(Clone, Copy, Default)]
struct MailDecorator {
    /// Whether pictures the mail carries are kept as markers (`marking_pictures`).
    mark_pictures: bool,
}

impl TextDecorator for MailDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, src: &str, _title: &str) -> (String, ()) {
        let carried = src.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("cid:"));
        if !(self.mark_pictures && carried) {
            return (String::new(), ());
        }
        (format!("{PICTURE}{}{PICTURE}", &src[4..]), ())
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".to_string()
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        *self
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<()>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_structure_is_kept() {
        let html = "<html><head><style>p{color:red}</style><title>t</title></head><body>\
<div>Halo Pak,</div><div><br></div><div>Printer&nbsp;mati lagi.<br>Sudah saya restart.</div>\
<p>Paragraf dua.</p><p>Tiga <b>tebal</b> <a href=\"https://x.example\">tautan</a>.</p>\
<ul><li>satu</li><li>dua</li></ul><ol><li>a</li><li>b</li></ol>\
<script>alert(1)</script><div style=\"display: none\">preheader</div></body></html>";
        assert_eq!(
            to_text(html),
            "Halo Pak,\n\nPrinter mati lagi.\nSudah saya restart.\n\nParagraf dua.\n\n\
Tiga tebal tautan.\n\n* satu\n* dua\n\n1. a\n2. b"
        );
        let among_divs =
            "<div>Tolong pasang:</div><ul><li>printer</li></ul><div>Terima kasih</div>";
        assert_eq!(
            to_text(among_divs),
            "Tolong pasang:\n* printer\nTerima kasih"
        );
    }

    #[test]
    fn blockquote_reads_as_quoted_lines() {
        let html =
            "<div>Jawaban saya.</div><blockquote type=\"cite\"><div>Pertanyaan</div></blockquote>";
        assert_eq!(to_text(html), "Jawaban saya.\n\n> Pertanyaan");
    }

    #[test]
    fn outlook_history_is_cut_from_its_header_block() {
        let html = "<div>Sudah beres, terima kasih.</div>\
<div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\
<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>Dari:</b> Support<br><b>Dikirim:</b> Senin</div>\
<div>Isi lama</div>";
        assert_eq!(without_history(html), "Sudah beres, terima kasih.");
        assert!(to_text(html).contains("Isi lama"));
    }

    #[test]
    fn gmail_and_samsung_containers_are_removed() {
        let gmail = "<div dir=\"ltr\">Done.</div><br><div class=\"gmail_quote\">\
<div class=\"gmail_attr\">On Mon, Support wrote:<br></div><blockquote class=\"gmail_quote\">old</blockquote></div>";
        assert_eq!(without_history(gmail), "Done.");
        let samsung = "<div>Oke</div><div><br></div><div align=\"left\"><div>\
<!-- originalMessage --><div>-------- Pesan asli --------</div><div>Dari: Support</div></div></div>";
        assert_eq!(without_history(samsung), "Oke");
    }
}
