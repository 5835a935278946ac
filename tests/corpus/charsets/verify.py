#!/usr/bin/env python3
"""Checks the charset corpus in this folder.

1. Structure: every .eml has a .json and back; each json is valid, has subject,
   from_name and text (and from_name_any_of only together with from_name); the
   expected subject/from_name contain no U+FFFD and no control characters, the
   expected text none but LF and TAB; text is already normalised; every mail has
   From, To (support@example.com), Subject, Date, Message-ID and MIME-Version, CRLF
   header lines and no bare LF.
2. Python's email package (policy.default) against each json: which cases it
   decodes as expected and which it does not (expected for the traps).
3. A small reference decoder implementing the rules in README.md, to show that
   one consistent policy reads every case as the json says.
Exit status 1 if check 1 or 3 fails; check 2 only reports.
"""
import base64
import email
import email.policy
import glob
import json
import os
import quopri
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(text):
    text = text.replace("\r\n", "\n")
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    while out and out[0] == "":
        out.pop(0)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def bad_chars(s, allow=""):
    return [c for c in s if c == "\ufffd" or c == "\ufeff" or
            ((ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in allow)]


# ------------------------------------------------------------ 1. structure

def check_structure():
    problems = []
    emls = {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(HERE, "*.eml"))}
    jsons = {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(HERE, "*.json"))}
    for n in sorted(emls - jsons):
        problems.append("%s.eml has no .json" % n)
    for n in sorted(jsons - emls):
        problems.append("%s.json has no .eml" % n)
    for n in sorted(emls & jsons):
        if not re.fullmatch(r"\d\d-[a-z0-9-]+", n):
            problems.append("%s: name is not NN-name" % n)
        try:
            with open(os.path.join(HERE, n + ".json"), encoding="utf-8") as f:
                d = json.load(f)
        except Exception as e:  # noqa: BLE001
            problems.append("%s.json: invalid: %s" % (n, e))
            continue
        keys = set(d)
        if not {"subject", "from_name", "text"} <= keys or keys - {"subject", "from_name", "text", "from_name_any_of"}:
            problems.append("%s.json: keys %s" % (n, sorted(keys)))
            continue
        if not isinstance(d["subject"], str) or not isinstance(d["text"], str) or \
                not (d["from_name"] is None or isinstance(d["from_name"], str)):
            problems.append("%s.json: wrong types" % n)
            continue
        names = [d["from_name"]] + list(d.get("from_name_any_of", []))
        if "from_name_any_of" in d and d["from_name"] not in d["from_name_any_of"]:
            problems.append("%s.json: from_name not in from_name_any_of" % n)
        for label, value in [("subject", d["subject"])] + [("from_name", v) for v in names]:
            if value is not None and (bad_chars(value) or value != value.strip()):
                problems.append("%s.json: %s has U+FFFD/control/outer space: %r" % (n, label, value))
        if bad_chars(d["text"], allow="\n\t"):
            problems.append("%s.json: text has U+FFFD/control chars" % n)
        if normalise(d["text"]) != d["text"]:
            problems.append("%s.json: text is not normalised" % n)
        raw = open(os.path.join(HERE, n + ".eml"), "rb").read()
        head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            problems.append("%s.eml: no CRLF CRLF after the header" % n)
            continue
        if re.search(rb"(?<!\r)\n", raw):
            problems.append("%s.eml: bare LF" % n)
        if re.search(rb"\r(?!\n)", head):
            problems.append("%s.eml: bare CR in header" % n)
        fields = {}
        for line in head.split(b"\r\n"):
            if line[:1] in (b" ", b"\t"):
                continue
            k, _, v = line.partition(b":")
            fields.setdefault(k.decode("ascii").lower(), v.strip())
        for k in ("from", "to", "subject", "date", "message-id", "mime-version"):
            if k not in fields:
                problems.append("%s.eml: no %s" % (n, k))
        if fields.get("to") != b"support@example.com":
            problems.append("%s.eml: To is %r" % (n, fields.get("to")))
        if not body.strip():
            problems.append("%s.eml: empty body" % n)
    return sorted(emls & jsons), problems


def load(n):
    with open(os.path.join(HERE, n + ".json"), encoding="utf-8") as f:
        d = json.load(f)
    return open(os.path.join(HERE, n + ".eml"), "rb").read(), d


def matches(d, subject, from_name, text):
    wrong = []
    if subject != d["subject"]:
        wrong.append(("subject", subject))
    allowed = d.get("from_name_any_of", [d["from_name"]])
    if from_name not in allowed:
        wrong.append(("from_name", from_name))
    if text is None or normalise(text) != d["text"]:
        wrong.append(("text", text))
    return wrong


# ------------------------------------------------------------ 2. Python email

def python_read(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        subject = str(msg["subject"])
    except Exception as e:  # noqa: BLE001
        subject = "<error %s>" % e
    try:
        addrs = msg["from"].addresses
        from_name = addrs[0].display_name or None if addrs else None
    except Exception as e:  # noqa: BLE001
        from_name = "<error %s>" % e
    try:
        text = msg.get_body(preferencelist=("plain",)).get_content()
    except Exception as e:  # noqa: BLE001
        text = "<error %s>" % e
    return subject, from_name, text


# ------------------------------------------------------------ 3. reference decoder

# WHATWG Encoding Standard label -> Python codec for the labels used here; the
# single-byte Latin labels are Windows-1252 there, GBK labels the gb18030 decoder,
# Shift_JIS is Windows-31J, EUC-KR is UHC. UTF-7 is not in WHATWG; mail still has it.
LABELS = {
    "utf-8": "utf-8", "utf8": "utf-8", "utf-7": "utf-7",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "windows-1252": "cp1252", "cp1252": "cp1252",
    "iso-8859-2": "iso8859_2", "iso-8859-15": "iso8859_15",
    "windows-1251": "cp1251", "koi8-r": "koi8_r", "macintosh": "mac_roman",
    "gb18030": "gb18030", "gb2312": "gb18030", "gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "iso-2022-jp": "iso2022_jp",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
}
SINGLE_BYTE = {"cp1252", "iso8859_2", "iso8859_15", "cp1251", "koi8_r", "mac_roman"}


def is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def clean(s):
    return "".join(c for c in s if not bad_chars(c))


def decode_bytes(data, label):
    """Bytes plus declared label -> text, as a person would read it."""
    codec = LABELS.get((label or "").lower())
    has_8bit = any(b >= 0x80 for b in data)
    if codec is None or (codec in SINGLE_BYTE and has_8bit and is_utf8(data)):
        codec = "utf-8" if is_utf8(data) else "cp1252"
    if codec == "utf-8" and not is_utf8(data):
        codec = "cp1252"
    text = data.decode(codec, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


EW = re.compile(rb"=\?([^?*]+)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=")


def decode_header(raw):
    raw = re.sub(rb"\r\n([ \t])", rb"\1", raw).strip()
    pieces = []  # (kind, label, bytes)
    pos = 0
    for m in EW.finditer(raw):
        gap = raw[pos:m.start()]
        if gap and not (pieces and pieces[-1][0] == "ew" and gap.strip() == b""):
            pieces.append(("raw", None, gap))
        label, kind, payload = m.group(1).decode("ascii"), m.group(2).upper().decode(), m.group(3)
        if kind == "B":
            data = base64.b64decode(payload + b"=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace(b"_", b" "), header=True)
        if pieces and pieces[-1][0] == "ew" and pieces[-1][1].lower() == label.lower():
            pieces[-1] = ("ew", label, pieces[-1][2] + data)
        else:
            pieces.append(("ew", label, data))
        pos = m.end()
    if raw[pos:]:
        pieces.append(("raw", None, raw[pos:]))
    text = "".join(decode_bytes(data, label) for _, label, data in pieces)
    return re.sub(r"\s+", " ", clean(text)).strip()


def header_fields(head):
    out = {}
    for m in re.finditer(rb"^([!-9;-~]+):[ \t]*([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M):
        out.setdefault(m.group(1).decode().lower(), m.group(2).rstrip(b"\r"))
    return out


def param(ctype, name):
    m = re.search(rb";\s*" + name.encode() + rb'\s*=\s*"?([^";\s]+)"?', ctype, re.I)
    return m.group(1).decode("ascii") if m else None


def body_text(fields, body):
    ctype = re.sub(rb"\r\n[ \t]", b" ", fields.get("content-type", b"text/plain"))
    mtype = ctype.split(b";")[0].strip().lower()
    if mtype.startswith(b"multipart/"):
        boundary = param(ctype, "boundary").encode()
        parts = body.split(b"--" + boundary)[1:-1]
        for part in parts:
            part = part[2:] if part.startswith(b"\r\n") else part
            phead, _, pbody = part.partition(b"\r\n\r\n")
            text = body_text(header_fields(phead + b"\r\n"), pbody)
            if text is not None:
                return text
        return None
    if mtype != b"text/plain":
        return None
    cte = fields.get("content-transfer-encoding", b"7bit").strip().lower()
    if cte == b"base64":
        data = base64.b64decode(re.sub(rb"\s", b"", body))
    elif cte == b"quoted-printable":
        data = quopri.decodestring(body)
    else:
        data = body
    text = decode_bytes(data, param(ctype, "charset"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def reference_read(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    fields = header_fields(head + b"\r\n")
    subject = decode_header(fields["subject"])
    frm = re.sub(rb"\r\n([ \t])", rb"\1", fields["from"]).strip()
    name = frm.rsplit(b"<", 1)[0].strip() if b"<" in frm else b""
    if name.startswith(b'"') and name.endswith(b'"'):
        name = name[1:-1]
    from_name = decode_header(name) or None
    return subject, from_name, body_text(fields, body)


# ------------------------------------------------------------ main

def short(v):
    s = repr(v)
    return s if len(s) < 110 else s[:107] + "..."


def main():
    names, problems = check_structure()
    print("cases: %d" % len(names))
    for n in names:
        print("  " + n)
    print("\n1. structure: %s" % ("ok" if not problems else "%d problem(s)" % len(problems)))
    for p in problems:
        print("   " + p)
    if len(names) < 24:
        problems.append("fewer than 24 cases")

    print("\n2. Python email (policy.default) against the json:")
    py_wrong = []
    for n in names:
        raw, d = load(n)
        wrong = matches(d, *python_read(raw))
        if wrong:
            py_wrong.append(n)
            print("   WRONG %s: %s" % (n, "; ".join("%s=%s" % (k, short(v)) for k, v in wrong)))
    print("   Python reads %d of %d cases as expected; wrong: %d" %
          (len(names) - len(py_wrong), len(names), len(py_wrong)))

    print("\n3. reference decoder (README rules) against the json:")
    ref_wrong = []
    for n in names:
        raw, d = load(n)
        wrong = matches(d, *reference_read(raw))
        if wrong:
            ref_wrong.append(n)
            print("   WRONG %s: %s" % (n, "; ".join("%s=%s" % (k, short(v)) for k, v in wrong)))
    print("   reference reads %d of %d cases as expected" % (len(names) - len(ref_wrong), len(names)))
    return 1 if problems or ref_wrong else 0


if __name__ == "__main__":
    sys.exit(main())
