import collections, email, email.policy, os, re
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
files = sorted(os.listdir(D))
emls = [f for f in files if f.endswith(".eml")]
exps = {f for f in files if f.endswith(".expected")}
problems = []
langs, clients = collections.Counter(), collections.Counter()
need = ["From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "MIME-Version", "Content-Type"]
for f in emls:
    stem = f[:-4]
    m = re.match(r"^(\d{2,3})-([a-z]+)-([a-z0-9-]+)-(en|id)$", stem)
    if not m:
        problems.append(f"{f}: name does not match NN-client-shape-lang"); continue
    nn, client, _, lang = m.groups()
    langs[lang] += 1; clients[client] += 1
    if stem + ".expected" not in exps:
        problems.append(f"{f}: no .expected")
    raw = open(os.path.join(D, f), "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for h in need:
        if msg[h] is None:
            problems.append(f"{f}: missing {h}")
    if f"[HD #{int(nn)}]" not in str(msg["Subject"]):
        problems.append(f"{f}: subject tag")
    defects = list(msg.defects) + [d for p in msg.walk() for d in p.defects]
    if defects:
        problems.append(f"{f}: defects {defects}")
    texts = [p for p in msg.walk() if p.get_content_maintype() == "text"]
    if not texts:
        problems.append(f"{f}: no text part")
    for p in texts:
        p.get_content()  # decodes transfer encoding and charset, raises on error
    e = open(os.path.join(D, stem + ".expected"), "rb").read()
    e.decode("utf-8")
    if b"\r" in e:
        problems.append(f"{f}: CR in .expected")
for x in exps:
    if x[:-9] + ".eml" not in emls:
        problems.append(f"{x}: no .eml")
print(f"{len(emls)} .eml files, {len(exps)} .expected files, all parsed with email.policy.default")
print("per language:", dict(langs))
print("per client:", dict(clients))
print("problems:", len(problems))
for p in problems:
    print("  ", p)
