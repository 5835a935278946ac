"""Builders that write reply mails the way real mail clients format them.

Each builder takes a case (a SimpleNamespace) and returns the raw message text
(LF line endings; the caller converts to CRLF when the case asks for it).
"""
import base64
import datetime as dt
import email.utils
import html as _html
import quopri
import random
import re
import uuid

WIB = dt.timezone(dt.timedelta(hours=7))
WITA = dt.timezone(dt.timedelta(hours=8))
UTC = dt.timezone.utc

DAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY3 = [d[:3] for d in DAY]
MONTH = ["January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"]
MON3 = [m[:3] for m in MONTH]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
HARI3 = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]
BULAN3 = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]

SUPPORT = ("Support", "support@example.com")


# ---------------------------------------------------------------- lines ----

class L:
    """A line whose HTML differs from its plain text (links, bold, ...)."""

    def __init__(self, plain, html):
        self.plain = plain
        self.html = html


def pl(x):
    return x.plain if isinstance(x, L) else x


def esc(s):
    s = _html.escape(s, quote=False)
    m = re.match(r"^( +)", s)
    if m:
        n = len(m.group(1))
        s = "".join("&nbsp;" if i % 2 == 0 else " " for i in range(n)) + s[n:]
    while "  " in s:
        s = s.replace("  ", " &nbsp;")
    return s


def hl(x):
    return x.html if isinstance(x, L) else esc(x)


def plains(lines):
    return [pl(x) for x in lines]


# ----------------------------------------------------------- encodings ----

def qp(text, charset="utf-8"):
    data = text.encode(charset)
    out = quopri.encodestring(data, quotetabs=False).decode("ascii")
    return out


def b64(text, charset="utf-8"):
    data = text.replace("\n", "\r\n").encode(charset)
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def is_ascii(s):
    try:
        s.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False


def part(ctype, charset, text, cte, extra=""):
    """A MIME body part (headers + encoded body)."""
    cs = f'; charset="{charset}"' if charset else ""
    if cte == "quoted-printable":
        body = qp(text, charset)
    elif cte == "base64":
        body = b64(text, charset)
    else:
        body = text
    head = f"Content-Type: {ctype}{cs}{extra}\n"
    if cte:
        head += f"Content-Transfer-Encoding: {cte}\n"
    if not body.endswith("\n"):
        body += "\n"
    return head, body


def multipart(boundary, parts, preamble=""):
    out = preamble
    for head, body in parts:
        out += f"--{boundary}\n{head}\n{body}"
    out += f"--{boundary}--\n"
    return out


def fmt_addr(na, quoted=False):
    name, a = na
    if not name:
        return a
    if quoted or re.search(r'[,.;:@()]', name):
        return f'"{name}" <{a}>'
    return f"{name} <{a}>"


def headers(pairs):
    return "".join(f"{k}: {v}\n" for k, v in pairs)


def rfc_date(d):
    return email.utils.format_datetime(d)


# ----------------------------------------------------------- ids -----------

def rng(c, salt=""):
    return random.Random(f"{c.n}-{salt}")


def gmail_id(c):
    r = rng(c, "gm")
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-="
    return "<CA" + "".join(r.choice(alpha) for _ in range(48)) + "@mail.gmail.com>"


def m365_id(c, prefix="SG2PR04MB"):
    r = rng(c, "ms")
    num = r.randint(1000, 9999)
    hexs = "".join(r.choice("0123456789ABCDEF") for _ in range(30))
    return f"<{prefix}{num}{hexs}@{prefix}{num}.apcprd{prefix[5:7]}.prod.outlook.com>"


def outlook_smtp_id(c, domain):
    r = rng(c, "ol")
    h = lambda n: "".join(r.choice("0123456789abcdef") for _ in range(n))
    return f"<{h(12)}${h(8)}${h(8)}$@{domain}>"


def uuid_id(c, domain, upper=True):
    u = str(uuid.UUID(int=rng(c, "uu").getrandbits(128), version=4))
    return f"<{u.upper() if upper else u}@{domain}>"


def yahoo_id(c):
    r = rng(c, "y")
    return f"<{r.randint(10**8, 10**9)}.{r.randint(10**6, 10**7)}.{int(c.date.timestamp() * 1000)}@mail.yahoo.com>"


def samsung_id(c):
    r = rng(c, "s")
    alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "<" + "".join(r.choice(alpha) for _ in range(24)) + f".{int(c.date.timestamp())}@email.android.com>"


def mutt_id(c, host):
    r = rng(c, "mu")
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "<" + "".join(r.choice(alpha) for _ in range(16)) + f"@{host}>"


def thread_index(c):
    r = rng(c, "ti")
    return base64.b64encode(bytes(r.getrandbits(8) for _ in range(27))).decode()


def refs(c):
    parent = f"<loket.{c.n}.{c.parent}.0@example.com>"
    chain = " ".join(f"<loket.{c.n}.{k}.0@example.com>" for k in range(1, c.parent + 1))
    return parent, chain


def subject(c, prefix="Re: "):
    return f"{prefix}{c.topic} [HD #{c.n}]"


def boundary_hex(c, n=28):
    r = rng(c, "b")
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


# --------------------------------------------------------- dates ----------

def h12(d, secs=False):
    h = d.hour % 12 or 12
    s = f":{d.second:02d}" if secs else ""
    return f"{h}:{d.minute:02d}{s} {'AM' if d.hour < 12 else 'PM'}"


def hm(d, sep=":"):
    return f"{d.hour:02d}{sep}{d.minute:02d}"


def attribution(kind, lang, q):
    """The attribution line a client writes above a quote (plain text)."""
    d, name, a = q.date, q.frm[0], q.frm[1]
    wd, mo = d.weekday(), d.month - 1
    if kind == "gmail":
        if lang == "id":
            return f"Pada tanggal {HARI3[wd]}, {d.day} {BULAN3[mo]} {d.year} pukul {hm(d, '.')} {name} <{a}> menulis:"
        return f"On {DAY3[wd]}, {MON3[mo]} {d.day}, {d.year} at {h12(d)} {name} <{a}> wrote:"
    if kind == "gmailandroid":
        if lang == "id":
            return f"Pada {HARI3[wd]}, {d.day} {BULAN3[mo]} {d.year} {hm(d, '.')}, {name} <{a}> menulis:"
        return f"On {DAY3[wd]}, {d.day} {MON3[mo]} {d.year}, {hm(d)} {name}, <{a}> wrote:"
    if kind == "apple":
        if lang == "id":
            return f"Pada {d.day} {BULAN3[mo]} {d.year}, pukul {hm(d, '.')}, {name} <{a}> menulis:"
        return f"On {d.day} {MON3[mo]} {d.year}, at {hm(d)}, {name} <{a}> wrote:"
    if kind == "apple-us":
        return f"On {MON3[mo]} {d.day}, {d.year}, at {h12(d)}, {name} <{a}> wrote:"
    if kind == "tb":
        if lang == "id":
            return f"Pada {d.day:02d}/{d.month:02d}/{d.year % 100:02d} {hm(d, '.')}, {name} menulis:"
        return f"On {d.day:02d}/{d.month:02d}/{d.year} {hm(d)}, {name} wrote:"
    if kind == "tb-us":
        return f"On {d.month}/{d.day}/{d.year % 100:02d} {h12(d)}, {name} wrote:"
    if kind == "yahoo":
        hh = d.hour % 12 or 12
        if lang == "id":
            return (f"Pada {HARI[wd]}, {d.day} {BULAN[mo]} {d.year} {d.hour:02d}.{d.minute:02d}.{d.second:02d} "
                    f"GMT+7, {name} <{a}> menulis:")
        return (f"On {DAY[wd]}, {MONTH[mo]} {d.day}, {d.year}, {hh:02d}:{d.minute:02d}:{d.second:02d} "
                f"{'AM' if d.hour < 12 else 'PM'} GMT+7, {name} <{a}> wrote:")
    if kind == "mutt":
        return f"* {name} <{a}> [{d.year}-{d.month:02d}-{d.day:02d} {hm(d)}]:"
    if kind == "mutt-default":
        hh = d.hour % 12 or 12
        return (f"On {DAY3[wd]}, {MON3[mo]} {d.day:02d}, {d.year} at {hh:02d}:{d.minute:02d}:{d.second:02d}"
                f"{'AM' if d.hour < 12 else 'PM'} +0700, {name} wrote:")
    raise ValueError(kind)


def outlook_date(d, lang, secs=False):
    wd, mo = d.weekday(), d.month - 1
    if lang == "id":
        s = f".{d.second:02d}" if secs else ""
        return f"{HARI[wd]}, {d.day} {BULAN[mo]} {d.year} {hm(d, '.')}{s}"
    return f"{DAY[wd]}, {MONTH[mo]} {d.day}, {d.year} {h12(d, secs)}"


def outlook_labels(lang, variant=""):
    if lang == "id":
        return ("Dari", "Dikirim", "Kepada", "Cc", "Perihal" if variant == "perihal" else "Subjek")
    return ("From", "Sent", "To", "Cc", "Subject")


def gmail_wrap(s, width=76):
    """Gmail's text/plain wraps the attribution at spaces, or just after a '<'."""
    if len(s) <= width:
        return [s]
    cands = [i + 1 for i, ch in enumerate(s[:width + 1]) if ch == " "]
    cands += [i + 1 for i, ch in enumerate(s[:width]) if ch == "<"]
    pos = max(cands)
    return [s[:pos].rstrip(" ")] + gmail_wrap(s[pos:])


def mailto(a):
    return f'<a href="mailto:{a}">{a}</a>'


def attribution_html(plain, q, link=True):
    name, a = q.frm
    s = esc(plain)
    if link:
        s = s.replace(f"&lt;{a}&gt;", f"&lt;{mailto(a)}&gt;")
    return s


# ------------------------------------------------------ quoting helpers ---

def gt(lines, empty=">"):
    return [f"> {x}" if x else empty for x in lines]


def flow_wrap(line, width=72, prefix=""):
    """format=flowed: soft-wrap a long line, each piece but the last ends with a space."""
    if len(prefix) + len(line) <= width:
        return [prefix + line]
    out, cur = [], ""
    for w in line.split(" "):
        if cur and len(prefix) + len(cur) + len(w) + 1 > width:
            out.append(prefix + cur + " ")
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(prefix + cur)
    return out


def stuff(line):
    if line.startswith((" ", ">", "From ")):
        return " " + line
    return line


def flowed_new(lines):
    out = []
    for x in lines:
        x = x.rstrip(" ")
        if x == "-- ":
            out.append(x)
            continue
        for piece in flow_wrap(x):
            out.append(stuff(piece))
    return out


def flowed_quote(lines):
    out = []
    for x in lines:
        if not x:
            out.append(">")
            continue
        if x.startswith(">"):
            out.extend(flow_wrap(x, prefix=">"))
        else:
            out.extend(flow_wrap(x, prefix="> "))
    return out


def expected_from(c):
    if getattr(c, "expected", None) is not None:
        return c.expected
    if c.flow:
        blocks = []
        for kind, lines in c.flow:
            if kind == "n":
                blocks.append("\n".join(plains(lines)))
        return "\n\n".join(blocks)
    return "\n".join(plains(c.body))


def normalise(text):
    lines = [x.rstrip() for x in text.replace("\r\n", "\n").split("\n")]
    out = []
    for x in lines:
        if x == "" and (not out or out[-1] == ""):
            continue
        out.append(x)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def blocks_plain(c, quote_fn, attr_lines, closing_gap=True):
    """Plain text for a flow (bottom-posted or interleaved) case."""
    out = []
    first_q = True
    for kind, lines in c.flow:
        if out and out[-1] != "":
            out.append("")
        if kind == "q":
            if first_q:
                out.extend(attr_lines)
                first_q = False
            out.extend(quote_fn(lines))
        else:
            out.extend(plains(lines))
    return out


# ============================================================ builders ====

def top_plain_parts(c):
    """body, closing and contact lines as plain lists."""
    return plains(c.body), plains(c.tail or []), plains(c.sig or []), plains(c.disc or [])


# ------------------------------------------------------------------ gmail --

GMAIL_BQ = 'style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"'
GMAIL_BQ_ANDROID = 'style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex"'


def gmail_divs(lines, d='', first_bare=True):
    da = f" {d}" if d else ""
    out = []
    for i, x in enumerate(lines):
        h = hl(x)
        if i == 0 and first_bare and h:
            out.append(h)
        elif h == "":
            out.append(f"<div{da}><br></div>")
        else:
            out.append(f"<div{da}>{h}</div>")
    return "".join(out)


def build_gmail(c, android=False):
    kind = "gmailandroid" if android else "gmail"
    q = c.q
    attr = attribution(kind, c.lang if not getattr(c, "ui_lang", None) else c.ui_lang, q)
    attr_plain = gmail_wrap(attr)
    d = 'dir="auto"' if android else ""
    bq = GMAIL_BQ_ANDROID if android else GMAIL_BQ
    fwd = getattr(c, "forward", None)

    # ---- plain
    if c.flow:
        P = blocks_plain(c, lambda ls: gt(ls), attr_plain + [""])
    else:
        body, tail, sig, disc = top_plain_parts(c)
        P = list(body)
        if tail:
            P += [""] + tail
        if sig:
            P += ["", "-- "] + sig
        if fwd:
            P += ["", "---------- Forwarded message ---------"] + fwd["head"] + ["", ""] + fwd["lines"]
        else:
            P += ["", ""] + attr_plain + [""] + gt(q.lines)
    plain = "\n".join(P) + "\n"
    if not c.body and not c.flow:
        plain = "\n" + plain

    # ---- html
    quote_html = "<br>".join(hl(x) for x in q.lines) + "<br>" if q else ""
    attr_h = attribution_html(attr, q) if q else ""
    if c.flow:
        inner = []
        first_q = True
        top = ""
        for i, (k, lines) in enumerate(c.flow):
            if k == "q":
                h = "<br>".join(hl(x) for x in lines) + "<br>"
                pre = ""
                if first_q:
                    pre = f'<div dir="ltr" class="gmail_attr">{attr_h}<br></div>'
                    first_q = False
                inner.append(f'{pre}<blockquote class="gmail_quote" {bq}>{h}</blockquote>')
            else:
                if i == 0:
                    top = gmail_divs(lines, d)
                else:
                    inner.append(f"<div><br></div>{gmail_divs(lines, d, first_bare=False)}<div><br></div>")
        outer = top if top else "<br>"
        html = (f'<div dir="{"auto" if android else "ltr"}">{outer}</div><br>'
                f'<div class="gmail_quote gmail_quote_container">{"".join(inner)}</div>\n')
    else:
        body_h = getattr(c, "html_body", None) or (gmail_divs(c.body, d) if c.body else "<br>")
        if c.tail:
            body_h += f"<div{' ' + d if d else ''}><br></div>" + gmail_divs(c.tail, d, first_bare=False)
        sig_h = ""
        if c.sig:
            sig_h = ('<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br>'
                     '<div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">'
                     + gmail_divs(c.sig) + "</div></div>")
        if fwd:
            quote = ('<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
                     '---------- Forwarded message ---------<br>' + "<br>".join(fwd["head_html"]) +
                     '<br></div><br><br>' + gmail_divs(fwd["lines"], 'dir="ltr"', first_bare=False) + '</div>')
        else:
            quote = (f'<div class="{"gmail_quote" if android else "gmail_quote gmail_quote_container"}"><div dir="ltr" class="gmail_attr">{attr_h}<br></div>'
                     f'<blockquote class="gmail_quote" {bq}>{quote_html}</blockquote></div>')
        html = f'<div dir="{"auto" if android else "ltr"}">{body_h}{sig_h}</div><br>{quote}\n'

    b = "000000000000" + boundary_hex(c, 16)
    pcte = None if (is_ascii(plain) and max(len(x) for x in plain.split("\n")) <= 76) else "quoted-printable"
    parts = [part("text/plain", "UTF-8", plain, pcte),
             part("text/html", "UTF-8", html, "quoted-printable")]
    parent, chain = refs(c)
    irt = fwd["msgid"] if fwd else parent
    hs = [("MIME-Version", "1.0"), ("References", fwd["msgid"] if fwd else chain), ("In-Reply-To", irt),
          ("From", fmt_addr(c.frm)), ("Date", rfc_date(c.date)), ("Message-ID", gmail_id(c)),
          ("Subject", subject(c, "Fwd: " if fwd else "Re: ")), ("To", fmt_addr(c.to)),
          ("Content-Type", f'multipart/alternative; boundary="{b}"')]
    return headers(hs) + "\n" + multipart(b, parts)


def build_gmailandroid(c):
    return build_gmail(c, android=True)


# --------------------------------------------------------- outlook word ---

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; charset={charset}"><meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--
/* Font Definitions */
@font-face
	{{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}}
@font-face
	{{font-family:Calibri;
	panose-1:2 15 5 2 2 2 4 3 2 4;}}
@font-face
	{{font-family:Aptos;}}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{margin:0cm;
	font-size:11.0pt;
	font-family:"Aptos",sans-serif;
	mso-ligatures:standardcontextual;}}
a:link, span.MsoHyperlink
	{{mso-style-priority:99;
	color:#467886;
	text-decoration:underline;}}
span.EmailStyle20
	{{mso-style-type:personal-reply;
	font-family:"Aptos",sans-serif;
	color:windowtext;}}
.MsoChpDefault
	{{mso-style-type:export-only;
	font-size:10.0pt;
	mso-ligatures:none;}}
@page WordSection1
	{{size:612.0pt 792.0pt;
	margin:72.0pt 72.0pt 72.0pt 72.0pt;}}
div.WordSection1
	{{page:WordSection1;}}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]--></head>"""


def mso_p(x, style=None, lang_attr=""):
    h = hl(x)
    if h == "":
        return "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
    if style:
        h = f"<span {lang_attr}style='{style}'>{h}</span>" if lang_attr else f"<span style='{style}'>{h}</span>"
    return f"<p class=MsoNormal>{h}<o:p></o:p></p>"


def outlook_header_plain(c, lang, mobile=False, variant=""):
    q = c.q
    fl, sl, tl, cl, subl = outlook_labels(lang, variant)
    to = q.to or c.frm
    frm = f"{q.frm[0]} [mailto:{q.frm[1]}]" if getattr(c, "mailto_style", False) else f"{q.frm[0]} <{q.frm[1]}>"
    lines = [f"{fl}: {frm}" + ("" if mobile else " "),
             f"{sl}: {outlook_date(q.date, lang, secs=mobile)}",
             f"{tl}: {to[0]} <{to[1]}>"]
    if q.cc:
        lines.append(f"{cl}: {q.cc}")
    lines.append(f"{subl}: {q.subject or subject(c)}")
    return lines


def build_outlook(c):
    """Classic Outlook for Windows (Word editor), HTML reply: multipart/alternative."""
    lang = getattr(c, "ui_lang", None) or c.lang
    charset = getattr(c, "charset", None) or "us-ascii"
    body, tail, sig, disc = top_plain_parts(c)
    hdr = outlook_header_plain(c, lang, variant=getattr(c, "label_variant", ""))
    fwd = getattr(c, "forward", None)
    qlines = fwd["lines"] if fwd else c.q.lines
    P = list(body)
    for blk in (tail, disc):
        if blk:
            P += [""] + blk
    P += ["", ""] + hdr + [""] + plains(qlines)
    after = plains(getattr(c, "after_quote", None) or [])
    if after:
        P += ["", ""] + after
    plain = "\n".join(P) + "\n"

    lang_attr = "lang=IN " if lang == "id" else "lang=EN-US "
    hb = [mso_p(x) for x in c.body]
    if c.tail:
        hb.append(mso_p(""))
        for i, x in enumerate(c.tail):
            if i == 0:
                hb.append(mso_p(x))
            elif i == 1 and x:
                hb.append(f"<p class=MsoNormal><b><span style='color:#1F3864'>{hl(x)}</span></b><o:p></o:p></p>")
            else:
                hb.append(mso_p(x, "font-size:10.0pt;color:#1F3864"))
    if c.disc:
        hb.append(mso_p(""))
        hb += [mso_p(x, "font-size:8.0pt;color:gray") for x in c.disc]
    hb.append(mso_p(""))
    fl, sl, tl, cl, subl = outlook_labels(lang, getattr(c, "label_variant", ""))
    q = c.q
    to = q.to or c.frm
    cc_h = f"<br><b>{cl}:</b> {esc(q.cc)}" if q.cc else ""
    hb.append("<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
              f"<p class=MsoNormal><b><span {lang_attr}style='font-size:11.0pt;font-family:\"Calibri\",sans-serif'>{fl}:</span></b>"
              f"<span {lang_attr}style='font-size:11.0pt;font-family:\"Calibri\",sans-serif'> {esc(q.frm[0])} " + (f"[mailto:{esc(q.frm[1])}] <br>" if getattr(c, "mailto_style", False) else f"&lt;{esc(q.frm[1])}&gt; <br>") +
              f"<b>{sl}:</b> {outlook_date(q.date, lang)}<br><b>{tl}:</b> {esc(to[0])} &lt;{esc(to[1])}&gt;{cc_h}<br>"
              f"<b>{subl}:</b> {esc(q.subject or subject(c))}<o:p></o:p></span></p></div></div>")
    hb.append(mso_p(""))
    hb += [mso_p(x) for x in qlines]
    if after:
        hb.append(mso_p(""))
        hb += [mso_p(x, "font-size:7.5pt;color:#7F7F7F") for x in after]
    html_cs = {"us-ascii": "us-ascii", "iso-8859-1": "iso-8859-1", "windows-1252": "Windows-1252", "utf-8": "utf-8"}[charset]
    html = (WORD_HEAD.format(charset=html_cs) +
            f"<body {lang_attr}link=\"#467886\" vlink=\"#96607D\" style='word-wrap:break-word'><div class=WordSection1>"
            + "\n".join(hb) + "\n</div></body></html>\n")

    exchange = getattr(c, "exchange", True)
    parent, chain = refs(c)
    pref = "FW: " if fwd else "RE: "
    if exchange:
        mid = m365_id(c, getattr(c, "tenant", "SG2PR04MB"))
        b = "_000_" + mid[1:].split("@")[0] + mid.split("@")[1].split(".")[0][:0] + "_"
        hs = [("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)), ("Subject", subject(c, pref)),
              ("Thread-Topic", c.topic), ("Thread-Index", thread_index(c)), ("Date", rfc_date(c.date)),
              ("Message-ID", mid), ("References", chain), ("In-Reply-To", parent),
              ("Accept-Language", "id-ID, en-US" if c.lang == "id" else "en-US"),
              ("Content-Language", "id-ID" if c.lang == "id" else "en-US"),
              ("X-MS-Has-Attach", ""), ("X-MS-TNEF-Correlator", ""),
              ("Content-Type", f'multipart/alternative;\n\tboundary="{b}"'), ("MIME-Version", "1.0")]
    else:
        dom = c.frm[1].split("@")[1]
        b = "----=_NextPart_000_00" + boundary_hex(c, 2).upper() + "_01DB" + boundary_hex(c, 4).upper() + "." + boundary_hex(c, 8).upper()
        hs = [("From", fmt_addr(c.frm, quoted=True)), ("To", fmt_addr(c.to, quoted=True)), ("References", chain),
              ("In-Reply-To", parent), ("Subject", subject(c, pref)), ("Date", rfc_date(c.date)),
              ("Message-ID", outlook_smtp_id(c, dom)), ("MIME-Version", "1.0"),
              ("Content-Type", f'multipart/alternative;\n\tboundary="{b}"'), ("X-Mailer", getattr(c, "xmailer", "Microsoft Outlook 16.0")),
              ("Thread-Index", thread_index(c)), ("Content-Language", "id" if c.lang == "id" else "en-us")]
    pcte = "7bit" if is_ascii(plain) and charset == "us-ascii" and max(map(len, plain.split("\n"))) < 77 else "quoted-printable"
    parts = [part("text/plain", charset, plain, pcte),
             part("text/html", html_cs, html, "quoted-printable")]
    pre = "This is a multipart message in MIME format.\n\n" if not exchange else ""
    return headers(hs) + "\n" + multipart(b, parts, pre)


def build_outlookplain(c):
    """Outlook for Windows, plain-text compose: text/plain only, -----Original Message-----."""
    lang = getattr(c, "ui_lang", None) or c.lang
    charset = getattr(c, "charset", None) or "us-ascii"
    body, tail, sig, disc = top_plain_parts(c)
    P = list(body)
    for blk in (tail, disc):
        if blk:
            P += [""] + blk
    sep = "-----Pesan Asli-----" if lang == "id" else "-----Original Message-----"
    P += ["", sep] + outlook_header_plain(c, lang, variant=getattr(c, "label_variant", "")) + [""] + plains(c.q.lines)
    plain = "\n".join(P) + "\n"
    parent, chain = refs(c)
    dom = c.frm[1].split("@")[1]
    cte = "7bit" if is_ascii(plain) else "quoted-printable"
    hs = [("From", fmt_addr(c.frm, quoted=True)), ("To", fmt_addr(c.to, quoted=True)), ("References", chain),
          ("In-Reply-To", parent), ("Subject", subject(c, "RE: ")), ("Date", rfc_date(c.date)),
          ("Message-ID", outlook_smtp_id(c, dom)), ("MIME-Version", "1.0"),
          ("Content-Type", f'text/plain;\n\tcharset="{charset}"'), ("Content-Transfer-Encoding", cte),
          ("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", thread_index(c)),
          ("Content-Language", "id" if c.lang == "id" else "en-us")]
    body_enc = qp(plain, charset) if cte == "quoted-printable" else plain
    return headers(hs) + "\n" + body_enc


# ------------------------------------------------- OWA / new Outlook -----

OWA_DIV = ('<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, '
           'Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">')


def owa_divs(lines):
    out = []
    for x in lines:
        h = hl(x)
        out.append(f"{OWA_DIV}\n{h if h else '<br>'}</div>")
    return "\n".join(out)


def owa_reply_header_html(c, lang, mobile=False):
    q = c.q
    fl, sl, tl, cl, subl = outlook_labels(lang)
    to = q.to or c.frm
    cc = f"<b>{cl}:</b> {esc(q.cc)}<br>\n" if q.cc else ""
    return ('<hr style="display:inline-block;width:98%" tabindex="-1">\n'
            '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">'
            f"<b>{fl}:</b> {esc(q.frm[0])} &lt;{esc(q.frm[1])}&gt;<br>\n"
            f"<b>{sl}:</b> {outlook_date(q.date, lang, secs=mobile)}<br>\n"
            f"<b>{tl}:</b> {esc(to[0])} &lt;{esc(to[1])}&gt;<br>\n{cc}"
            f"<b>{subl}:</b> {esc(q.subject or subject(c))}</font>\n<div>&nbsp;</div>\n</div>\n")


def plaintext_quote_html(lines):
    return ('<div class="BodyFragment"><font size="2"><span style="font-size:11pt;">\n<div class="PlainText">'
            + "<br>\n".join(hl(x) for x in lines) + "<br>\n</div>\n</span></font></div>\n")


def build_owa(c):
    lang = getattr(c, "ui_lang", None) or c.lang
    charset = getattr(c, "charset", None) or "iso-8859-1"
    body, tail, sig, disc = top_plain_parts(c)
    P = list(body)
    for blk in (tail, disc):
        if blk:
            P += [""] + blk
    P += ["", "________________________________"]
    fl, sl, tl, cl, subl = outlook_labels(lang)
    P += [x.rstrip(" ") for x in outlook_header_plain(c, lang)] + [""] + plains(c.q.lines)
    plain = "\n".join(P) + "\n"
    hb = owa_divs(c.body)
    if c.tail:
        hb += "\n" + owa_divs([""] + list(c.tail))
    if c.disc:
        hb += "\n" + owa_divs([""]) + "\n" + "\n".join(
            f'<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 8pt; color: rgb(128, 128, 128);">{hl(x) or "<br>"}</div>'
            for x in c.disc)
    head_style = getattr(c, "html_head", '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>')
    html = (f'<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n{head_style}\n'
            f'</head>\n<body dir="ltr">\n{hb}\n{OWA_DIV}\n<br></div>\n<div id="appendonsend"></div>\n'
            + owa_reply_header_html(c, lang) + plaintext_quote_html(c.q.lines) + "</body>\n</html>\n")
    mid = m365_id(c, getattr(c, "tenant", "TYZPR03MB"))
    b = "_000_" + mid[1:].split("@")[0] + "_"
    parent, chain = refs(c)
    hs = [("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)), ("Subject", subject(c)),
          ("Thread-Topic", c.topic), ("Thread-Index", thread_index(c)),
          ("Date", rfc_date(c.date.astimezone(UTC))), ("Message-ID", mid), ("References", chain),
          ("In-Reply-To", parent), ("Accept-Language", "en-US, id-ID"), ("Content-Language", "en-US" if c.lang == "en" else "id-ID"),
          ("X-MS-Has-Attach", ""), ("X-MS-TNEF-Correlator", ""), ("msip_labels", ""),
          ("Content-Type", f'multipart/alternative;\n\tboundary="{b}"'), ("MIME-Version", "1.0")]
    parts = [part("text/plain", charset, plain, "quoted-printable"),
             part("text/html", charset, html, "quoted-printable")]
    return headers(hs) + "\n" + multipart(b, parts)


# --------------------------------------------- Outlook for iOS / Android --

def build_outlookmobile(c, platform):
    lang = getattr(c, "ui_lang", None) or c.lang
    link = "https://aka.ms/o0ukef" if platform == "iOS" else "https://aka.ms/AAb9ysg"
    if c.footer is False:
        foot_plain, foot_html = None, None
    elif lang == "id":
        foot_plain = f"Dapatkan Outlook untuk {platform}<{link}>"
        foot_html = f'Dapatkan <a href="{link}">Outlook untuk {platform}</a>'
    else:
        foot_plain = f"Get Outlook for {platform}<{link}>"
        foot_html = f'Get <a href="{link}">Outlook for {platform}</a>'
    body, tail, sig, disc = top_plain_parts(c)
    P = list(body)
    for blk in (tail, disc):
        if blk:
            P += [""] + blk
    if foot_plain:
        P += ["", foot_plain]
    P += ["________________________________"] + outlook_header_plain(c, lang, mobile=True) + [""] + plains(c.q.lines)
    plain = "\n".join(P) + "\n"

    def divs(lines):
        return "\n".join(f'<div dir="auto">{hl(x) or "<br>"}</div>' for x in lines)
    hb = getattr(c, "html_body", None) or divs(c.body)
    if c.tail:
        hb += "\n" + divs([""] + list(c.tail))
    if c.disc:
        hb += "\n" + divs([""] + list(c.disc))
    if foot_html:
        hb += f'\n<div dir="auto"><br></div>\n<div class="ms-outlook-mobile-signature" dir="auto">{foot_html}</div>'
    head_extra = getattr(c, "html_head", "")
    html = (f'<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n{head_extra}'
            f'</head>\n<body>\n{hb}\n'
            '<div id="mail-editor-reference-message-container" class="ms-outlook-mobile-reference-message" dir="auto">\n'
            + owa_reply_header_html(c, lang, mobile=True) + plaintext_quote_html(c.q.lines) + "</div>\n</body>\n</html>\n")
    mid = m365_id(c, getattr(c, "tenant", "SEYPR06MB"))
    parent, chain = refs(c)
    html_only = getattr(c, "html_only", False)
    hs = [("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)), ("Subject", subject(c)),
          ("Thread-Topic", c.topic), ("Thread-Index", thread_index(c)),
          ("Date", rfc_date(c.date.astimezone(UTC))), ("Message-ID", mid), ("References", chain),
          ("In-Reply-To", parent), ("Accept-Language", "en-US"), ("Content-Language", "en-US" if c.lang == "en" else "id-ID"),
          ("X-MS-Has-Attach", ""), ("X-MS-TNEF-Correlator", "")]
    if html_only:
        cte = getattr(c, "cte", "base64")
        head, bodytxt = part("text/html", "utf-8", html, cte)
        hs += [tuple(h.split(": ", 1)) for h in head.strip().split("\n")]
        hs.append(("MIME-Version", "1.0"))
        return headers(hs) + "\n" + bodytxt
    b = "_000_" + mid[1:].split("@")[0] + "_"
    hs += [("Content-Type", f'multipart/alternative;\n\tboundary="{b}"'), ("MIME-Version", "1.0")]
    parts = [part("text/plain", "utf-8", plain, "base64"), part("text/html", "utf-8", html, "base64")]
    return headers(hs) + "\n" + multipart(b, parts)


def build_outlookios(c):
    return build_outlookmobile(c, "iOS")


def build_outlookandroid(c):
    return build_outlookmobile(c, "Android")


# ------------------------------------------------------------ Apple Mail --

def apple_body_html(lines, first_bare=True):
    out = []
    for i, x in enumerate(lines):
        h = hl(x)
        if i == 0 and first_bare and h:
            out.append(h)
        else:
            out.append(f"<div>{h or '<br>'}</div>")
    return "".join(out)


def build_applemail(c):
    q = c.q
    attr = attribution(getattr(c, "attr_kind", "apple"), c.lang if not getattr(c, "ui_lang", None) else c.ui_lang, q)
    qexpanded = [attr, ""] + list(q.lines)
    if c.flow:
        P = []
        first = True
        for k, lines in c.flow:
            if P and P[-1] != "":
                P.append("")
            if k == "q":
                ls = ([attr, ""] if first else []) + list(lines)
                first = False
                P += gt(ls, empty="> ")
            else:
                P += plains(lines)
    else:
        body, tail, sig, disc = top_plain_parts(c)
        P = list(body)
        for blk in (tail, sig, disc):
            if blk:
                P += [""] + blk
        P += [""] + gt(qexpanded, empty="> ") + ["> "]
    plain = "\n".join(P) + "\n"

    def qdiv(lines):
        return "".join(f"<div>{hl(x) or '<br>'}</div>" for x in lines)
    attr_h = f'<div>{esc(attr)}</div><br class="Apple-interchange-newline">'
    if c.flow:
        hb = []
        first = True
        for i, (k, lines) in enumerate(c.flow):
            if k == "q":
                hb.append(f'<blockquote type="cite">{attr_h if first else ""}<div><div>{qdiv(lines)}</div></div></blockquote>')
                first = False
            else:
                hb.append(apple_body_html(lines, first_bare=(i == 0)) + ("<div><br></div>" if i == 0 else ""))
        body_h = "".join(hb)
    else:
        body_h = apple_body_html(c.body)
        for blk in (c.tail, c.sig, c.disc):
            if blk:
                body_h += "<div><br></div>" + apple_body_html(blk, first_bare=False)
        body_h += ('<div><br id="lineBreakAtBeginningOfMessage"><div><br><blockquote type="cite">' + attr_h +
                   f"<div><div>{qdiv(q.lines)}</div></div></blockquote></div><br></div>")
    html = ('<html aria-label="message body"><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">'
            + body_h + "</body></html>\n")
    u = str(uuid.UUID(int=rng(c, "ab").getrandbits(128), version=4)).upper()
    b = f"Apple-Mail=_{u}"
    parent, chain = refs(c)
    hs = [("From", fmt_addr(c.frm)), ("Content-Type", f'multipart/alternative;\n\tboundary="{b}"'),
          ("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3826.500.181.1.5\\))"), ("Subject", subject(c)),
          ("Date", rfc_date(c.date)), ("References", chain), ("To", fmt_addr(c.to)), ("In-Reply-To", parent),
          ("Message-Id", uuid_id(c, c.frm[1].split("@")[1])), ("X-Mailer", "Apple Mail (2.3826.500.181.1.5)")]
    parts = [part("text/plain", "utf-8", plain, "quoted-printable"),
             part("text/html", "utf-8", html, "quoted-printable")]
    parts = [(h.replace('; charset="utf-8"', ';\n\tcharset=utf-8'), bd) for h, bd in parts]
    return headers(hs) + "\n" + multipart(b, parts)


# ----------------------------------------------------------- iPhone Mail --

def build_iphone(c):
    q = c.q
    lang = getattr(c, "ui_lang", None) or c.lang
    attr = attribution(getattr(c, "attr_kind", "apple-us" if lang == "en" else "apple"), lang, q)
    if c.footer is False:
        footer = None
    elif isinstance(c.footer, str):
        footer = c.footer
    else:
        footer = "Dikirim dari iPhone saya" if lang == "id" else "Sent from my iPhone"
    bom = "\ufeff" if getattr(c, "bom", True) else ""
    ql = list(q.lines)
    ql[0] = bom + ql[0]
    body, tail, sig, disc = top_plain_parts(c)
    P = list(body)
    for blk in (tail, sig, disc):
        if blk:
            P += [""] + blk
    if footer:
        P += ["", footer]
    P += ["", f"> {attr}", "> "] + gt(ql, empty="> ")
    plain = "\n".join(P).lstrip("\n") + "\n"

    def divs(lines):
        return "".join(f'<div dir="ltr">{hl(x) or "<br>"}</div>' for x in lines)
    hb = divs(c.body) if c.body else ""
    for blk in (c.tail, c.sig, c.disc):
        if blk:
            hb += divs([""] + list(blk))
    if footer:
        hb += divs(["", footer]) if c.body else divs([footer])
    html = ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">'
            + hb + f'<div dir="ltr"><br><blockquote type="cite">{esc(attr)}<br><br></blockquote></div>'
            '<blockquote type="cite"><div dir="ltr">' + "<br>".join(hl(x) for x in ql) +
            "<br></div></blockquote></body></html>\n")
    u = str(uuid.UUID(int=rng(c, "ib").getrandbits(128), version=4)).upper()
    b = f"Apple-Mail-{u}"
    parent, chain = refs(c)
    hs = [("Content-Type", f"multipart/alternative; boundary={b}"), ("Content-Transfer-Encoding", "7bit"),
          ("From", fmt_addr(c.frm)), ("Mime-Version", "1.0 (1.0)"), ("Date", rfc_date(c.date)),
          ("Subject", subject(c)), ("Message-Id", uuid_id(c, c.frm[1].split("@")[1])),
          ("References", chain), ("In-Reply-To", parent), ("To", fmt_addr(c.to)),
          ("X-Mailer", getattr(c, "xmailer", "iPhone Mail (22B91)"))]
    pcte = "7bit" if is_ascii(plain) else "quoted-printable"
    parts = [part("text/plain", "utf-8", plain, pcte), part("text/html", "utf-8", html, "quoted-printable")]
    parts = [(h.replace('"utf-8"', "utf-8"), bd) for h, bd in parts]
    return headers(hs) + "\n" + multipart(b, parts)


# ------------------------------------------------------------ Thunderbird --

def tb_headers(c, ctype, cte):
    parent, chain = refs(c)
    dom = c.frm[1].split("@")[1]
    return [("Message-ID", uuid_id(c, dom, upper=False)), ("Date", rfc_date(c.date)), ("MIME-Version", "1.0"),
            ("User-Agent", getattr(c, "ua", "Mozilla Thunderbird")), ("Subject", subject(c)),
            ("To", fmt_addr(c.to)), ("References", chain),
            ("Content-Language", getattr(c, "clang", "id" if c.lang == "id" else "en-GB")),
            ("From", fmt_addr(c.frm)), ("In-Reply-To", parent),
            ("Content-Type", ctype), ("Content-Transfer-Encoding", cte)]


def build_thunderbird(c):
    """Thunderbird plain-text compose: format=flowed."""
    q = c.q
    kind = getattr(c, "attr_kind", "tb")
    attr = attribution(kind, getattr(c, "ui_lang", None) or c.lang, q)
    if c.flow:
        P = []
        first = True
        for k, lines in c.flow:
            if P and P[-1] != "":
                P.append("")
            if k == "q":
                if first:
                    P.append(attr)
                    first = False
                P += flowed_quote(lines)
            else:
                P += flowed_new(plains(lines))
        if c.sig:
            P += ["", "-- "] + flowed_new(plains(c.sig))
    else:
        body, tail, sig, disc = top_plain_parts(c)
        P = flowed_new(body)
        for blk in (tail, disc):
            if blk:
                P += [""] + flowed_new(blk)
        if sig:
            P += ["", "-- "] + flowed_new(sig)
        P += ["", attr] + flowed_quote(q.lines)
    plain = "\n".join(P) + "\n"
    cte = "7bit" if is_ascii(plain) else "8bit"
    hs = tb_headers(c, "text/plain; charset=UTF-8; format=flowed", cte)
    return headers(hs) + "\n" + plain


def tb_wrap_src(text, indent="      ", width=74):
    """Thunderbird's serializer wraps long HTML source lines at spaces."""
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + len(w) + 1 > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    return ("\n" + indent).join(out)


def tb_paragraphs(lines):
    paras, cur = [], []
    for x in lines:
        if pl(x) == "":
            if cur:
                paras.append(cur)
                cur = []
        else:
            cur.append(x)
    if cur:
        paras.append(cur)
    out = []
    for p in paras:
        inner = "<br>\n      ".join(tb_wrap_src(hl(x)) for x in p)
        out.append(f"    <p>{inner}</p>")
    return "\n".join(out)


def build_tbhtml(c):
    q = c.q
    attr = attribution(getattr(c, "attr_kind", "tb"), getattr(c, "ui_lang", None) or c.lang, q)
    parent, _ = refs(c)
    cite = f'    <div class="moz-cite-prefix">{esc(attr)}<br>\n    </div>\n'

    def bq(lines):
        return (f'    <blockquote type="cite" cite="mid:{parent[1:-1]}">\n'
                '      <pre class="moz-quote-pre" wrap="">' + "\n".join(esc(pl(x)) for x in lines) +
                "\n</pre>\n    </blockquote>\n")
    sig = ""
    if c.sig:
        sig = '    <pre class="moz-signature" cols="72">-- \n' + "\n".join(esc(pl(x)) for x in c.sig) + "</pre>\n"
    if c.flow:
        body = ""
        first = True
        for k, lines in c.flow:
            if k == "q":
                body += (cite if first else "") + bq(lines)
                first = False
            else:
                body += tb_paragraphs(lines) + "\n"
        body += sig
    else:
        body = getattr(c, "html_body", None) or (tb_paragraphs(c.body) + "\n")
        if c.tail:
            body += tb_paragraphs(c.tail) + "\n"
        if getattr(c, "sig_above", True):
            body += (sig + "    <br>\n" if sig else "") + cite + bq(q.lines)
        else:
            body += cite + bq(q.lines) + "    <br>\n" + sig
    head_extra = getattr(c, "html_head", "")
    html = ("<!DOCTYPE html>\n<html>\n  <head>\n"
            '    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
            f"{head_extra}  </head>\n  <body>\n{body}  </body>\n</html>\n")
    cte = "7bit" if is_ascii(html) else "8bit"
    hs = tb_headers(c, "text/html; charset=UTF-8", cte)
    return headers(hs) + "\n" + html


# ------------------------------------------------------------- Yahoo web --

def build_yahoo(c):
    q = c.q
    lang = getattr(c, "ui_lang", None) or c.lang
    attr = attribution("yahoo", lang, q)
    body, tail, sig, disc = top_plain_parts(c)
    P = list(body)
    for blk in (tail, disc):
        if blk:
            P += [""] + blk
    plain = "\n".join(P) + "\n\n    " + attr + "  \n \n " + "\n".join(plains(q.lines)) + "\n"

    def divs(lines):
        return "".join(f'<div dir="ltr" data-setdir="false">{hl(x) or "<br>"}</div>' for x in lines)
    hb = divs(c.body)
    for blk in (c.tail, c.disc):
        if blk:
            hb += divs([""] + list(blk))
    qid = f"yahoo_quoted_{rng(c, 'yq').randint(10**9, 10**10 - 1)}"
    qh = "<br>".join(hl(x) for x in q.lines)
    html = ('<html><head></head><body><div class="yahoo-style-wrap" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div></div>\n'
            f'        {hb}<div><br></div><div><br></div>\n        \n        </div>'
            f'<div id="{qid}" class="yahoo_quoted">\n'
            "            <div style=\"font-family:'Helvetica Neue', Helvetica, Arial, sans-serif;font-size:13px;color:#26282a;\">\n"
            "                \n                <div>\n"
            f"                    {attribution_html(attr, q, link=False)}\n"
            "                </div>\n                <div><br></div>\n                <div><br></div>\n"
            f'                <div><div dir="ltr">{qh}</div></div>\n'
            "            </div>\n        </div></body></html>\n")
    r = rng(c, "yb")
    b = f"----=_Part_{r.randint(10**6, 10**7)}_{r.randint(10**8, 10**9)}.{int(c.date.timestamp() * 1000)}"
    parent, chain = refs(c)
    hs = [("Date", rfc_date(c.date.astimezone(UTC)) + " (UTC)"), ("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)),
          ("Message-ID", yahoo_id(c)), ("In-Reply-To", parent), ("References", chain), ("Subject", subject(c)),
          ("MIME-Version", "1.0"), ("Content-Type", f'multipart/alternative; \n\tboundary="{b}"'),
          ("X-Mailer", "WebService/1.1.23040 YMailNorrin")]
    pcte = "7bit" if is_ascii(plain) else "quoted-printable"
    parts = [part("text/plain", "UTF-8", plain, pcte), part("text/html", "UTF-8", html, "quoted-printable")]
    return headers(hs) + "\n" + multipart(b, parts)


def build_yahooandroid(c):
    q = c.q
    lang = getattr(c, "ui_lang", None) or c.lang
    d = q.date
    wd, mo = d.weekday(), d.month - 1
    name, a = q.frm
    if lang == "id":
        a1 = f"Pada {HARI3[wd]}, {d.day} {BULAN3[mo]} {d.year} pada {d.hour}.{d.minute:02d}, {name}"
        a2 = f"&lt;{a}&gt; menulis:"
        foot = "Dikirim dari Yahoo Mail di Android"
    else:
        a1 = f"On {DAY3[wd]}, {d.day} {MON3[mo]} {d.year} at {d.hour}:{d.minute:02d}, {name}"
        a2 = f"&lt;{a}&gt; wrote:"
        foot = "Sent from Yahoo Mail on Android"
    ts = int(c.date.timestamp() * 1000)
    lines = [hl(x) for x in c.body]
    for blk in (c.tail, c.disc):
        if blk:
            lines += [""] + [hl(x) for x in blk]
    bh = "<br>".join(lines)
    foot_h = ""
    if c.footer is not False:
        foot_h = ('<div id="ymail_android_signature"><a id="ymail_android_signature_link" '
                  'href="https://mail.onelink.me/107872968?pid=nativeplacement&amp;c=Global_Acquisition_YMktg_315_Internal_EmailSignature'
                  '&amp;af_sub1=Acquisition&amp;af_sub2=Global_YMktg&amp;af_sub3=&amp;af_sub4=100000604&amp;af_sub5=EmailSignature__Static_">'
                  f"{foot}</a></div>")
    qh = "<br>".join(hl(x) for x in q.lines)
    html = (f'<html><head></head><body>{bh}<br><div id="yMail_cursorElementTracker_{ts}"><br></div>'
            f'<div id="yMail_cursorElementTracker_{ts + 217}"><br></div>{foot_h} <br> '
            '<blockquote style="margin: 0 0 20px 0;"> <div style="font-family:Roboto, sans-serif; color:#6D00F6;"> '
            f"<div>{esc(a1)}</div><div>{a2}</div> </div> "
            '<div style="padding: 10px 0 0 20px; margin: 10px 0 0 0; border-left: 1px solid #6D00F6;"> '
            f"{qh} </div> </blockquote></body></html>\n")
    parent, chain = refs(c)
    cte = "quoted-printable"
    hs = [("Date", rfc_date(c.date.astimezone(UTC)) + " (UTC)"), ("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)),
          ("Message-ID", yahoo_id(c)), ("In-Reply-To", parent), ("References", chain), ("Subject", subject(c)),
          ("MIME-Version", "1.0"), ("Content-Type", "text/html; charset=UTF-8"),
          ("Content-Transfer-Encoding", cte),
          ("X-Mailer", "WebService/1.1.23040 YahooMailAndroidMobile YMobile/1.0 (com.yahoo.mobile.client.android.mail/7.62.1; Android/14; AP2A.240905.003; e3q; samsung; SM-S928B; 6.26; 1440x2960;)")]
    return headers(hs) + "\n" + qp(html, "utf-8")


# ---------------------------------------------------------- Samsung Email --

def build_samsung(c):
    q = c.q
    lang = getattr(c, "ui_lang", None) or c.lang
    d = q.date
    if c.footer is False:
        footer = None
    elif isinstance(c.footer, str):
        footer = c.footer
    else:
        footer = "Dikirim dari Samsung Galaxy smartphone." if lang == "id" else "Sent from my Galaxy"
    to = q.to or c.frm
    if lang == "id":
        head = ["-------- Pesan asli --------", f"Dari: {q.frm[0]} <{q.frm[1]}> ",
                f"Tanggal: {d.day:02d}/{d.month:02d}/{d.year % 100:02d} {hm(d, '.')} (GMT+07:00) ",
                f"Ke: {to[1]} ", f"Subjek: {q.subject or subject(c)} "]
    else:
        head = ["-------- Original message --------", f"From: {q.frm[0]} <{q.frm[1]}> ",
                f"Date: {d.day:02d}/{d.month:02d}/{d.year % 100:02d} {hm(d)} (GMT+07:00) ",
                f"To: {to[1]} ", f"Subject: {q.subject or subject(c)} "]
    body_h = getattr(c, "html_body", None)
    if body_h is None:
        lines = list(c.body)
        for blk in (c.tail, c.disc):
            if blk:
                lines += [""] + list(blk)
        body_h = "".join(f'<div dir="auto">{hl(x) or "<br>"}</div>' for x in lines)
    sig_h = ""
    if footer:
        sig_h = ('<div dir="auto"><br></div><div dir="auto"><br></div><div id="composer_signature" dir="auto">'
                 f'<div style="font-size:85%;color:#575757" dir="auto">{esc(footer)}</div></div>')
    new_style = getattr(c, "samsung_new", False)
    hdr_h = "".join(f"<div>{esc(x)}</div>" for x in head) + "<div><br></div>"
    if new_style:
        orig = f'<div dir="auto"><br></div><div align="left" dir="auto" style="font-size:100%;color:#000000">{hdr_h}</div>'
    else:
        orig = ('<div><br></div><div><br></div><div align="left"><div style="font-size:100%;color:#000000">'
                f"<!-- originalMessage -->{hdr_h}</div></div>")
    qh = "<br>".join(hl(x) for x in q.lines)
    head_extra = getattr(c, "html_head", "")
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">{head_extra}</head>'
            f"<body>{body_h}{sig_h}{orig}{qh}</body></html>\n")
    parent, chain = refs(c)
    hs = [("Message-ID", samsung_id(c)), ("Date", rfc_date(c.date)), ("Subject", subject(c)),
          ("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)), ("In-Reply-To", parent), ("References", chain),
          ("MIME-Version", "1.0"), ("Content-Type", "text/html; charset=UTF-8"),
          ("Content-Transfer-Encoding", "base64"), ("Importance", "Normal"), ("X-Priority", "3"),
          ("X-MSMail-Priority", "Normal")]
    return headers(hs) + "\n" + b64(html)


# ------------------------------------------------------------------ mutt --

def build_mutt(c):
    q = c.q
    attr = attribution(getattr(c, "attr_kind", "mutt"), c.lang, q)
    if c.flow:
        P = []
        first = True
        for k, lines in c.flow:
            if P and P[-1] != "":
                P.append("")
            if k == "q":
                if first:
                    P.append(attr)
                    first = False
                P += gt(lines)
            else:
                P += plains(lines)
    else:
        P = plains(c.body) + ["", attr] + gt(q.lines)
    if c.sig:
        P += ["", "-- "] + plains(c.sig)
    plain = "\n".join(P) + "\n"
    host = getattr(c, "host", c.frm[1].split("@")[1])
    parent, chain = refs(c)
    cs = "us-ascii" if is_ascii(plain) else "utf-8"
    hs = [("Date", rfc_date(c.date)), ("From", fmt_addr(c.frm)), ("To", fmt_addr(c.to)), ("Subject", subject(c)),
          ("Message-ID", mutt_id(c, host)), ("References", chain), ("MIME-Version", "1.0"),
          ("Content-Type", f"text/plain; charset={cs}"), ("Content-Disposition", "inline"),
          ("Content-Transfer-Encoding", "8bit" if cs == "utf-8" else "7bit"),
          ("In-Reply-To", parent), ("User-Agent", getattr(c, "ua", "Mutt/2.2.13 (2024-03-09)"))]
    return headers(hs) + "\n" + plain


BUILDERS = {
    "gmail": build_gmail, "gmailandroid": build_gmailandroid, "outlook": build_outlook,
    "outlookplain": build_outlookplain, "owa": build_owa, "outlookios": build_outlookios,
    "outlookandroid": build_outlookandroid, "applemail": build_applemail, "iphone": build_iphone,
    "thunderbird": build_thunderbird, "tbhtml": build_tbhtml, "yahoo": build_yahoo,
    "yahooandroid": build_yahooandroid, "samsung": build_samsung, "mutt": build_mutt,
}
