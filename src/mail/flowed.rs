//! `format=flowed` plain text (RFC 3676), as Thunderbird and Apple Mail send it: a line
//! that ends in a space continues on the next, and a leading space was added to lines
//! that start with a space, `>` or "From ". Undone here, so that a paragraph reads as
//! one line, the way its author typed it.

/// The text with soft line breaks joined and space-stuffing removed; `delete_space` is
/// the `delsp=yes` parameter (the space before a soft break is not part of the text).
pub fn unflow(text: &str, delete_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut paragraph: Option<(usize, String)> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.chars().take_while(|c| *c == '>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        // The signature separator is the one line that ends in a space and is not flowed.
        let soft = content.ends_with(' ') && content != "-- ";
        if paragraph.as_ref().is_some_and(|(d, _)| *d != depth) {
            emit(&mut out, paragraph.take());
        }
        let (_, joined) = paragraph.get_or_insert_with(|| (depth, String::new()));
        match content.strip_suffix(' ') {
            Some(kept) if soft && delete_space => joined.push_str(kept),
            _ => joined.push_str(content),
        }
        if !soft {
            emit(&mut out, paragraph.take());
        }
    }
    emit(&mut out, paragraph);
    out.truncate(out.trim_end_matches('\n').len());
    out
}

fn emit(out: &mut String, paragraph: Option<(usize, String)>) {
    let Some((depth, text)) = paragraph else {
        return;
    };
    if depth > 0 {
        out.push_str(&">".repeat(depth));
        out.push(' ');
    }
    out.push_str(&text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_join_and_stuffing_goes() {
        let text = "Since this morning the \r\nprinter is \r\noffline.\r\n\r\n >not a quote\r\n  indented\r\n> quoted \r\n> on\r\n-- \r\nBudi";
        assert_eq!(
            unflow(text, false),
            "Since this morning the printer is offline.\n\n>not a quote\n indented\n> quoted on\n-- \nBudi"
        );
    }

    #[test]
    fn delsp_removes_the_space_of_the_soft_break() {
        assert_eq!(unflow("Pengi \nriman", true), "Pengiriman");
    }
}
