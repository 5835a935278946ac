import os, sys, collections
sys.path.insert(0, os.path.dirname(__file__))
import lib
from cases import CASES

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith((".eml", ".expected")):
        os.remove(os.path.join(OUT, f))

seen = set()
for c in CASES:
    assert c.n not in seen, c.n
    seen.add(c.n)
    raw = lib.BUILDERS[c.client](c)
    if c.crlf:
        raw = raw.replace("\r\n", "\n").replace("\n", "\r\n")
    name = f"{c.n:02d}-{c.label}-{c.shape}-{c.lang}"
    c.name = name
    with open(os.path.join(OUT, name + ".eml"), "w", encoding="utf-8", newline="") as f:
        f.write(raw)
    exp = lib.normalise(lib.expected_from(c))
    with open(os.path.join(OUT, name + ".expected"), "w", encoding="utf-8", newline="\n") as f:
        f.write(exp + ("\n" if exp else ""))
print(len(CASES), "cases written")

# ------------------------------------------------------------------ README --
CLIENT_NAMES = [
    ("gmail", "Gmail web"), ("gmailandroid", "Gmail for Android"),
    ("outlook", "Outlook for Windows (classic Word editor, plain-text compose, new Outlook)"),
    ("owa", "Outlook on the web (OWA)"), ("outlookios", "Outlook for iOS"),
    ("outlookandroid", "Outlook for Android"), ("applemail", "Apple Mail (macOS)"),
    ("iphone", "iPhone / iPad Mail"), ("thunderbird", "Thunderbird (plain format=flowed and HTML)"),
    ("yahoo", "Yahoo Mail web"), ("yahooandroid", "Yahoo Mail for Android"),
    ("samsung", "Samsung Email"), ("mutt", "mutt / NeoMutt"),
]
counts = collections.OrderedDict((k, collections.Counter()) for k, _ in CLIENT_NAMES)
for c in CASES:
    counts[c.label][c.lang] += 1

def mime_shape(c):
    if c.client in ("thunderbird", "outlookplain", "mutt"):
        return "text/plain"
    if c.client in ("tbhtml", "samsung", "yahooandroid") or getattr(c, "html_only", False):
        return "text/html"
    return "multipart/alternative"

rows = []
for c in CASES:
    rows.append(f"| {c.n:02d} | {c.label} | {c.shape} | {c.lang} | {mime_shape(c)} |")
tot_en = sum(v["en"] for v in counts.values())
tot_id = sum(v["id"] for v in counts.values())
readme = f"""# Reply corpus: new text of real-client replies

This folder holds {len(CASES)} reply mails as real mail clients send them (Gmail web and Android, Outlook for Windows, Outlook on the web, Outlook for iOS and Android, Apple Mail, iPhone Mail, Thunderbird, Yahoo web and Android, Samsung Email, mutt), {tot_id} of them in Indonesian and {tot_en} in English, each paired with the text the person actually wrote in that reply. Each case is two files with the same stem `NN-client-shape-lang`: `NN-client-shape-lang.eml` is the complete RFC 5322 message (headers, MIME structure and transfer encoding exactly as the client produces them: multipart/alternative, HTML-only or plain-only, quoted-printable, base64, 7bit or 8bit, `format=flowed`, CRLF or LF line endings), and `NN-client-shape-lang.expected` is the expected new text in UTF-8 with LF line endings: what the person wrote (greeting, body, command lines, pasted output, bottom-posted or interleaved answers in order), without the quoted history, the reply or forward header, the closing and the name, title and contact lines after it, `-- ` signatures, mobile footers and confidentiality disclaimers; an empty `.expected` file means the reply holds nothing but the quote. When a mail has both text/plain and text/html, the expected text is the person's text as it appears in the text/plain part (the HTML part says the same thing); for an HTML-only mail it is the rendered text, with `<div>` and `<br>` ending a line, `<p>` as a paragraph separated by one blank line, `<div><br></div>` as a blank line, `&nbsp;` as a space, list items as `* item` or `1. item`, no markup, link labels only, and nothing of `<style>` or `<script>`; a `format=flowed` part counts after RFC 3676 decoding. Before comparing, a test normalises both sides the same way: each line is right-trimmed, runs of blank lines are collapsed to one, and leading and trailing blank lines are removed.

## Cases by client and language

| client | what it is | en | id | total |
|---|---|---:|---:|---:|
""" + "\n".join(f"| {k} | {name} | {counts[k]['en']} | {counts[k]['id']} | {counts[k]['en'] + counts[k]['id']} |" for k, name in CLIENT_NAMES) + f"""
| **all** | | **{tot_en}** | **{tot_id}** | **{len(CASES)}** |

## Every case

| NN | client | shape | lang | MIME |
|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
    f.write(readme)
print({k: dict(v) for k, v in counts.items()}, tot_en, tot_id)
