#!/usr/bin/env python3
"""Writes a reproducible corpus of support mail into a Maildir folder's new/.

About 60% new conversations and 40% replies to an earlier generated mail of the same
sender (most by In-Reply-To and References, a fifth Outlook-style by References only),
~2,000 distinct senders (so the per-sender acknowledgement limit is rarely reached),
English and Indonesian subjects and bodies, a median of a few KB per message and ~5% with
a base64 attachment of 100-500 KB, for an average near 27 KB. The same --seed gives the
same bytes.

Usage: gen-corpus.py MAILDIR [--count N] [--seed S]
MAILDIR is the Maildir folder (its tmp/, new/ and cur/ are created) or its new/ itself.
"""
import argparse
import base64
import os
import random

SUBJECTS = [  # (language of the body, subject); "{n}" becomes the message number
    ("en", "Printer does not print"), ("en", "Cannot log in to my account"),
    ("en", "Invoice {n} charged twice"), ("en", "VPN disconnects every hour"),
    ("en", "Request for a new mouse"), ("en", "Password reset link expired"),
    ("en", "Order {n} has not arrived"), ("en", "Error 500 when uploading a file"),
    ("id", "Tidak bisa masuk ke akun saya"), ("id", "Tagihan bulan ini salah"),
    ("id", "Laptop tidak mau menyala"), ("id", "Email tidak terkirim"),
    ("id", "Aplikasi kasir error saat cetak struk"), ("id", "Wi-Fi lantai 2 lambat"),
    ("id", "Pesanan {n} belum sampai – mohon dicek"),  # non-ASCII: RFC 2047 encoded
]
WORDS = {
    "en": ("the printer server account invoice network please help since yesterday error "
           "again still broken urgent customer order system update screen login page "
           "password office branch report cannot open file").split(),
    "id": ("saya tidak bisa mohon bantuan terima kasih kantor cabang jaringan sudah dicoba "
           "lagi masih rusak segera pelanggan pesanan sistem layar halaman kata sandi "
           "laporan berkas buka kemarin").split(),
}
DOMAINS = ["example.id", "contoh.co.id", "example.com", "mail.example.org", "kantor.example.id"]


def paragraph(rng, words):
    return " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."


def body(rng, language):
    size = int(rng.lognormvariate(8.5, 0.8))  # median ~4.8 KB, mean ~6.7 KB of text
    lines, total = [], 0
    while total < size:
        line = paragraph(rng, WORDS[language])
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def attachment(rng):
    raw = rng.randbytes(rng.randint(100_000, 500_000))
    return base64.encodebytes(raw).decode().replace("\n", "\r\n")


def encoded_subject(subject):
    """RFC 2047 B-encoding when the subject is not plain ASCII."""
    if subject.isascii():
        return subject
    return "=?UTF-8?B?" + base64.b64encode(subject.encode()).decode() + "?="


def message(rng, n, sender, language, subject, parents):
    domain = sender.split("@")[1]
    message_id = f"<bench-{n}.{rng.getrandbits(32):08x}@{domain}>"
    headers = [
        f"Return-Path: <{sender}>",
        f"From: Customer {sender.split('@')[0]} <{sender}>",
        "To: Support <support@example.com>",
        f"Subject: {'Re: ' if parents else ''}{encoded_subject(subject)}",
        f"Date: Mon, 23 Nov 2026 {8 + n % 10:02d}:{n % 60:02d}:{n % 47:02d} +0700",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    if parents:
        if rng.random() < 0.8:
            headers.append(f"In-Reply-To: {parents[-1]}")
        headers.append("References: " + "\r\n ".join(parents[-10:]))
    text = body(rng, language)
    if rng.random() < 0.05:
        boundary = f"=_b{n}x{rng.getrandbits(24):06x}"
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        content = (f"This is a multi-part message in MIME format.\r\n\r\n"
                   f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
                   f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"log-{n}.bin\"\r\n"
                   f"Content-Disposition: attachment; filename=\"log-{n}.bin\"\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{attachment(rng)}--{boundary}--\r\n")
    else:
        headers.append("Content-Type: text/plain; charset=utf-8")
        content = text
    return message_id, "\r\n".join(headers) + "\r\n\r\n" + content


def maildir_root(path):
    path = os.path.normpath(path)
    return os.path.dirname(path) if os.path.basename(path) == "new" else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("maildir", help="Maildir folder, or its new/ subfolder")
    parser.add_argument("--count", "-n", type=int, default=10_000, help="messages (default 10000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = maildir_root(args.maildir)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    senders = [f"user{i}@{rng.choice(DOMAINS)}" for i in range(2000)]
    threads = {}  # sender -> (language, subject, message ids of the conversation so far)
    with_thread = []  # senders who have a conversation, in order of their first mail
    sizes = []
    replies = 0
    for n in range(args.count):
        if threads and rng.random() < 0.4:
            # A reply: some sender continues one of their conversations.
            sender = rng.choice(with_thread)
            language, subject, parents = threads[sender]
            replies += 1
        else:
            sender = rng.choice(senders)
            language, subject = rng.choice(SUBJECTS)
            subject, parents = subject.format(n=n), []
            if sender not in threads:
                with_thread.append(sender)
        message_id, text = message(rng, n, sender, language, subject, parents)
        threads[sender] = (language, subject, parents + [message_id])
        data = text.encode()
        name = f"1795000000.M{n:06d}P1Q{n}.bench"
        with open(os.path.join(root, "tmp", name), "wb") as f:
            f.write(data)
        os.rename(os.path.join(root, "tmp", name), os.path.join(root, "new", name))
        sizes.append(len(data))
    if sizes:
        sizes.sort()
        total = sum(sizes)
        print(f"{args.count} messages in {os.path.join(root, 'new')}: {args.count - replies} new, "
              f"{replies} replies, median {sizes[len(sizes) // 2] / 1024:.1f} KB, "
              f"average {total / len(sizes) / 1024:.1f} KB, {total / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
