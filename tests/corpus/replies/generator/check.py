"""Consistency check: every expected line is found, in order, in the decoded text/plain
(or a crude rendering of text/html); and for multipart mails, in both parts."""
import email, email.policy, html, os, re, sys
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def render(h):
    h = re.sub(r"(?is)<(style|script)\b.*?</\1>", "", h)
    h = re.sub(r"(?s)<!--.*?-->", "", h)
    h = re.sub(r"(?is)<head>.*?</head>", "", h)
    # pre: keep newlines
    def pre(m):
        return m.group(1).replace("\n", "<br>")
    h = re.sub(r"(?is)<pre[^>]*>(.*?)</pre>", lambda m: "<br>" + pre(m) + "<br>", h)
    h = re.sub(r"\s+", " ", h)
    def ol(m):
        k = [0]
        def li(_):
            k[0] += 1
            return f"\n{k[0]}. "
        return re.sub(r"(?i)<li[^>]*>", li, m.group(0))
    h = re.sub(r"(?is)<ol[^>]*>.*?</ol>", ol, h)
    h = re.sub(r"(?i)<li[^>]*>", "\n* ", h)
    h = re.sub(r"(?i)<br[^>]*>", "\n", h)
    h = re.sub(r"(?i)</?(div|p|ul|ol|blockquote|tr|table|hr)[^>]*>", "\n", h)
    h = re.sub(r"<[^>]+>", "", h)
    h = html.unescape(h).replace("\xa0", " ")
    return "\n".join(x.strip() for x in h.split("\n"))

def unflow(text):
    out = []
    for ln in text.split("\n"):
        depth = len(re.match(r"^>*", ln).group(0))
        body = ln[depth:]
        if body.startswith(" "):
            body = body[1:]
        soft = body.endswith(" ") and body != "-- "
        if out and out[-1][2] and out[-1][0] == depth:
            out[-1] = (depth, out[-1][1] + body, soft)
        else:
            out.append((depth, body, soft))
    return "\n".join((">" * d + (" " if d else "") + b) for d, b, _ in out)

def norm(s):
    return re.sub(r"\s+", " ", s).strip()

def find_in_order(lines, text, lenient_prefix=False):
    hay = [norm(x) for x in text.split("\n")]
    i = 0
    missing = []
    for ln in lines:
        n = norm(ln)
        if not n:
            continue
        if lenient_prefix:
            n = re.sub(r"^(\* |\d+\. )", "", n)
        j = i
        while j < len(hay) and n not in hay[j]:
            j += 1
        if j == len(hay):
            missing.append(ln)
        else:
            i = j
    return missing

bad = 0
for f in sorted(os.listdir(D)):
    if not f.endswith(".eml"):
        continue
    m = email.message_from_bytes(open(os.path.join(D, f), "rb").read(), policy=email.policy.default)
    exp = open(os.path.join(D, f[:-4] + ".expected"), encoding="utf-8").read().split("\n")
    plain = m.get_body(("plain",))
    htm = m.get_body(("html",))
    if plain is not None:
        txt = plain.get_content().replace("\r\n", "\n")
        if plain.get_param("format") == "flowed":
            txt = unflow(txt)
        miss = find_in_order(exp, txt)
        if miss:
            bad += 1; print(f, "PLAIN missing", miss)
    if htm is not None:
        r = render(htm.get_content().replace("\r\n", "\n"))
        miss = find_in_order(exp, r, lenient_prefix=plain is not None)
        if miss:
            bad += 1; print(f, "HTML missing", miss)
print("problems:", bad)
