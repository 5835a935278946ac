"""The reply corpus: every case, as the person wrote it and as their client sent it."""
import datetime as dt
from types import SimpleNamespace as NS

from lib import L, SUPPORT, WIB, WITA

CASES = []
FILE_CLIENT = {"tbhtml": "thunderbird", "outlookplain": "outlook"}


def T(s):
    return s.strip("\n").split("\n")


def D(day, h, m, s=0, tz=WIB, month=11):
    return dt.datetime(2026, month, day, h, m, s, tzinfo=tz)


def Q(frm, date, text, to=None, cc=None, subject=None):
    return NS(frm=frm, date=date, lines=T(text) if isinstance(text, str) else text, to=to, cc=cc, subject=subject)


def case(n, client, shape, lang, **kw):
    d = dict(n=n, client=client, shape=shape, lang=lang, to=SUPPORT, body=[], tail=None, sig=None,
             disc=None, footer=None, flow=None, crlf=(n % 5 != 0), parent=2)
    d.update(kw)
    if isinstance(d["body"], str):
        d["body"] = T(d["body"])
    for k in ("tail", "sig", "disc"):
        if isinstance(d[k], str):
            d[k] = T(d[k])
    d["label"] = d.get("label") or FILE_CLIENT.get(client, client)
    CASES.append(NS(**d))


HD = ("IT Helpdesk", "support@example.com")
HDI = ("Helpdesk IT", "support@example.com")


def ack_en(n, customer, subj):
    return f"""Dear {customer},

Thank you for contacting IT Helpdesk. We have received your message
"{subj}" and opened ticket [HD #{n}] for it.

One of our staff will answer you as soon as possible. To add
information, simply reply to this email and keep [HD #{n}] in the
subject line, so that your message reaches the same ticket.

Kind regards,
IT Helpdesk

This is an automatic message."""


def ack_id(n, customer, subj):
    return f"""Yth. {customer},

Terima kasih telah menghubungi Helpdesk IT. Pesan Anda
"{subj}" sudah kami terima dan dicatat sebagai tiket [HD #{n}].

Petugas kami akan segera menjawab pesan Anda. Untuk menambahkan
informasi, cukup balas email ini dan biarkan [HD #{n}] tetap ada di
subjek, agar pesan Anda masuk ke tiket yang sama.

Salam hormat,
Helpdesk IT

Pesan ini dikirim secara otomatis."""


def notif_en(n, subj, cust, addr, text, prio="normal", status="open", tier=1):
    return f"""[HD #{n}] {subj}
From: {cust} <{addr}>
Status: {status} | Tier: {tier} | Priority: {prio}

{text}

---
Reply to this mail to answer {cust}: only your new text is sent, from IT Helpdesk.
Commands, one per line at the top of your reply:
  #note (internal, not sent)   #close   #reopen   #pending   #assign <agent|me>
  #escalate [reason]   #tier <1|2|3>   #priority <low|normal|high|urgent>
  #category <name>   #cc +address -address   #away   #back
  #visit <YYYY-MM-DD HH:MM> [2h] [note] (tier 3: on-site visit, invitation to the customer)"""


def notif_id(n, subj, cust, addr, text, prio="normal", status="open", tier=1):
    return f"""[HD #{n}] {subj}
Dari: {cust} <{addr}>
Status: {status} | Level: {tier} | Prioritas: {prio}

{text}

---
Balas email ini untuk menjawab {cust}: hanya teks baru Anda yang dikirim, atas nama Helpdesk IT.
Perintah, satu per baris di awal balasan:
  #note (catatan internal)   #close   #reopen   #pending   #assign <agen|me>
  #escalate [alasan]   #tier <1|2|3>   #priority <low|normal|high|urgent>
  #category <nama>   #cc +alamat -alamat   #away   #back
  #visit <YYYY-MM-DD JJ:MM> [2h] [catatan] (level 3: kunjungan, undangan ke pelanggan)"""


def gfwd(name, addr, date, subj, to, text, msgid):
    lines = T(text)
    return dict(
        head=[f"From: {name} <{addr}>", f"Date: {date}", f"Subject: {subj}", f"To: <{to}>"],
        head_html=[f'From: <strong class="gmail_sendername" dir="auto">{name}</strong> <span dir="auto">&lt;'
                   f'<a href="mailto:{addr}">{addr}</a>&gt;</span>', f"Date: {date}", f"Subject: {subj}",
                   f'To: &lt;<a href="mailto:{to}">{to}</a>&gt;'],
        lines=lines, msgid=msgid)


# =================================================================== Gmail ==

case(1, "gmail", "top-signature", "en",
     frm=("Kevin Tan", "kevin.tan@sinarlogistik.example"), topic="Scan to email not working",
     date=D(23, 10, 41, 22),
     q=Q(SUPPORT, D(23, 9, 12, 3), """
Hello Kevin,

Thank you for your patience. The printer firmware has been updated this
morning. Could you restart the printer and try scanning to email again?

Kind regards,
Andi
IT Helpdesk"""),
     body="""
Hi team,

The printer on the 3rd floor is printing again after the restart, but scan to email still fails with "SMTP authentication error".

Could someone take a look today? We need to scan the delivery orders before 3pm.""",
     tail="Thanks,",
     sig="""
Kevin Tan
Operations Manager | PT Sinar Logistik
+62 21 555 0147""")

case(2, "gmail", "top-wrapped-attribution", "id",
     frm=("Siti Rahmawati", "siti.rahmawati@contoh.co.id"), topic="Tidak bisa kirim lampiran besar",
     date=D(24, 8, 3, 41),
     q=Q(SUPPORT, D(23, 16, 20, 11), """
Selamat sore Bu Siti,

Batas ukuran lampiran email kantor adalah 20 MB. Apakah file yang Ibu
kirim lebih besar dari itu? Mohon info juga pesan error yang muncul.

Salam,
Rina
Helpdesk IT"""),
     body="""
Selamat pagi Mbak Rina,

Ukuran filenya cuma 7 MB (PDF hasil scan). Pesan errornya: "Pesan Anda tidak terkirim karena terlalu besar".
Kalau saya kirim lewat HP juga sama.

Mohon bantuannya ya.""",
     tail="""
Terima kasih,
Siti""")

case(3, "gmail", "top-long-sender-name", "id",
     frm=("Dedi Kurniawan", "dedi.kurniawan@contoh.co.id"), topic="Akses menu laporan keuangan",
     date=D(24, 13, 27, 9),
     q=Q(("Layanan Pelanggan PT Contoh Jaya Abadi", "support@example.com"), D(24, 11, 2, 45), """
Yth. Bapak Dedi,

Password akun Bapak sudah kami reset. Silakan login dengan password
sementara yang kami kirim lewat SMS, lalu ganti password setelah
berhasil masuk.

Salam hormat,
Layanan Pelanggan"""),
     body="""
Baik Bu, sudah saya coba login ulang dan sekarang sudah bisa masuk.

Tapi menu Laporan masih kosong, apakah memang perlu akses tambahan dari atasan saya?""",
     tail="""
Salam,
Dedi Kurniawan
Staf Keuangan""")

case(4, "gmail", "pasted-ping-output", "en",
     frm=("Michael Hartanto", "michael.hartanto@sinarlogistik.example"), topic="Branch office cannot reach server",
     date=D(25, 9, 48, 30),
     q=Q(HD, D(25, 9, 5, 12), """
Hi Michael,

Can you open a command prompt on one of the branch PCs and ping the
gateway 10.20.0.1? Please send us the output.

Thanks,
Andi
IT Helpdesk"""),
     body="""
Hi,

Still no luck. This is what I get from the branch office PC:

> ping 10.20.0.1

Pinging 10.20.0.1 with 32 bytes of data:
Request timed out.
Request timed out.
Request timed out.
Request timed out.

Ping statistics for 10.20.0.1:
    Packets: Sent = 4, Received = 0, Lost = 4 (100% loss),

The other two PCs in the same room have the same problem.""",
     tail="""
Regards,
Michael""")

case(5, "gmail", "from-line-in-text", "en",
     frm=("Lisa Hartono", "lisa.hartono@example.org"), topic="Suspicious payment email",
     date=D(24, 10, 15, 2),
     q=Q(HD, D(24, 9, 40, 0), """
Hi Lisa,

Thanks for reporting this. Could you tell us the sender address shown
in the email? Please do not open the attachment.

Best regards,
Rina
IT Helpdesk"""),
     body="""
Hello,

Here are the details from the email:
From: "Finance Dept" <finance@contoh-pay.example>
The subject was "Updated bank account for November payment" and it came in at 08:15.

I didn't open the attachment. Should we block the domain?""",
     tail="""
Thanks,
Lisa""")

case(6, "gmail", "quote-only", "en",
     frm=("Tom Wijaya", "tom.wijaya@example.net"), topic="Laptop battery replacement",
     date=D(26, 14, 2, 55),
     q=Q(HD, D(26, 11, 30, 8), """
Hi Tom,

The new battery has arrived. You can pick up the laptop at the IT desk
on the 2nd floor from 1pm.

Regards,
Andi
IT Helpdesk"""),
     body=[])

case(7, "gmail", "forward-with-note", "en",
     frm=("Nadia Putri", "nadia.putri@tokocontoh.example"), topic="Domain expiring in 14 days",
     date=D(23, 7, 31, 40),
     q=Q(("Registrar Support", "noreply@registrar.example"), D(23, 6, 0, 0), "Dear customer,"),
     forward=gfwd("Registrar Support", "noreply@registrar.example", "Mon, Nov 23, 2026 at 6:00 AM",
                  "Domain expiring in 14 days", "it@tokocontoh.example", """
Dear customer,

The domain tokocontoh.example will expire on 7 December 2026.
To avoid interruption of your website and email, please renew it before the expiry date.

Registrar Support""", "<20261122230000.4F1A2B3C@mailer.registrar.example>"),
     body="""
Hi Support,

Forwarding the renewal notice from the registrar. Can you check whether auto-renew is on for tokocontoh.example? Last year the shop was offline for a day because the payment card had expired.""",
     tail="""
Thanks,
Nadia""")

case(8, "gmail", "forward-with-note", "id",
     frm=("Ratna Sari", "ratna.sari@contoh.co.id"), topic="Jadwal maintenance jaringan hari Sabtu",
     date=D(23, 8, 12, 19), ui_lang="en",
     q=Q(("NOC PT Data Prima", "noc@dataprima.example"), D(20, 16, 30, 0), "Kepada Yth. Pelanggan,"),
     forward=gfwd("NOC PT Data Prima", "noc@dataprima.example", "Fri, Nov 20, 2026 at 4:30 PM",
                  "Jadwal maintenance jaringan hari Sabtu", "ratna.sari@contoh.co.id", """
Kepada Yth. Pelanggan,

Kami informasikan akan ada pemeliharaan jaringan pada hari Sabtu, 28 November 2026 pukul 20.00 - 23.00 WIB.
Selama pemeliharaan, layanan internet dan VPN akan terputus sekitar 30 menit.

Hormat kami,
NOC PT Data Prima""", "<a81c2e44-0f6b-4f7e-9d61-3c2b1e0f9a77@dataprima.example>"),
     body="""
Pak Andi,

Berikut email dari vendor soal jadwal maintenance jaringan hari Sabtu. Mohon dicek apakah aman untuk sistem kasir di toko, karena Sabtu jam segitu toko masih buka.""",
     tail="""
Terima kasih,
Ratna""")

Q9 = T("""
Selamat siang Bu Wulan,

Untuk pembuatan akun karyawan baru, mohon info berikut:
1. Nama lengkap dan jabatan
2. Tanggal mulai kerja
3. Perlu akses SAP atau tidak

Salam,
Rina
Helpdesk IT""")
case(9, "gmail", "interleaved", "id",
     frm=("Wulan Anggraeni", "wulan.anggraeni@contoh.co.id"), topic="Akun email karyawan baru",
     date=D(24, 14, 40, 12),
     q=Q(SUPPORT, D(24, 13, 5, 31), Q9),
     flow=[("n", ["Siang Mbak Rina, jawabannya saya tulis di bawah ya."]),
           ("q", Q9[0:4]),
           ("n", ["Yoga Pratama, Staff Purchasing"]),
           ("q", Q9[4:5]),
           ("n", ["Senin, 1 Desember 2026"]),
           ("q", Q9[5:6]),
           ("n", ["Perlu, modul MM saja (read only)."]),
           ("c", ["Makasih,", "Wulan"]),
           ("q", Q9[7:])])

Q10 = T("""
Hi Tom,

We swapped the HDMI cable this morning. Is the monitor still flickering?

Regards,
Rina
IT Helpdesk""")
case(10, "gmail", "bottom-posted", "en",
     frm=("Tom Harris", "tom.harris@example.net"), topic="Monitor flickering",
     date=D(25, 15, 22, 7),
     q=Q(HD, D(25, 10, 47, 19), Q10),
     flow=[("q", Q10),
           ("n", ["Still flickering, but only when the laptop is on the docking station.",
                  "Connected directly with the cable it's fine."]),
           ("c", ["Cheers,", "Tom"])])

case(11, "gmail", "indonesian-on-english-thread", "id",
     frm=("Dian Permata", "dian.permata@cahayaretail.example"), topic="Broken laptop pickup",
     date=D(26, 9, 5, 44), ui_lang="en",
     q=Q(HD, D(25, 17, 2, 10), """
Hello Dian,

We have received your report about the broken laptop. Could you tell us
the asset number and the user's name so we can arrange the pickup?

Kind regards,
IT Helpdesk"""),
     body="""
Halo, maaf saya balas pakai bahasa Indonesia ya.

Nomor aset laptopnya LPT-0342, dipakai Pak Hendra di bagian marketing. Layarnya bergaris dan kadang mati sendiri.
Kira-kira kapan bisa diambil?""",
     tail="""
Salam,
Dian""",
     sig="""
Dian Permata
Marketing Admin
PT Cahaya Retail Nusantara
Telp. (021) 555-0188 ext. 214""")

case(12, "gmail", "numbered-list", "en",
     frm=("Sarah Lim", "sarah.lim@contohdigital.example"), topic="Dashboard shows 403 after login",
     date=D(27, 11, 9, 36),
     q=Q(HD, D(27, 10, 1, 2), """
Hi Sarah,

Please clear the browser cache, log out and log in again, and if possible
try another browser. Let us know if the dashboard still shows an error.

Regards,
Rina
IT Helpdesk"""),
     body=["Hi Rina,", "", "I tried the steps you sent:", "",
           "   1. Cleared the browser cache", "   2. Logged out and back in", "   3. Tried Chrome and Edge", "",
           'The dashboard still shows "403 Forbidden" right after login.'],
     html_body=('Hi Rina,<div><br></div><div>I tried the steps you sent:</div><div><ol>'
                '<li>Cleared the browser cache</li><li>Logged out and back in</li><li>Tried Chrome and Edge</li></ol>'
                '<div>The dashboard still shows "403 Forbidden" right after login.</div></div>'),
     tail="""
Thanks,
Sarah""")

case(13, "gmail", "signature-disclaimer", "en",
     frm=("Grace Lim", "grace.lim@contohtek.example"), topic="Invoice for additional licenses",
     date=D(26, 10, 30, 5),
     q=Q(HD, D(23, 8, 44, 50), ack_en(13, "Grace Lim", "Invoice for additional licenses")),
     body="""
Dear Support,

On Monday I wrote to you about the invoice for the 15 additional Microsoft 365 licenses (INV-2026-1187), but I haven't had a reply yet. Could you confirm whether it has been sent to our finance team?""",
     tail="Kind regards,",
     sig="""
Grace Lim
Procurement Lead
PT Contoh Teknologi Indonesia
Jl. Jend. Sudirman Kav. 52, Jakarta 12190
T: +62 21 555 0123

CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, please notify the sender and delete it from your system.""")

case(14, "gmail", "agent-commands", "en",
     frm=("Andi Saputra", "andi@example.com"), to=HD, topic="Laptop keyboard not working",
     date=D(24, 9, 20, 13),
     q=Q(("Budi Santoso via IT Helpdesk", "support@example.com"), D(24, 9, 2, 40),
         notif_en(14, "Laptop keyboard not working", "Budi Santoso", "budi.santoso@contoh.co.id",
                  "Hi,\n\nSome keys on my laptop keyboard (E, R, T) stopped working this morning.\nI have a client presentation at 2pm.\n\nBudi"),
         to=("Andi Saputra", "andi@example.com")),
     body="""
#note
#assign rina
#priority high

Rina, can you take this one? Budi sits on the 4th floor next to the pantry, he has a client presentation at 2pm. A spare keyboard is fine for today.""",
     tail="""
Thanks,
Andi""")

# ========================================================== Gmail Android ==

case(15, "gmailandroid", "bare-name-signoff", "id",
     frm=("Budi Santoso", "budi.santoso@contoh.co.id"), topic="Laptop tidak bisa connect wifi",
     date=D(24, 11, 52, 0),
     q=Q(SUPPORT, D(24, 11, 40, 26), """
Selamat siang Pak Budi,

Laptop Bapak perlu kami cek langsung. Apakah bisa dibawa ke ruang IT
lantai 2 hari ini?

Salam,
Rina
Helpdesk IT"""),
     body="Siap mbak, nanti jam 1 siang saya bawa laptopnya ke ruang IT.",
     tail="Budi")

case(16, "gmailandroid", "thanks-only", "id",
     frm=("Hendra Wijaya", "hendra.wijaya@contoh.co.id"), topic="Email tidak bisa sinkron di HP",
     date=D(23, 17, 45, 18),
     q=Q(SUPPORT, D(23, 16, 58, 2), """
Selamat sore Pak Hendra,

Akun email di HP Bapak sudah kami atur ulang. Silakan dicoba lagi,
seharusnya email sudah masuk.

Salam,
Andi
Helpdesk IT"""),
     body="Terima kasih banyak atas bantuannya, Pak.")

case(17, "gmailandroid", "thanks-name", "en",
     frm=("John Miller", "john.miller@example.org"), topic="Meeting room TV",
     date=D(25, 12, 10, 47),
     q=Q(HD, D(25, 11, 58, 30), """
Hi John,

A technician can check the TV in meeting room Rinjani at 2pm today.
Will you be there?

Regards,
Andi
IT Helpdesk"""),
     body="OK, I'll be in the meeting room at 2pm. Please ask the technician to bring an HDMI to USB-C adapter, the one in the room is missing.",
     tail="""
Thanks,
John""")

case(18, "gmailandroid", "on-monday-sentence-dash-name", "id",
     frm=("Putri Anggraini", "putri.anggraini@contoh.co.id"), topic="AC ruang server",
     date=D(25, 7, 58, 3),
     q=Q(HDI, D(23, 8, 1, 10), ack_id(18, "Putri Anggraini", "AC ruang server")),
     body="""
Selamat pagi,

Pada hari Senin saya sudah menulis ke helpdesk soal AC di ruang server, tapi sampai sekarang suhunya masih 30 derajat. Mohon segera dicek ya Pak, takut servernya mati.""",
     tail="- Putri")

case(19, "gmailandroid", "english-on-indonesian-thread", "en",
     frm=("Daniel Brooks", "daniel.brooks@contoh.co.id"), topic="Proyektor ruang meeting Merapi",
     date=D(24, 8, 5, 12), ui_lang="en",
     q=Q(SUPPORT, D(23, 16, 33, 0), """
Selamat pagi Pak Daniel,

Kabel HDMI di ruang Merapi sudah kami ganti kemarin sore. Apakah
proyektornya sudah bisa dipakai?

Salam,
Rina
Helpdesk IT"""),
     body="""
Hi Rina,

Sorry, my Bahasa is still basic. The projector in Merapi still shows "No signal" with the new cable. It works with the cable from the Bromo room though.""",
     tail="""
Thanks,
Daniel""")

case(20, "gmailandroid", "top-emoji", "id",
     frm=("Eka Saputri", "eka.saputri@contoh.co.id"), topic="Printer kasir macet",
     date=D(27, 8, 14, 29),
     q=Q(SUPPORT, D(26, 19, 2, 44), """
Malam Bu Eka,

Kemungkinan kertas thermal yang dipakai tidak sesuai ukuran. Mohon
dicoba dengan roll kertas 80 mm yang baru.

Salam,
Andi
Helpdesk IT"""),
     body="Pagi Pak, printer kasir sudah normal lagi setelah kertasnya diganti. Makasih ya \U0001F64F",
     tail="""
Salam,
Eka""")

# ========================================================= Outlook desktop ==

case(21, "outlook", "top-signature-smart-quotes", "en",
     frm=("John Smith", "john.smith@ptcontoh.example"), topic="VPN connection fails",
     date=D(23, 13, 18, 2), charset="windows-1252", exchange=False,
     q=Q(SUPPORT, D(23, 9, 12, 3), """
Hello John,

Please restart your laptop and try connecting to the VPN again. If it
still fails, send us a screenshot of the error.

Best regards,
Andi
IT Helpdesk""", to=("John Smith", "john.smith@ptcontoh.example")),
     body=["Hi Andi,", "",
           "Thanks for the quick response. I\u2019ve restarted the laptop but the VPN client still says \u201cConnection attempt failed\u201d. Screenshot attached.",
           "", "I\u2019m working from the Surabaya office this week, so it\u2019s a different network than usual."],
     tail="""
Best regards,
John Smith
IT Manager | PT Contoh
+62 21 555 0123""")

case(22, "outlook", "top-signature-disclaimer", "id",
     frm=("Sri Wahyuni", "sri.wahyuni@contohmakmur.example"), to=HDI, topic="Tidak bisa buka folder bersama",
     date=D(24, 8, 21, 37),
     q=Q(HDI, D(23, 16, 10, 5), """
Selamat sore Bu Sri,

Mohon info nama folder yang tidak bisa dibuka dan pesan error yang
muncul.

Salam,
Andi
Helpdesk IT""", to=("Sri Wahyuni", "sri.wahyuni@contohmakmur.example")),
     body=["Selamat pagi Pak Andi,", "",
           "Mohon bantuannya, sejak kemarin sore saya tidak bisa membuka folder bersama \\\\fileserver\\keuangan. Muncul pesan \"Access is denied\".",
           "Folder lain seperti \\\\fileserver\\umum masih bisa dibuka."],
     tail=["Hormat saya,", "", "Sri Wahyuni", "Staf Akuntansi", "PT Contoh Makmur Sejahtera",
           "Jl. Gatot Subroto No. 12, Jakarta Selatan", "Telp. (021) 555-0199 | Ext. 305"],
     disc="Email ini bersifat rahasia dan hanya ditujukan untuk penerima yang dimaksud. Jika Anda bukan penerima yang dimaksud, mohon segera memberitahu pengirim dan menghapus email ini. Dilarang menyebarkan, menyalin, atau menggunakan isi email ini tanpa izin.",
     tenant="KL1PR02MB")

case(23, "outlookplain", "plain-original-message", "en",
     frm=("Peter Wong", "peter.wong@example.org"), topic="New account for Finance",
     date=D(25, 10, 2, 58),
     q=Q(SUPPORT, D(25, 9, 15, 0), """
Hi Peter,

Your account has been created. The temporary password was sent to your
mobile number.

Regards,
IT Helpdesk""", to=("Peter Wong", "peter.wong@example.org")),
     body="""
Hello,

The new account works, thank you. Please also add me to the distribution list it-announce@example.org.""",
     tail="""
Regards,
Peter Wong
Senior Analyst
Finance Division""")

case(24, "outlookplain", "plain-pesan-asli", "id",
     frm=("Agus Setiawan", "agus.setiawan@contoh.co.id"), topic="Error aplikasi payroll",
     date=D(26, 15, 40, 21),
     q=Q(HDI, D(26, 14, 2, 33), """
Selamat siang Pak Agus,

Mohon dikirimkan screenshot error yang muncul di aplikasi payroll,
beserta menu yang sedang dibuka.

Salam,
Rina
Helpdesk IT""", to=("Agus Setiawan", "agus.setiawan@contoh.co.id")),
     body="""
Yth. Tim Helpdesk,

Berikut saya lampirkan screenshot error saat membuka aplikasi payroll. Error muncul setiap kali klik menu Slip Gaji, tulisannya "Object reference not set to an instance of an object".""",
     tail="""
Terima kasih,
Agus Setiawan
HRD - PT Contoh Jaya""")

case(25, "outlook", "pasted-smtp-transcript", "en",
     frm=("Hendra Gunawan", "hendra.gunawan@contohtek.example"), topic="Scanner cannot send email",
     date=D(25, 14, 5, 50),
     q=Q(HD, D(25, 11, 22, 7), """
Hi Hendra,

Could you run the SMTP test from the scanner's relay tool and send us the
output?

Thanks,
Rina
IT Helpdesk""", to=("Hendra Gunawan", "hendra.gunawan@contohtek.example")),
     body="""
Hi,

Our scanner still can't send mail. I ran the test from the relay tool, output below:

> EHLO scanner01.contohtek.example
< 250-mail.contohtek.example Hello [10.1.5.23]
> AUTH LOGIN
< 535 5.7.3 Authentication unsuccessful
> QUIT
< 221 2.0.0 Service closing transmission channel

The password of the scanner account was changed last week, maybe that is related?""",
     tail="""
Regards,
Hendra Gunawan
Facility Supervisor
PT Contoh Teknologi Indonesia
Ext. 2231""")

case(26, "outlook", "agent-commands", "id",
     frm=("Dimas Prakoso", "dimas@example.com"), to=HDI, topic="Printer lantai 3 sering macet",
     date=D(24, 10, 44, 9),
     q=Q(("Wawan Setiadi via Helpdesk IT", "support@example.com"), D(24, 10, 12, 0),
         notif_id(26, "Printer lantai 3 sering macet", "Wawan Setiadi", "wawan.setiadi@contoh.co.id",
                  "Selamat pagi,\n\nPrinter Kyocera di lantai 3 sering macet, kertasnya kusut di dalam.\nSudah 3 hari begini.\n\nWawan"),
         to=("Dimas Prakoso", "dimas@example.com")),
     body="""
#escalate printer rusak
#category Printer

Pak Wawan, printer Kyocera di lantai 3 perlu kami panggilkan teknisi vendor. Toner dan drum sudah kami cek, kertas macet di bagian fuser.
Untuk sementara silakan pakai printer di lantai 2 dulu.""",
     tail="""
Salam,
Dimas
Helpdesk IT""")

case(27, "owa", "new-outlook-english-on-indonesian-thread", "en", label="outlook",
     frm=("Mark Evans", "mark.evans@contohretail.example"), topic="Maintenance server hari Sabtu",
     date=D(25, 9, 33, 12), ui_lang="en", charset="utf-8",
     q=Q(SUPPORT, D(25, 8, 0, 0), """
Selamat pagi Bapak/Ibu,

Kami informasikan bahwa pada hari Sabtu, 28 November 2026 pukul
20.00 - 23.00 WIB akan dilakukan maintenance server. Selama waktu
tersebut aplikasi SAP tidak dapat diakses.

Salam,
Helpdesk IT""", to=("Mark Evans", "mark.evans@contohretail.example")),
     body="""
Hi Rina,

Apologies, I don't read Indonesian well. Is the server maintenance on Saturday going to affect the POS systems in the stores? Our stores are open until 22:00.""",
     tail="""
Best regards,
Mark Evans
Country Manager
PT Contoh Retail Indonesia
M: +62 811 555 0142""",
     disc="CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended recipient(s) and may contain confidential and privileged information. Any unauthorized review, use, disclosure or distribution is prohibited.")

case(28, "outlook", "quote-only", "id",
     frm=("Yanti Susilowati", "yanti.susilowati@contohmakmur.example"), topic="Permintaan mouse baru",
     date=D(26, 11, 1, 4),
     q=Q(HDI, D(26, 10, 40, 52), """
Selamat siang Bu Yanti,

Mouse pengganti sudah bisa diambil di ruang IT lantai 2.

Salam,
Rina
Helpdesk IT""", to=("Yanti Susilowati", "yanti.susilowati@contohmakmur.example")),
     body=[])

case(29, "outlook", "from-line-in-text", "id",
     frm=("Yuni Astuti", "yuni.astuti@contoh.co.id"), topic="Email mencurigakan minta transfer",
     date=D(27, 13, 12, 45), exchange=False,
     q=Q(HDI, D(27, 9, 3, 17), ack_id(29, "Yuni Astuti", "Email mencurigakan minta transfer"),
         to=("Yuni Astuti", "yuni.astuti@contoh.co.id")),
     body="""
Selamat siang,

Saya terima email yang mencurigakan tadi pagi, isinya minta transfer pembayaran ke rekening baru.
From: keuangan@contoh-pajak.example (bukan domain kantor kita)
Lampirannya belum saya buka. Apakah email ini aman?""",
     tail="""
Salam,
Yuni Astuti
Admin Purchasing""")

case(30, "outlook", "forward-with-note", "id",
     frm=("Rudy Hartanto", "rudy.hartanto@contohmakmur.example"), topic="Jadwal kunjungan teknisi CCTV",
     date=D(24, 13, 55, 30),
     q=Q(("Fajar | PT Contoh Vision", "service@contohvision.example"), D(24, 11, 20, 0), [],
         to=("Rudy Hartanto", "rudy.hartanto@contohmakmur.example"), subject="Jadwal kunjungan teknisi CCTV"),
     forward=dict(lines=T("""
Selamat siang Pak Rudy,

Teknisi kami dijadwalkan datang hari Kamis, 26 November 2026 pukul 10.00 untuk pengecekan NVR dan 4 kamera di area parkir.
Mohon disiapkan akses ke ruang server.

Salam,
Fajar
PT Contoh Vision""")),
     body="""
Pak Andi,

Mohon dibantu, di bawah ini email dari vendor CCTV soal jadwal kunjungan teknisi. Apakah bisa didampingi tim IT hari Kamis jam 10?""",
     tail=["Terima kasih,", "", "Rudy Hartanto", "GA Supervisor", "PT Contoh Makmur Sejahtera"])

case(31, "outlook", "thanks-disclaimer-after-quote", "en",
     frm=("Emily Tan", "emily.tan@contohholdings.example"), topic="Conference room booking calendar",
     date=D(27, 16, 20, 11), tenant="SG2PR06MB",
     q=Q(HD, D(27, 15, 1, 48), """
Hi Emily,

The room calendar for Board Room 1 has been fixed. New bookings should
appear for everyone within a few minutes.

Regards,
Andi
IT Helpdesk""", to=("Emily Tan", "emily.tan@contohholdings.example")),
     body="Thank you, all sorted now.",
     tail="""
Kind regards,
Emily Tan
Executive Assistant to the CEO
PT Contoh Holdings
Direct: +62 21 555 0177""",
     after_quote=T("""
DISCLAIMER: This email and any files transmitted with it are confidential and intended solely for the use of the individual or entity to whom they are addressed. If you are not the intended recipient, please delete this email and notify the sender immediately."""))

case(32, "outlook", "top-latin1", "id",
     frm=("Bambang Sutrisno", "bambang.sutrisno@grahacontoh.example"), topic="Suhu ruang server naik",
     date=D(25, 16, 3, 27), charset="iso-8859-1", exchange=False, mailto_style=True,
     xmailer="Microsoft Outlook 15.0",
     q=Q(HDI, D(25, 14, 30, 0), """
Selamat siang Pak Bambang,

Mohon info suhu ruang server saat ini, dan apakah AC unit 2 sudah
menyala lagi.

Salam,
Rina
Helpdesk IT""", to=("Bambang Sutrisno", "bambang.sutrisno@grahacontoh.example")),
     body=["Selamat sore Bu Rina,", "",
           "Suhu ruang server sekarang 31\u00b0C, AC unit 2 mati sejak jam 14.00. Teknisi AC baru bisa datang besok pagi.",
           "Untuk sementara pintu ruang server kami buka dan kami pasang kipas angin. Apakah aman?"],
     tail="""
Salam,
Bambang Sutrisno
Building Management
Gedung Graha Contoh Lt. 2
0812-5550-1234""")

# ============================================================ Outlook web ==

case(33, "owa", "thanks-name", "en",
     frm=("John Pereira", "john.pereira@contohtek.example"), topic="Shared mailbox not visible",
     date=D(23, 14, 44, 1),
     q=Q(HD, D(23, 13, 10, 20), """
Hi John,

We have given you full access to the shared mailbox
sales@contohtek.example. It can take up to an hour before it appears.

Regards,
Rina
IT Helpdesk""", to=("John Pereira", "john.pereira@contohtek.example")),
     body="""
Hi,

I can confirm the shared mailbox is visible now in Outlook on the web, but not in the desktop app. Do I need to restart the app or remove and add the account again?""",
     tail="""
Thanks,
John""")

case(34, "owa", "top-signature", "id",
     frm=("Lina Marlina", "lina.marlina@contoh.co.id"), topic="Akun SAP terkunci",
     date=D(24, 7, 49, 16),
     q=Q(HDI, D(24, 7, 30, 2), ack_id(34, "Lina Marlina", "Akun SAP terkunci"),
         to=("Lina Marlina", "lina.marlina@contoh.co.id")),
     body="""
Selamat pagi Pak/Bu,

Mohon bantuannya untuk reset password SAP atas nama Lina Marlina (user ID LMARLINA), akun saya terkunci setelah salah input password beberapa kali.
Hari ini ada closing bulanan, jadi cukup mendesak.""",
     tail="""
Salam,
Lina Marlina
Sekretariat Direksi""")

case(35, "owa", "indonesian-on-english-disclaimer", "id",
     frm=("Rudi Hartono", "rudi.hartono@contohmakmur.example"), topic="Software license renewal",
     date=D(26, 9, 58, 40), ui_lang="en",
     q=Q(HD, D(25, 15, 44, 9), """
Hello Rudi,

Your Adobe Acrobat license expires on 30 November 2026. Please confirm
whether you still need it so we can renew it.

Best regards,
Andi
IT Helpdesk""", to=("Rudi Hartono", "rudi.hartono@contohmakmur.example")),
     body="""
Halo Pak Andi,

Masih perlu Pak, saya pakai hampir setiap hari untuk tanda tangan dokumen kontrak.
Kalau bisa sekalian untuk Bu Tari di tim Legal, lisensinya habis bulan depan.""",
     tail="""
Terima kasih,
Rudi Hartono
Legal Officer""",
     disc="Email ini bersifat rahasia dan hanya ditujukan untuk penerima yang dimaksud. Jika Anda menerima email ini karena kesalahan, mohon segera hapus dan beritahu pengirim.")

case(36, "owa", "agent-commands", "en",
     frm=("Andi Saputra", "andi@example.com"), to=HD, topic="Cannot print from laptop",
     date=D(25, 11, 5, 33),
     q=Q(("Grace Lim via IT Helpdesk", "support@example.com"), D(24, 16, 50, 2),
         notif_en(36, "Cannot print from laptop", "Grace Lim", "grace.lim@contohtek.example",
                  "Hi,\n\nSince yesterday I can't print from my laptop, the jobs stay in the queue.\n\nGrace"),
         to=("Andi Saputra", "andi@example.com")),
     body="""
#close

Hi Grace, I called you this morning and the printer works again after reinstalling the driver. I'm closing the ticket, just reply to this mail if it happens again.""",
     tail="""
Regards,
Andi Saputra
IT Helpdesk | PT Contoh
Ext. 1010""")

case(37, "owa", "top-nbsp", "id",
     frm=("Joko Susanto", "joko.susanto@contoh.co.id"), topic="Laptop untuk karyawan magang",
     date=D(26, 13, 37, 8), charset="utf-8",
     q=Q(HDI, D(26, 11, 15, 44), """
Selamat siang Pak Joko,

Untuk laptop karyawan magang, mohon info jumlah unit, tanggal mulai, dan
aplikasi yang dibutuhkan.

Salam,
Rina
Helpdesk IT""", to=("Joko Susanto", "joko.susanto@contoh.co.id")),
     body=[L("Selamat siang Bu Rina,", "Selamat siang Bu Rina,&nbsp;"), "",
           "Untuk laptop karyawan magang, mohon disiapkan 3 unit mulai Senin, 30 November 2026.",
           L("Nama-namanya: Aldi, Bella, dan Citra. Semuanya di divisi Marketing.",
             "Nama-namanya: Aldi, Bella, dan Citra. Semuanya di divisi Marketing.&nbsp;"), "",
           "Aplikasi yang dibutuhkan: Office, Zoom, dan Canva."],
     tail="""
Salam,
Joko Susanto
HR Business Partner""")

case(38, "owa", "top-with-cc", "en",
     frm=("Fiona Gunawan", "fiona.gunawan@contohtek.example"), topic="Replacement keyboard and mouse",
     date=D(27, 10, 12, 19),
     q=Q(HD, D(27, 9, 1, 7), """
Hi Fiona,

The replacement keyboard and mouse cost IDR 850,000 in total. Please
confirm the cost center and we will order them today.

Regards,
Andi
IT Helpdesk""", to=("Fiona Gunawan", "fiona.gunawan@contohtek.example"),
         cc="Wati Susanti <wati.susanti@contohtek.example>"),
     body="""
Hi Andi,

Yes, please go ahead with the replacement. The cost center is CC-4410, my manager Ibu Wati is in cc for approval.""",
     tail="""
Regards,
Fiona""")

# ========================================================= Outlook mobile ==

case(39, "outlookios", "thanks-only", "en",
     frm=("Kevin Tan", "kevin.tan@sinarlogistik.example"), topic="Scan to email not working",
     date=D(23, 15, 2, 40),
     q=Q(HD, D(23, 14, 47, 5), """
Hi Kevin,

We reset the SMTP password on the printer. Scan to email works again,
we tested it with your address.

Regards,
Andi
IT Helpdesk""", to=("Kevin Tan", "kevin.tan@sinarlogistik.example")),
     body="Noted, thanks.")

case(40, "outlookios", "mobile-footer", "id",
     frm=("Fajar Nugroho", "fajar.nugroho@contoh.co.id"), topic="Internet kantor cabang Bekasi putus",
     date=D(24, 18, 22, 6),
     q=Q(HDI, D(24, 17, 40, 0), """
Selamat sore Pak Fajar,

Router di kantor cabang Bekasi sudah kami restart dari pusat. Mohon dicek
besok pagi apakah koneksi sudah stabil.

Salam,
Andi
Helpdesk IT""", to=("Fajar Nugroho", "fajar.nugroho@contoh.co.id")),
     body="Baik Pak, besok pagi saya cek lagi di kantor cabang Bekasi. Kalau masih putus saya kabari lagi.")

case(41, "outlookios", "bare-name-signoff", "en",
     frm=("James Carter", "james.carter@contohholdings.example"), topic="New laptop handover",
     date=D(23, 6, 55, 31),
     q=Q(HD, D(22, 16, 2, 0), """
Hi James,

Your new laptop is ready. When can we hand it over and migrate your data?

Regards,
Andi
IT Helpdesk""", to=("James Carter", "james.carter@contohholdings.example")),
     body="""
Hi team,

I'm travelling until Thursday. Please coordinate the laptop handover with my assistant Maya (maya.sari@contohholdings.example), she has my old laptop.""",
     tail="James")

case(42, "outlookandroid", "mobile-footer-bare-name", "id",
     frm=("Arif Rahman", "arif.rahman@contoh.co.id"), topic="Wifi ruang meeting lantai 5",
     date=D(26, 10, 3, 52),
     q=Q(HDI, D(25, 15, 12, 26), """
Selamat sore Pak Arif,

Access point di ruang meeting lantai 5 sudah kami ganti. Mohon kabari
kalau masih ada kendala.

Salam,
Andi
Helpdesk IT""", to=("Arif Rahman", "arif.rahman@contoh.co.id")),
     body="""
Pagi Pak Andi,
Wifi di ruang meeting lantai 5 masih putus-putus, terutama kalau ada lebih dari 10 orang yang konek.
Tadi pagi rapat dengan klien jadi terganggu.""",
     tail="Arif")

case(43, "outlookandroid", "html-only-style", "en",
     frm=("Sophie Laurent", "sophie.laurent@contohholdings.example"), topic="Card reader at main entrance",
     date=D(27, 7, 41, 15), html_only=True, cte="base64",
     html_head='<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>\n',
     q=Q(HD, D(26, 17, 5, 0), """
Hi Sophie,

The card reader firmware will be updated tonight after office hours.

Regards,
Rina
IT Helpdesk""", to=("Sophie Laurent", "sophie.laurent@contohholdings.example")),
     body="""
Hi,

The card reader at the main entrance is rejecting all badges since 07:30. Security is letting people in manually for now.

Can someone come down to the lobby?""",
     tail="""
Thanks,
Sophie""")

case(44, "outlookandroid", "html-only-list-style", "id",
     frm=("Melati Putri", "melati.putri@contoh.co.id"), topic="Aplikasi absensi error",
     date=D(25, 7, 12, 48), html_only=True, cte="quoted-printable",
     html_head=('<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>\n'
                '<style>ul{margin:0;padding-left:20px}li{margin:0}</style>\n'),
     q=Q(HDI, D(24, 16, 30, 9), """
Selamat sore Bu Melati,

Mohon info kendala yang muncul di aplikasi absensi dan tipe HP yang
dipakai.

Salam,
Rina
Helpdesk IT""", to=("Melati Putri", "melati.putri@contoh.co.id")),
     body=["Selamat pagi Bu,", "", "Berikut kendala di aplikasi absensi sejak update kemarin:",
           '* Tidak bisa login, muncul tulisan "Sesi berakhir"', "* Foto selfie tidak bisa diunggah", "",
           "HP saya Samsung A54, Android 14."],
     html_body=('<div dir="auto">Selamat pagi Bu,</div>\n<div dir="auto"><br></div>\n'
                '<div dir="auto">Berikut kendala di aplikasi absensi sejak update kemarin:</div>\n'
                '<ul>\n<li dir="auto">Tidak bisa login, muncul tulisan "Sesi berakhir"</li>\n'
                '<li dir="auto">Foto selfie tidak bisa diunggah</li>\n</ul>\n'
                '<div dir="auto"><br></div>\n<div dir="auto">HP saya Samsung A54, Android&nbsp;14.</div>'),
     tail="""
Terima kasih,
Melati""")

case(45, "outlookandroid", "html-only-thanks-only", "en",
     frm=("Ryan Tanoto", "ryan.tanoto@tokocontoh.example"), topic="POS in store 12 offline",
     date=D(26, 12, 30, 4), html_only=True, cte="base64",
     q=Q(HD, D(26, 12, 10, 55), """
Hi Ryan,

The POS server has been restarted and the morning transactions were
synchronised. Everything should be back to normal.

Regards,
Andi
IT Helpdesk""", to=("Ryan Tanoto", "ryan.tanoto@tokocontoh.example")),
     body="Thanks!")

# ============================================================= Apple Mail ==

case(46, "applemail", "pasted-git-error", "en",
     frm=("Andrew Gunawan", "andrew.gunawan@contohdigital.example"), topic="Cannot push to GitLab repository",
     date=D(24, 10, 26, 59),
     q=Q(HD, D(24, 9, 31, 40), """
Hi Andrew,

We have added you to the "web" group in GitLab with Developer access.
Could you try pushing again?

Regards,
Andi
IT Helpdesk"""),
     body="""
Hi Andi,

Still getting this after you added me to the group:

$ git push origin main
ERROR: Permission to web/checkout.git denied to andrew.gunawan.
fatal: Could not read from remote repository.

Please make sure you have the correct access rights
and the repository exists.

My SSH key is the one ending in ...x7Qw, same as last month.""",
     tail="""
Best,
Andrew

Andrew Gunawan
Lead Developer, PT Contoh Digital
+62 812 555 0190""")

case(47, "applemail", "top-signature", "id",
     frm=("Maria Ulfa", "maria.ulfa@contoh.co.id"), topic="Laptop untuk diperbaiki",
     date=D(25, 8, 40, 2),
     q=Q(SUPPORT, D(24, 17, 3, 14), """
Selamat sore Bu Maria,

Teknisi kami bisa mengambil laptop Ibu besok pagi. Di mana laptopnya
bisa diambil?

Salam,
Andi
Helpdesk IT"""),
     body="""
Halo Pak Andi,

Saya sudah di kantor. Laptopnya bisa diambil di meja resepsionis lantai 2, sudah saya titipkan ke Mbak Nia.
Password BitLocker-nya saya kirim lewat WA ya Pak.""",
     tail="""
Salam,
Maria""")

Q48 = T("""
Hi Laura,

A few questions so we can order the right monitor:
- Which port does your laptop have (HDMI or USB-C)?
- Do you need a height-adjustable stand?

Thanks,
Andi
IT Helpdesk""")
case(48, "applemail", "interleaved", "en",
     frm=("Laura Siregar", "laura.siregar@contohdigital.example"), topic="Second monitor request",
     date=D(26, 11, 48, 20),
     q=Q(HD, D(26, 9, 12, 3), Q48),
     flow=[("n", ["Hi Andi, answers inline."]),
           ("q", Q48[:4]),
           ("n", ["USB-C only, it's the new MacBook Air."]),
           ("q", Q48[4:5]),
           ("n", ["Yes please, I've had neck problems with the current one."]),
           ("q", Q48[6:]),
           ("c", ["Laura"])])

case(49, "applemail", "indonesian-on-english-thread", "id",
     frm=("Teguh Santoso", "teguh.santoso@contohkreatif.example"), topic="Adobe license renewal",
     date=D(27, 16, 18, 33), ui_lang="en",
     q=Q(HD, D(27, 10, 4, 0), """
Hello Teguh,

Your team's Adobe Creative Cloud licenses (8 users) expire on
15 December 2026. How many should we renew?

Kind regards,
Andi
IT Helpdesk"""),
     body="""
Selamat sore,

Untuk perpanjangan lisensi Adobe, tolong 3 user saja: saya, Bu Ratna, dan Pak Hendra. Yang lain sudah tidak dipakai sejak proyek selesai.""",
     tail="""
Terima kasih,
Teguh Santoso
Kepala Divisi Desain
PT Contoh Kreatif""")

Q50 = T("""
Selamat pagi Pak Irwan,

Apakah printer di ruang Bapak sudah bisa dipakai lagi setelah kami ganti
kabel LAN kemarin?

Salam,
Rina
Helpdesk IT""")
case(50, "applemail", "bottom-posted", "id",
     frm=("Irwan Setiabudi", "irwan.setiabudi@contoh.co.id"), topic="Printer ruang legal",
     date=D(24, 9, 30, 45),
     q=Q(SUPPORT, D(24, 8, 2, 18), Q50),
     flow=[("q", Q50),
           ("n", ['Sudah bisa, Mbak. Tapi scan ke folder masih gagal, muncul "Connection failed".', "",
                  "Kalau ada waktu tolong dicek hari ini ya."]),
           ("c", ["Irwan"])])

case(51, "applemail", "wrote-sentence-link", "en",
     frm=("Andrew Gunawan", "andrew.gunawan@contohdigital.example"), topic="Staging site returns 502",
     date=D(23, 8, 2, 10),
     q=Q(HD, D(23, 7, 15, 0), ack_en(51, "Andrew Gunawan", "Staging site returns 502")),
     body=["Hi Rina,", "",
           L("The status page says everything is fine (https://status.contohdigital.example), but our staging site has been returning 502 since 06:00.",
             'The status page says everything is fine (<a href="https://status.contohdigital.example">https://status.contohdigital.example</a>), but our staging site has been returning 502 since 06:00.'),
           "",
           "On Friday the vendor wrote to us that the load balancer would be replaced over the weekend, maybe that's related?"],
     tail="""
Thanks,
Andrew""")

# ================================================================= iPhone ==

case(52, "iphone", "mobile-footer", "id",
     frm=("Nia Kurnia", "nia.kurnia@contoh.co.id"), topic="Komputer resepsionis hang",
     date=D(24, 10, 11, 37),
     q=Q(SUPPORT, D(24, 9, 50, 0), """
Selamat pagi Bu Nia,

Mohon dicoba restart komputernya terlebih dahulu, lalu kabari kami apakah
masih hang.

Salam,
Rina
Helpdesk IT"""),
     body="Siap Bu, sudah saya restart dan sekarang bisa.")

case(53, "iphone", "thanks-only", "en",
     frm=("Oliver Hayes", "oliver.hayes@contohholdings.example"), topic="Password reset",
     date=D(25, 19, 2, 14),
     q=Q(HD, D(25, 18, 40, 22), """
Hi Oliver,

Your password has been reset. Please use the temporary password from the
SMS and change it at first login.

Regards,
Andi
IT Helpdesk"""),
     body="Thanks!")

case(54, "iphone", "agent-commands-dash-name", "en",
     frm=("Rina Wulandari", "rina@example.com"), to=HD, topic="Printer toner low",
     date=D(26, 14, 21, 3),
     q=Q(("Lisa Hartono via IT Helpdesk", "support@example.com"), D(26, 13, 2, 51),
         notif_en(54, "Printer toner low", "Lisa Hartono", "lisa.hartono@example.org",
                  "Hi,\n\nThe printer near the finance room says toner low and prints very light.\n\nLisa")),
     body="""
#close

Hi Lisa, I replaced the toner cartridge, the test page prints fine now.""",
     tail="- Rina")

case(55, "iphone", "quote-only-footer", "id",
     frm=("Sari Dewi", "sari.dewi@contoh.co.id"), topic="Tidak bisa akses Wi-Fi tamu",
     date=D(27, 12, 4, 0),
     q=Q(SUPPORT, D(27, 11, 30, 41), """
Selamat siang Bu Sari,

Password Wi-Fi tamu minggu ini adalah Tamu#4821.

Salam,
Rina
Helpdesk IT"""),
     body=[])

case(56, "iphone", "from-line-in-text", "en",
     frm=("Ryan Tanoto", "ryan.tanoto@tokocontoh.example"), topic="POS in store 12 offline",
     date=D(26, 9, 33, 58), attr_kind="apple-us",
     q=Q(HD, D(26, 7, 20, 0), ack_en(56, "Ryan Tanoto", "POS in store 12 offline")),
     body="""
From: Store 12 (Kelapa Gading)
The POS was offline from 7am to 9am. It's back now but we lost the morning sales data.
Can you check if the transactions were saved on the server?""",
     tail="Ryan")

case(57, "iphone", "formal-hormat-saya", "id",
     frm=("Bambang Hermawan", "bambang.hermawan@contohkarya.example"), topic="Akses VPN untuk dinas",
     date=D(25, 6, 48, 12),
     q=Q(SUPPORT, D(24, 15, 20, 0), """
Selamat sore Pak Bambang,

Untuk aktivasi VPN, mohon info periode dinas dan nomor aset laptop yang
akan dibawa.

Salam,
Andi
Helpdesk IT"""),
     body="""
Selamat pagi Pak Andi,

Mohon maaf baru membalas. Berikut data untuk akses VPN selama dinas di Balikpapan:
From: Ir. Bambang Hermawan (Divisi Proyek)
Periode: Senin 30 November s/d Jumat 4 Desember 2026
Laptop: aset LPT-0118""",
     tail="""
Hormat saya,
Ir. Bambang Hermawan
Manajer Proyek""")

case(58, "iphone", "on-monday-sentence", "id",
     frm=("Wati Rahayu", "wati.rahayu@contoh.co.id"), topic="Printer ruang direksi",
     date=D(26, 12, 15, 9),
     q=Q(SUPPORT, D(23, 10, 5, 0), ack_id(58, "Wati Rahayu", "Printer ruang direksi")),
     body="""
Selamat siang Pak,

Pada hari Senin saya sudah menulis ke helpdesk soal printer di ruang direksi, tapi sampai sekarang belum ada teknisi yang datang.
Mohon dibantu hari ini ya Pak, besok pagi ada rapat direksi.""",
     tail="""
Terima kasih,
Wati""")

case(59, "iphone", "ipad-footer", "en",
     frm=("Oliver Hayes", "oliver.hayes@contohholdings.example"), topic="Guest Wi-Fi in Bali office",
     date=D(24, 16, 5, 20, tz=WITA), footer="Sent from my iPad", xmailer="iPad Mail (22B91)",
     q=Q(HD, D(24, 14, 2, 37, tz=WITA), """
Hi Oliver,

The guest Wi-Fi in the Jakarta office has a new password since Monday,
it is on the sign at the reception.

Regards,
Andi
IT Helpdesk"""),
     body="""
Hi Andi,

Could you also check the Wi-Fi in the Bali office? Guests can't connect to the "Tamu" network since yesterday, the password on the sign doesn't work.""",
     tail="""
Regards,
Oliver""")

# ============================================================ Thunderbird ==

case(60, "thunderbird", "plain-top-signature", "en",
     frm=("Eko Prasetyo", "eko.prasetyo@example.org"), topic="UPS beeping in warehouse",
     date=D(23, 9, 2, 31),
     q=Q(SUPPORT, D(23, 8, 40, 12), """
Hi Eko,

Could you tell us which error code is shown on the UPS display?

Regards,
Rina
IT Helpdesk"""),
     body="""
Hi,

The error code on the UPS display is F05. It started beeping around 08:30 and switched to battery twice this morning. The room is about 33°C, the AC has been off since last night.""",
     sig="""
Eko Prasetyo
Facilities | Gudang Cikarang""")

Q61 = T("""
Hi Steven,

Could you check whether last night's backup of the file server finished?

Thanks,
Andi
IT Helpdesk""")
case(61, "thunderbird", "plain-bottom-posted", "en",
     frm=("Steven Halim", "steven.halim@example.org"), topic="File server backup",
     date=D(24, 8, 50, 3), attr_kind="tb-us", clang="en-US",
     q=Q(SUPPORT, D(24, 8, 2, 0), Q61),
     flow=[("q", Q61),
           ("n", ['Yes, the backup finished at 02:14 according to the log. The report mail said "completed with warnings" though:',
                  "", "  Warning: 3 files skipped (locked by another process)", "",
                  "Is that something to worry about?"])],
     sig="""
Steven Halim
System Administrator""")

Q62 = T("""
Selamat pagi Pak Ahmad,

Mohon dicoba cabut kabel LAN di PC kasir, tunggu 10 detik, lalu pasang
lagi. Kabari kami hasilnya.

Salam,
Rina
Helpdesk IT""")
case(62, "thunderbird", "plain-bottom-posted", "id",
     frm=("Ahmad Fauzi", "ahmad.fauzi@example.id"), topic="Internet PC kasir mati",
     date=D(25, 9, 17, 44),
     q=Q(SUPPORT, D(25, 8, 30, 5), Q62),
     flow=[("q", Q62),
           ("n", ["Sudah saya coba, Mbak. Setelah kabel LAN dicabut dan dipasang lagi, internet di PC kasir 2 sudah normal.",
                  "Tapi PC kasir 3 masih belum dapat IP."]),
           ("c", ["Salam,", "Ahmad"])])

Q63 = T("""
Hi Chris,

To set up the new printer we need a few details:

1. Which floor and room?
2. How many users will print to it?
3. Do you need colour printing?

Thanks,
Rina
IT Helpdesk""")
case(63, "thunderbird", "plain-interleaved", "en",
     frm=("Chris Tanaka", "chris.tanaka@example.org"), topic="New printer for Accounting",
     date=D(26, 10, 7, 7),
     q=Q(SUPPORT, D(26, 9, 12, 3), Q63),
     flow=[("n", ["Hi Rina,"]),
           ("q", Q63[:5]),
           ("n", ["4th floor, room 412 (Accounting)."]),
           ("q", Q63[5:6]),
           ("n", ["About 12 people."]),
           ("q", Q63[6:7]),
           ("n", ["Yes, but only for two of them. Can colour be restricted per user?"])],
     sig="""
Chris Tanaka
Accounting""")

Q64 = T("""
Selamat siang Pak Yosef,

Untuk instalasi aplikasi akuntansi di PC baru, mohon konfirmasi:
- Versi Windows yang dipakai?
- Apakah PC sudah terhubung ke domain kantor?
- Kapan PC bisa kami remote?

Salam,
Andi
Helpdesk IT""")
case(64, "thunderbird", "plain-interleaved", "id",
     frm=("Yosef Manurung", "yosef.manurung@example.id"), topic="Instalasi aplikasi akuntansi",
     date=D(27, 13, 40, 0),
     q=Q(SUPPORT, D(27, 11, 2, 9), Q64),
     flow=[("q", Q64[:4]),
           ("n", ["Windows 11 Pro 23H2."]),
           ("q", Q64[4:5]),
           ("n", ['Belum, Pak. Kemarin sempat error waktu join domain, pesannya "The specified domain either does not exist or could not be contacted".']),
           ("q", Q64[5:6]),
           ("n", ["Besok jam 9 pagi bisa, AnyDesk ID-nya 482 115 903."]),
           ("c", ["Terima kasih,", "Yosef"])])

case(65, "thunderbird", "plain-flowed-pasted-tracert", "id",
     frm=("Hotma Simanjuntak", "hotma.simanjuntak@example.id"), topic="Kantor cabang Medan tidak bisa akses server",
     date=D(24, 14, 28, 36),
     q=Q(SUPPORT, D(24, 13, 45, 0), """
Selamat siang Pak Hotma,

Mohon jalankan tracert ke 10.10.1.5 dari salah satu PC di cabang Medan
dan kirimkan hasilnya.

Salam,
Andi
Helpdesk IT"""),
     body=["Pak Andi,", "",
           "Berikut hasil tracert dari PC di kantor cabang Medan, sepertinya putus setelah router kantor:", "",
           "> tracert 10.10.1.5", "",
           "Tracing route to 10.10.1.5 over a maximum of 30 hops", "",
           "  1    <1 ms    <1 ms    <1 ms  192.168.10.1",
           "  2     *        *        *     Request timed out.",
           "  3     *        *        *     Request timed out.", "",
           "Koneksi internet biasa (buka website) normal, hanya ke server pusat yang tidak bisa."],
     tail="""
Salam,
Hotma""")

case(66, "thunderbird", "plain-agent-commands", "id",
     frm=("Andi Saputra", "andi@example.com"), to=HDI, topic="Laptop direksi tidak bisa presentasi",
     date=D(25, 11, 3, 29),
     q=Q(("Helpdesk IT", "support@example.com"), D(25, 10, 51, 2),
         notif_id(66, "Laptop direksi tidak bisa presentasi", "Susi Handayani", "susi.handayani@contoh.co.id",
                  "Selamat pagi,\n\nLaptop Pak Direktur tidak bisa tampil di layar TV ruang rapat lantai 7.\nPresentasinya jam 3 sore ini.\n\nSusi")),
     body="""
#note
#assign rina
#priority urgent

Mbak Rina, tolong ditangani ya. User di lantai 7 (ruang Direksi), laptopnya dipakai untuk presentasi jam 3 sore.""",
     sig="""
Andi Saputra
Helpdesk IT""")

case(67, "thunderbird", "plain-flowed-long-paragraph", "en",
     frm=("Martin Kusuma", "martin.kusuma@example.org"), topic="Acrobat freezes on PDF attachments",
     date=D(23, 9, 44, 51), attr_kind="tb-us", clang="en-US",
     q=Q(SUPPORT, D(23, 9, 1, 30), ack_en(67, "Martin Kusuma", "Acrobat freezes on PDF attachments")),
     body="""
Hello IT team,

Since this morning every time I open a PDF attachment from the shared folder, Acrobat freezes for about a minute and then shows "The file is damaged and could not be repaired". The same files open fine on my colleague's laptop, so I think it's something on my machine rather than the files themselves.

I'm at my desk all day if you want to remote in.""",
     tail="Regards,",
     sig="""
Martin Kusuma
Quality Assurance
Ext. 4410""")

case(68, "tbhtml", "html-lists", "en",
     frm=("Linda Wijaya", "linda.wijaya@example.org"), topic="New laptop setup",
     date=D(24, 15, 10, 27),
     q=Q(SUPPORT, D(24, 13, 0, 0), """
Hi Linda,

Your new laptop is set up and your files have been copied. Please let us
know if anything is missing.

Regards,
Andi
IT Helpdesk"""),
     body=["Hi Andi,", "", "Thanks for setting up the new laptop. A few things are still missing:", "",
           "* The network printer on the 2nd floor", "* Access to the Finance share (\\\\fs01\\finance)",
           "* My signature in Outlook", "", "Could you also install these, in this order:", "",
           "1. Power BI Desktop", "2. The Jabra headset driver", "", "I'm in the office until 5pm."],
     html_body=("    <p>Hi Andi,</p>\n"
                "    <p>Thanks for setting up the new laptop. A few things are still missing:</p>\n"
                "    <ul>\n      <li>The network printer on the 2nd floor</li>\n"
                "      <li>Access to the Finance share (\\\\fs01\\finance)</li>\n"
                "      <li>My signature in Outlook</li>\n    </ul>\n"
                "    <p>Could you also install these, in this order:</p>\n"
                "    <ol>\n      <li>Power BI Desktop</li>\n      <li>The Jabra headset driver</li>\n    </ol>\n"
                "    <p>I'm in the office until 5pm.</p>\n"),
     tail="""
Regards,
Linda""",
     sig="""
Linda Wijaya
Finance Controller""")

Q69 = T("""
Selamat siang Bu Gita,

Mohon dicoba hapus cache browser lalu buka lagi aplikasi e-procurement.

Salam,
Rina
Helpdesk IT""")
case(69, "tbhtml", "html-bottom-posted", "id",
     frm=("Gita Maharani", "gita.maharani@example.id"), topic="Aplikasi e-procurement tidak bisa dibuka",
     date=D(25, 14, 2, 16),
     q=Q(SUPPORT, D(25, 11, 44, 0), Q69),
     flow=[("q", Q69),
           ("n", ["Sudah Mbak, setelah saya hapus cache browser, aplikasi e-procurement sudah bisa dibuka.", "",
                  'Tapi tombol "Submit" di halaman penawaran masih tidak bisa diklik, tidak ada reaksi sama sekali.']),
           ("c", ["Salam,", "Gita"])],
     sig="""
Gita Maharani
Staf Pengadaan""")

Q70 = T("""
Hi Paul,

Before we order the licences, please confirm:
How many users need Visio?
Do they need the desktop app or is the web version enough?

Regards,
Andi
IT Helpdesk""")
case(70, "tbhtml", "html-interleaved", "en",
     frm=("Paul Sitompul", "paul.sitompul@example.org"), topic="Visio licences",
     date=D(26, 16, 40, 2),
     q=Q(SUPPORT, D(26, 14, 12, 0), Q70),
     flow=[("n", ["Hi Andi,"]),
           ("q", Q70[:4]),
           ("n", ["Five users: me, Dina, Rafi, Tono and Zoë."]),
           ("q", Q70[4:5]),
           ("n", ["Desktop, we often work offline at the plant."]),
           ("c", ["Paul"])])

case(71, "tbhtml", "html-link-bold-nbsp", "id",
     frm=("Wahyu Hidayat", "wahyu.hidayat@contohmakmur.example"), topic="Website kantor tidak bisa dibuka",
     date=D(27, 7, 35, 48),
     q=Q(SUPPORT, D(26, 17, 0, 0), ack_id(71, "Wahyu Hidayat", "Website kantor tidak bisa dibuka")),
     body=["Selamat pagi Bu Rina,", "",
           "Mohon bantuannya, website kantor https://www.contohmakmur.example tidak bisa dibuka sejak jam 07.00.",
           "Pesan yang muncul: ERR_CONNECTION_TIMED_OUT.", "",
           "Sudah saya coba dari HP (pakai data seluler) hasilnya sama."],
     html_body=("    <p>Selamat pagi Bu Rina,</p>\n"
                "    <p>Mohon bantuannya, website kantor <a class=\"moz-txt-link-freetext\" "
                "href=\"https://www.contohmakmur.example\">https://www.contohmakmur.example</a>\n"
                "      tidak bisa dibuka sejak jam 07.00.<br>\n"
                "      Pesan yang muncul: <b>ERR_CONNECTION_TIMED_OUT</b>.</p>\n"
                "    <p>Sudah saya coba dari HP (pakai data seluler)&nbsp;hasilnya sama.</p>\n"),
     tail="""
Terima kasih,
Wahyu""",
     sig="""
Wahyu Hidayat
Staf Admin Cabang Bandung""")

# ================================================================== Yahoo ==

case(72, "yahoo", "wrote-sentence", "en",
     frm=("Rachel Ong", "rachel.ong@example.net"), topic="Cannot log in to webmail",
     date=D(25, 20, 14, 9),
     q=Q(SUPPORT, D(25, 16, 2, 3), """
Dear Ms. Ong,

We have reset your webmail password. Please try to log in again with the
new password sent to your phone.

Kind regards,
Customer Support"""),
     body="""
Hello,

On 20 Nov, Andi wrote to me that my email account would be active by Friday, but I still can't log in to webmail.
The error says "Invalid username or password" even after the reset.""",
     tail="""
Thank you,
Rachel Ong""")

case(73, "yahoo", "top-salam", "id",
     frm=("Wati Susanti", "wati.susanti@example.net"), topic="Status tagihan belum lunas",
     date=D(24, 21, 3, 40),
     q=Q(SUPPORT, D(24, 10, 12, 55), """
Selamat pagi Ibu Wati,

Tagihan Ibu untuk bulan November sebesar Rp 385.000 belum kami terima.
Mohon kirimkan bukti transfer jika sudah membayar.

Salam,
Layanan Pelanggan"""),
     body="""
Selamat malam,

Mohon maaf baru balas. Tagihan bulan November sudah saya bayar tanggal 21 lewat transfer bank, bukti transfernya saya lampirkan.
Tapi di aplikasi status tagihannya masih "Belum lunas".""",
     tail="""
Salam,
Wati""")

case(74, "yahoo", "pasted-nslookup", "id",
     frm=("Doni Saputra", "doni.saputra@example.net"), topic="Email toko tidak bisa diterima",
     date=D(26, 10, 55, 1),
     q=Q(SUPPORT, D(26, 9, 30, 0), """
Selamat pagi Pak Doni,

Mohon dicek dengan perintah nslookup untuk mail.tokocontoh.example dari
laptop Bapak, lalu kirimkan hasilnya.

Salam,
Andi
Helpdesk"""),
     body="""
Pak Andi,

Ini hasil nslookup dari laptop saya:

> mail.tokocontoh.example
Server:  UnKnown
Address:  192.168.1.1

*** UnKnown can't find mail.tokocontoh.example: Non-existent domain

Apakah DNS-nya belum diupdate?""",
     tail="""
Terima kasih,
Doni""")

case(75, "yahoo", "english-on-indonesian-thread", "en",
     frm=("Peter Lee", "peter.lee@example.net"), topic="Paket internet rumah",
     date=D(23, 19, 40, 22), ui_lang="en",
     q=Q(SUPPORT, D(23, 14, 5, 38), """
Yth. Bapak Peter,

Kami informasikan bahwa paket internet Bapak akan berakhir pada
30 November 2026. Silakan lakukan pembayaran sebelum tanggal tersebut.

Salam,
Layanan Pelanggan"""),
     body="""
Hi,

Sorry, I don't speak Indonesian. I received an email from you about my internet package but I could not understand it. Is there a problem with my payment?""",
     tail="""
Regards,
Peter""")

case(76, "yahoo", "thanks-only", "id",
     frm=("Sumarni", "sumarni68@example.net"), topic="Lupa password aplikasi",
     date=D(27, 9, 12, 0),
     q=Q(SUPPORT, D(27, 8, 40, 0), """
Selamat pagi Ibu Sumarni,

Password aplikasi Ibu sudah kami reset. Silakan login dengan password
yang kami kirim lewat SMS.

Salam,
Layanan Pelanggan"""),
     body="Terima kasih, Pak. Sudah bisa login lagi.")

# ========================================================== Yahoo Android ==

case(77, "yahooandroid", "mobile-footer", "id",
     frm=("Rizky Ramadhan", "rizky.ramadhan@example.net"), topic="Internet rumah mati",
     date=D(24, 7, 22, 13),
     q=Q(SUPPORT, D(23, 20, 0, 0), """
Selamat malam Bapak Rizky,

Mohon info warna lampu indikator pada modem Bapak saat ini.

Salam,
Layanan Pelanggan"""),
     body="""
Pak, modem saya lampu LOS-nya merah dari tadi pagi.
Sudah saya restart 2 kali tetap sama.""")

case(78, "yahooandroid", "mobile-footer", "en",
     frm=("Amanda Chen", "amanda.chen@example.net"), topic="Technician visit",
     date=D(25, 10, 4, 59),
     q=Q(SUPPORT, D(24, 15, 30, 0), """
Dear Ms. Chen,

Our technician will visit your home tomorrow between 9am and 12pm.

Kind regards,
Customer Support"""),
     body="Hi, the technician hasn't arrived yet. I've been waiting since 9. Can you give me his phone number?")

case(79, "yahooandroid", "bare-name-signoff", "id",
     frm=("Sari Lestari", "sari.lestari77@example.net"), topic="Jadwal pemasangan",
     date=D(26, 18, 30, 11),
     q=Q(SUPPORT, D(26, 16, 2, 0), """
Selamat sore Ibu Sari,

Teknisi kami akan datang besok antara pukul 08.00 - 12.00 untuk
pemasangan.

Salam,
Layanan Pelanggan"""),
     body="Baik, besok saya tunggu di rumah dari jam 8.",
     tail="Sari")

# ================================================================ Samsung ==

case(80, "samsung", "mobile-footer-pesan-asli", "id",
     frm=("Joko Susilo", "joko.susilo@contoh.co.id"), topic="Printer gudang tidak bisa print",
     date=D(23, 11, 6, 30),
     q=Q(SUPPORT, D(23, 9, 12, 3), """
Selamat pagi Pak Joko,

Driver printer di PC gudang sudah kami install ulang dari jarak jauh.
Mohon dicoba print lagi.

Salam,
Rina
Helpdesk IT"""),
     body="""
Mbak, printer di gudang sudah bisa print lagi.
Tapi hasilnya bergaris di bagian kiri.""")

case(81, "samsung", "galaxy-footer-original-message", "en",
     frm=("Brian Santoso", "brian.santoso@sinarlogistik.example"), topic="Barcode scanners and new Wi-Fi",
     date=D(25, 13, 44, 9), samsung_new=True,
     q=Q(HD, D(25, 11, 20, 0), """
Hi Brian,

The new Wi-Fi in the Cikarang warehouse is live. The barcode scanners
should connect automatically to WH-SCAN.

Regards,
Rina
IT Helpdesk"""),
     body="""
Hi Rina,

I'm at the Cikarang warehouse now. The barcode scanners still can't connect to the new Wi-Fi, they only see the old SSID.""",
     tail="""
Thanks,
Brian""")

case(82, "samsung", "thanks-only-emoji", "id",
     frm=("Dwi Handoko", "dwi.handoko@contoh.co.id"), topic="Akun Zoom",
     date=D(24, 16, 12, 44), footer="Dikirim dari smartphone Samsung Galaxy saya.",
     q=Q(SUPPORT, D(24, 16, 0, 12), """
Selamat sore Mas Dwi,

Akun Zoom Pro sudah aktif, silakan login dengan email kantor.

Salam,
Andi
Helpdesk IT"""),
     body="Makasih mas \U0001F64F")

case(83, "samsung", "style-script-pasted", "id",
     frm=("Novi Andriani", "novi.andriani@contoh.co.id"), topic="Internet kantor putus-putus",
     date=D(25, 8, 31, 17),
     html_head=('<meta name="viewport" content="width=device-width, initial-scale=1.0">'
                '<style>body{font-family:"Roboto",sans-serif;font-size:14px}.status{color:#c00;font-weight:bold}</style>'),
     q=Q(SUPPORT, D(20, 9, 2, 0), ack_id(83, "Novi Andriani", "Internet kantor putus-putus")),
     body=["Selamat pagi,", "",
           "Pada tanggal 20 Nov saya sudah kirim email ke helpdesk soal internet kantor yang putus-putus, tapi belum ada jawaban.",
           "Di website provider tertulis:", "Status: Gangguan jaringan di area Jabodetabek", "",
           "Apakah ini penyebabnya?"],
     html_body=('<div dir="auto">Selamat pagi,</div><div dir="auto"><br></div>'
                '<div dir="auto">Pada tanggal 20 Nov saya sudah kirim email ke helpdesk soal internet kantor yang putus-putus, tapi belum ada jawaban.</div>'
                '<div dir="auto">Di website provider tertulis:</div>'
                '<div dir="auto"><script type="text/javascript">window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag("js",new Date());</script>'
                '<span class="status">Status: Gangguan jaringan di area Jabodetabek</span></div>'
                '<div dir="auto"><br></div><div dir="auto">Apakah ini penyebabnya?</div>'
                '<div dir="auto"><br></div><div dir="auto">Salam,</div><div dir="auto">Novi</div>'))

case(84, "samsung", "agent-commands", "id",
     frm=("Dimas Prakoso", "dimas@example.com"), to=HDI, topic="Printer lantai 3 rusak",
     date=D(24, 15, 2, 50),
     q=Q(("Yanti Susilowati via Helpdesk IT", "support@example.com"), D(24, 14, 20, 0),
         notif_id(84, "Printer lantai 3 rusak", "Yanti Susilowati", "yanti.susilowati@contohmakmur.example",
                  "Siang,\n\nPrinter di lantai 3 bunyi keras dan tidak mau menarik kertas.\n\nYanti", tier=2)),
     body="""
#tier 3
#visit 2026-11-26 10:00 2h Teknisi datang ke lantai 3

Bu Yanti, teknisi kami akan datang hari Kamis jam 10 pagi untuk cek printer di lantai 3.""",
     tail="""
Salam,
Dimas""")

case(85, "samsung", "galaxy-footer", "en",
     frm=("Brian Santoso", "brian.santoso@sinarlogistik.example"), topic="Forklift tablet cannot sync",
     date=D(26, 10, 20, 5),
     q=Q(HD, D(26, 9, 55, 40), """
Hi Brian,

Could you send us a screenshot of the sync error on the forklift tablet?

Regards,
Rina
IT Helpdesk"""),
     body="Sorry, wrong attachment. The correct screenshot is attached now.")

# =================================================================== mutt ==

Q86 = T("""
Hi Agus,

We are moving the build server to the new VLAN on Saturday.
Will your team need access during the weekend?
Also, which ports does the CI runner need open?

Regards,
Andi
IT Helpdesk""")
case(86, "mutt", "interleaved", "en",
     frm=("Agus Salim", "agus.salim@contohdigital.example"), topic="Build server VLAN move",
     date=D(25, 17, 2, 33), host="bastion.contohdigital.example",
     q=Q(SUPPORT, D(25, 14, 20, 0), Q86),
     flow=[("q", Q86[:4]),
           ("n", ["Only Sunday evening, we have a release on Monday morning."]),
           ("q", Q86[4:5]),
           ("n", ["22 and 443 outbound to gitlab.contohdigital.example, and 5000 to",
                  "the registry. Nothing inbound."])],
     sig="Agus Salim | Platform team")

Q87 = T("""
Halo Mas Bayu,

Untuk migrasi mailbox ke server baru, mohon info:
Berapa besar mailbox Mas saat ini?
Apakah ada folder arsip lokal (PST) yang perlu ikut dipindah?

Salam,
Rina
Helpdesk IT""")
case(87, "mutt", "interleaved", "id",
     frm=("Bayu Aji", "bayu.aji@example.id"), topic="Migrasi mailbox",
     date=D(26, 20, 11, 2), ua="NeoMutt/20231103",
     q=Q(SUPPORT, D(26, 15, 30, 0), Q87),
     flow=[("n", ["Halo Mbak Rina,"]),
           ("q", Q87[:4]),
           ("n", ["Sekitar 6,5 GB, paling banyak di folder Sent."]),
           ("q", Q87[4:5]),
           ("n", ["Tidak ada, saya pakai mutt dengan IMAP saja, semua sudah di server."])],
     sig="Bayu")

Q88 = T("""
Hi Hans,

Could you check whether nginx is running on web02?
And please send the last lines of the error log.

Thanks,
Rina
IT Helpdesk""")
case(88, "mutt", "interleaved-shell-output", "en",
     frm=("Hans Gunadi", "hans.gunadi@example.org"), topic="App server timeouts",
     date=D(24, 8, 10, 52), attr_kind="mutt-default",
     q=Q(SUPPORT, D(24, 7, 45, 10), Q88),
     flow=[("q", Q88[:3]),
           ("n", ["It is running:", "", "$ systemctl is-active nginx", "active"]),
           ("q", Q88[3:4]),
           ("n", ["$ sudo tail -n 2 /var/log/nginx/error.log",
                  "2026/11/24 07:58:12 [error] 1123#1123: *8812 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.3.14, server: app.example.org",
                  "2026/11/24 07:58:40 [error] 1123#1123: *8830 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.3.14, server: app.example.org",
                  "", "So it's the app behind it, not nginx."])],
     sig="Hans")

Q89 = T("""
Selamat pagi Pak Rahmat,

Job backup semalam gagal dengan pesan "No space left on device".
Mohon dicek sisa disk di server backup.

Salam,
Andi
Helpdesk IT""")
case(89, "mutt", "bottom-posted", "id",
     frm=("Rahmat Hidayat", "rahmat.hidayat@example.id"), topic="Backup semalam gagal",
     date=D(25, 9, 5, 40),
     q=Q(SUPPORT, D(25, 7, 30, 0), Q89),
     flow=[("q", Q89),
           ("n", ["Sudah saya cek, Pak. Disk di server backup tinggal 4%.",
                  "Saya hapus dulu backup bulan Agustus supaya job malam ini bisa jalan."])],
     sig="Rahmat")

Q90 = T("""
Halo Mas Gilang,

Akun SSH Mas di server dev01 sudah kami buat.
Silakan dicoba login, kabari kalau ada kendala.

Salam,
Rina
Helpdesk IT""")
case(90, "mutt", "interleaved-pasted-ssh-error", "id",
     frm=("Gilang Permana", "gilang.permana@example.id"), topic="Akses SSH server dev01",
     date=D(27, 10, 42, 17), ua="NeoMutt/20231103",
     q=Q(SUPPORT, D(27, 9, 12, 3), Q90),
     flow=[("q", Q90[:4]),
           ("n", ["Masih ditolak, Mbak:", "", "$ ssh gilang@dev01.example.id",
                  "gilang@dev01.example.id: Permission denied (publickey).", "",
                  "Public key saya yang ed25519, sudah saya kirim kemarin lewat email",
                  "ke Mas Andi. Apa perlu saya kirim ulang?"]),
           ("q", Q90[5:])],
     sig="Gilang")
