#!/usr/bin/env python3
"""Writes a reproducible corpus of support mail into a Maildir folder's new/.

About 60% new conversations and 40% replies (by In-Reply-To and References to an earlier
generated mail of the same sender), ~2,000 distinct senders, English and Indonesian
subjects, bodies of a few KB, and ~5% with a base64 attachment of 150-600 KB, for an
average near 27 KB per message.

Usage: gen-corpus.py MAILDIR [--count N] [--seed S]
"""
import argparse
import base64
import os
import random

SUBJECTS = [
    "Printer does not print", "Cannot log in to my account", "Invoice {n} charged twice",
    "VPN disconnects every hour", "Tidak bisa masuk ke akun saya", "Tagihan bulan ini salah",
    "Laptop tidak mau menyala", "Email tidak terkirim", "Request for a new mouse",
    "Aplikasi kasir error saat cetak struk", "Password reset link expired", "Wi-Fi lantai 2 lambat",
]
WORDS = ("the printer server account invoice network please help since yesterday error "
         "saya tidak bisa mohon bantuan terima kasih kantor cabang jaringan sudah dicoba "
         "restart again still broken urgent customer order system update").split()


def paragraph(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def body(rng):
    size = int(rng.lognormvariate(7.6, 0.6))  # median ~2 KB of text
    lines, total = [], 0
    while total < size:
        line = paragraph(rng, rng.randint(6, 14))
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def attachment(rng):
    raw = rng.randbytes(rng.randint(150_000, 600_000))
    encoded = base64.encodebytes(raw).decode().replace("\n", "\r\n")
    return encoded


def message(rng, n, sender, subject, parent):
    message_id = f"<bench-{n}@{sender.split('@')[1]}>"
    headers = [
        f"From: Customer {sender.split('@')[0]} <{sender}>",
        "To: Support <support@example.com>",
        f"Subject: {'Re: ' if parent else ''}{subject}",
        f"Date: Mon, 23 Nov 2026 {8 + n % 10:02d}:{n % 60:02d}:00 +0700",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    if parent:
        headers += [f"In-Reply-To: {parent}", f"References: {parent}"]
    text = body(rng)
    if rng.random() < 0.05:
        boundary = f"b{n}x"
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        content = (f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
                   f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"log-{n}.bin\"\r\n"
                   f"Content-Disposition: attachment; filename=\"log-{n}.bin\"\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{attachment(rng)}--{boundary}--\r\n")
    else:
        headers.append("Content-Type: text/plain; charset=utf-8")
        content = text
    return message_id, "\r\n".join(headers) + "\r\n\r\n" + content


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("maildir")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    senders = [f"user{i}@{rng.choice(['example.id', 'contoh.co.id', 'example.com'])}" for i in range(2000)]
    threads = {}  # sender -> (subject, last message id)
    total = 0
    for n in range(args.count):
        sender = rng.choice(senders)
        if sender in threads and rng.random() < 0.67:
            subject, parent = threads[sender]
        else:
            subject, parent = rng.choice(SUBJECTS).format(n=n), None
        message_id, text = message(rng, n, sender, subject, parent)
        threads[sender] = (subject, message_id)
        name = f"1795000000.M{n:06d}P1Q{n}.bench"
        with open(os.path.join(args.maildir, "tmp", name), "wb") as f:
            f.write(text.encode())
        os.rename(os.path.join(args.maildir, "tmp", name), os.path.join(args.maildir, "new", name))
        total += len(text)
    print(f"{args.count} messages, {total / args.count / 1024:.1f} KB average, {total / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
