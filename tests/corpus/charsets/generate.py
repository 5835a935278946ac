#!/usr/bin/env python3
"""Generates the charset corpus (NN-name.eml + NN-name.json) in this folder.

Run with `python3 generate.py`; it rewrites every case. Bodies and headers are
written from Unicode text through Python codecs, so the bytes are exact; every
legacy encoding is round-tripped here and the script stops if a character would
not survive. See README.md for what each case tests.
"""
import base64
import json
import os
import quopri
import re

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF = b"\r\n"
TO = b"support@example.com"


# ---------------------------------------------------------------- helpers

def enc(text, charset):
    """Encode strictly and check that decoding gives the text back."""
    data = text.encode(charset)
    assert data.decode(charset) == text, (charset, text)
    return data


def normalise(text):
    text = text.replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    while out and out[0] == "":
        out.pop(0)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def lines_bytes(text, charset, eol=CRLF):
    """Encode text line by line (so stateful encodings reset at each line end)."""
    return eol.join(enc(line, charset) for line in text.split("\n")) + eol


def qp(data):
    """Quoted-printable of bytes whose line ends are CRLF; output uses CRLF."""
    lf = data.replace(b"\r\n", b"\n")
    out = quopri.encodestring(lf, quotetabs=False)
    return out.replace(b"\n", b"\r\n")


def b64(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _q_byte(b):
    c = chr(b)
    if b < 128 and (c.isalnum() or c in "!*+-/"):
        return c
    if c == " ":
        return "_"
    return "=%02X" % b


def word_b(text, charset, label=None, max_len=75):
    """RFC 2047 B-encoded words, split at character boundaries, folded."""
    return _words(text, charset, label or charset, "B", max_len)


def word_q(text, charset, label=None, max_len=75):
    return _words(text, charset, label or charset, "Q", max_len)


def _encode_one(chunk, charset, label, kind):
    data = enc(chunk, charset)
    if kind == "B":
        payload = base64.b64encode(data).decode("ascii")
    else:
        payload = "".join(_q_byte(b) for b in data)
    return "=?%s?%s?%s?=" % (label, kind, payload)


def _words(text, charset, label, kind, max_len):
    words, chunk = [], ""
    for ch in text:
        if chunk and len(_encode_one(chunk + ch, charset, label, kind)) > max_len:
            words.append(_encode_one(chunk, charset, label, kind))
            chunk = ""
        chunk += ch
    if chunk:
        words.append(_encode_one(chunk, charset, label, kind))
    return "\r\n ".join(words).encode("ascii")


CASES = []


def case(name, headers, body, expected, extra=None):
    """headers: list of (name, bytes|str); body: bytes (already transfer-encoded)."""
    raw = b""
    for key, value in headers:
        if isinstance(value, str):
            value = value.encode("ascii")
        raw += key.encode("ascii") + b": " + value + CRLF
    raw += CRLF + body
    subject, from_name, text = expected
    for field in (subject, from_name):
        if field is not None:
            assert "\ufffd" not in field
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in field), field
    data = {"subject": subject, "from_name": from_name, "text": normalise(text)}
    if extra:
        data.update(extra)
    CASES.append((name, raw, data))


def std(from_, subject, date, msgid, ctype=None, cte=None, more=()):
    h = [("From", from_), ("To", TO), ("Subject", subject), ("Date", date),
         ("Message-ID", msgid), ("MIME-Version", "1.0")]
    if ctype is not None:
        h.append(("Content-Type", ctype))
    if cte is not None:
        h.append(("Content-Transfer-Encoding", cte))
    h.extend(more)
    return h


def addr(name_bytes, address):
    return name_bytes + b" <" + address.encode("ascii") + b">"


# ---------------------------------------------------------------- cases

# 01 GB18030, 8bit body with a two-byte euro (A2E3) and four-byte sequences
# (U+2022 bullet 81 36 A6 31 and U+1F64F 95 30 86 35), which GBK cannot hold.
t = """您好，

我上周在贵公司网站上订购了一台打印机（订单号 20931），付款金额为 €249.00，
但至今没有收到发货通知。订单内容：
• 激光打印机 × 1
• 硒鼓 × 2

请问订单现在是什么状态？如果无法发货，请尽快退款。

谢谢您的帮助 🙏

李明
北京市朝阳区
"""
s = "关于订单 20931 的退款问题"
n = "李明"
case("01-gb18030",
     std(addr(word_b(n, "gb18030", "GB18030"), "li.ming@example.cn"),
         word_b(s, "gb18030", "GB18030"),
         "Tue, 05 Mar 2024 10:21:07 +0800", "<20240305102107.4411@mail.example.cn>",
         "text/plain; charset=GB18030", "8bit"),
     lines_bytes(t, "gb18030"), (s, n, t))

# 02 declared gb2312 but with GBK-only characters (喆 86B4, 堃 88D2, 镕 E946);
# quoted-printable, so soft line breaks also fall inside two-byte characters.
t = """你好，

我们公司的增值税发票抬头写错了。正确的公司名称是“上海喆堃科技有限公司”，
不是“上海吉昆科技有限公司”。纳税人识别号没有问题。联系人是朱镕先生，电话 021-55550123。
请重新开具发票，并寄到我们的办公地址。

谢谢！

王堃
财务部
"""
s = "发票抬头错误（上海喆堃科技）"
n = "王堃"
case("02-gb2312-label-gbk-chars",
     std(addr(word_b(n, "gbk", "gb2312"), "wangkun@example.cn"),
         word_b(s, "gbk", "gb2312"),
         "Wed, 06 Mar 2024 14:02:55 +0800", "<5f1c2a90.0b3e@example.cn>",
         'text/plain; charset="gb2312"', "quoted-printable"),
     qp(lines_bytes(t, "gbk")), (s, n, t))

# 03 Big5, base64
t = """您好：

從昨天開始，我的帳號就無法登入系統，每次輸入密碼後都顯示「驗證失敗」。
我已經試過重設密碼，但還是一樣。請問是伺服器的問題，還是我的帳號被鎖定了？

帳號：chen.zhiming@example.tw

麻煩盡快協助處理，謝謝！

陳志明
台北市信義區
"""
s = "帳號無法登入，請協助處理"
n = "陳志明"
case("03-big5",
     std(addr(word_b(n, "big5", "Big5"), "chen.zhiming@example.tw"),
         word_b(s, "big5", "Big5"),
         "Thu, 07 Mar 2024 09:45:12 +0800", "<CAF3k2=big5test@mail.example.tw>",
         "text/plain; charset=Big5", "base64"),
     b64(lines_bytes(t, "big5")), (s, n, t))

# 04 Shift_JIS with NEC circled digits (87 40, 87 41: Windows-31J, which the
# WHATWG Shift_JIS decoder includes) and half-width katakana (A1-DF), 8bit.
t = """サポートご担当者様

いつもお世話になっております。株式会社ヤマダ商事の田中です。
3月分の請求書について、以下の点をご確認いただけますでしょうか。

①請求金額が先月と異なっています。
②お支払期限が記載されていません。

なお、振込名義は「ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ」となります。

よろしくお願いいたします。

田中 太郎
株式会社ヤマダ商事 経理部
"""
s = "3月分の請求書の金額について"
n = "田中 太郎"
case("04-shift-jis",
     std(addr(word_b(n, "cp932", "Shift_JIS"), "tanaka@example.co.jp"),
         word_b(s, "cp932", "Shift_JIS"),
         "Fri, 08 Mar 2024 11:30:00 +0900", "<202403081130.tanaka@example.co.jp>",
         "text/plain; charset=Shift_JIS", "8bit"),
     lines_bytes(t, "cp932"), (s, n, t))

# 05 ISO-2022-JP, 7bit, each line returns to ASCII
t = """サポートセンター御中

佐藤と申します。
昨日からパスワードの再設定を何度か試していますが、再設定用のメールが届きません。
迷惑メールフォルダも確認しましたが、見当たりませんでした。

登録メールアドレス：hanako.sato@example.jp

お手数ですが、ご確認いただけますでしょうか。
よろしくお願いいたします。

佐藤 花子
"""
s = "【至急】パスワード再設定メールが届きません"
n = "佐藤 花子"
case("05-iso-2022-jp",
     std(addr(word_b(n, "iso2022_jp", "ISO-2022-JP"), "hanako.sato@example.jp"),
         word_b(s, "iso2022_jp", "ISO-2022-JP"),
         "Mon, 11 Mar 2024 08:12:44 +0900", "<87sf3kq1.fsf@example.jp>",
         "text/plain; charset=ISO-2022-JP", "7bit"),
     lines_bytes(t, "iso2022_jp"), (s, n, t))

# 06 EUC-KR, base64
t = """안녕하세요,

어제 연간 구독을 결제하려고 했는데 "결제 실패" 메시지가 나왔습니다.
그런데 카드 명세서를 보니 129,000원이 이미 빠져나갔습니다.
확인 후 환불 또는 구독 활성화를 부탁드립니다.

감사합니다.
김민수 드림
"""
s = "결제 오류 문의드립니다"
n = "김민수"
case("06-euc-kr",
     std(addr(word_b(n, "euc_kr", "EUC-KR"), "minsu.kim@example.kr"),
         word_b(s, "euc_kr", "EUC-KR"),
         "Tue, 12 Mar 2024 16:05:09 +0900", "<000001d77a2b$4f1e2a30$@example.kr>",
         "text/plain; charset=EUC-KR", "base64"),
     b64(lines_bytes(t, "euc_kr")), (s, n, t))

# 07 Outlook's Korean label ks_c_5601-1987 with a UHC-only syllable (똠 = 8C 63)
t = """안녕하세요.

제 이름은 박똠이입니다. 그런데 회원 정보와 영수증에 이름이 "박?이"로 표시됩니다.
이름을 올바르게 고쳐 주실 수 있을까요?

감사합니다.
박똠이 드림
"""
s = "회원 이름이 잘못 표시됩니다 (박똠이)"
n = "박똠이"
case("07-ks-c-5601-uhc",
     std(addr(word_b(n, "cp949", "ks_c_5601-1987"), "ddom.park@example.kr"),
         word_b(s, "cp949", "ks_c_5601-1987"),
         "Wed, 13 Mar 2024 10:40:31 +0900",
         "<A1B2C3D4E5F6@EXCH01.example.kr>",
         'text/plain; charset="ks_c_5601-1987"', "base64"),
     b64(lines_bytes(t, "cp949")), (s, n, t))

# 08 KOI8-R body (base64) and subject/name (B)
t = """Здравствуйте!

С прошлой пятницы перестали приходить уведомления о новых заявках.
Проверил папку "Спам" - там тоже пусто. Настройки я не менял.
Ещё заметил, что письма с вложениями доходят, а без вложений - нет.

Подскажите, пожалуйста, в чём может быть проблема?

С уважением,
Иван Петров
ООО "Ромашка"
"""
s = "Не приходят уведомления на почту"
n = "Иван Петров"
case("08-koi8-r",
     std(addr(word_b(n, "koi8_r", "KOI8-R"), "ivan.petrov@example.ru"),
         word_b(s, "koi8_r", "KOI8-R"),
         "Thu, 14 Mar 2024 12:00:17 +0300", "<1710406817.238411@example.ru>",
         "text/plain; charset=KOI8-R", "base64"),
     b64(lines_bytes(t, "koi8_r")), (s, n, t))

# 09 Windows-1251 Ukrainian, quoted-printable, Q-encoded headers
t = """Доброго дня!

З моєї картки двічі списали оплату за рахунком №1457 (по 1200 грн).
Прошу повернути зайву суму. Квитанції додаю до листа.

Я працюю в компанії «Ґрунт-Сервіс», реквізити ті самі, що й минулого разу.
Якщо потрібна ще якась інформація — пишіть, будь ласка.

З повагою,
Олена Коваленко
м. Київ
"""
s = "Рахунок №1457 — повторне списання"
n = "Олена Коваленко"
case("09-windows-1251-ukrainian",
     std(addr(word_q(n, "cp1251", "windows-1251"), "olena.kovalenko@example.ua"),
         word_q(s, "cp1251", "windows-1251"),
         "Fri, 15 Mar 2024 09:03:56 +0200", "<b7d1a2e0-4c11-4f0e-9a52-1f0c7e2b9d11@example.ua>",
         "text/plain; charset=windows-1251", "quoted-printable"),
     qp(lines_bytes(t, "cp1251")), (s, n, t))

# 10 Windows-1251 Russian, 8bit body, B name
t = """Добрый день.

Не могу скачать акт сверки за февраль: при нажатии на кнопку «Скачать»
открывается пустая страница. Пробовал в двух браузерах — результат тот же.

Пришлите, пожалуйста, акт на эту почту.

Спасибо!
Сергей Ёлкин
бухгалтерия ЗАО «Северный ветер»
"""
s = "Акт сверки за февраль не скачивается"
n = "Сергей Ёлкин"
case("10-windows-1251-russian",
     std(addr(word_b(n, "cp1251", "windows-1251"), "s.yolkin@example.ru"),
         word_b(s, "cp1251", "Windows-1251"),
         "Mon, 18 Mar 2024 15:47:02 +0300", "<4A7F1C3D.9020107@example.ru>",
         'text/plain; charset="windows-1251"; format=flowed', "8bit"),
     lines_bytes(t, "cp1251"), (s, n, t))

# 11 Windows-1252 punctuation from 0x80-0x9F, quoted-printable
t = """Hi,

I’ve just received invoice #4471 and it says €59.00 – but your pricing page clearly says “€49.00 per month”.
Could you check this… and send me a corrected invoice?

Also, the ‘Download PDF’ button doesn’t work in Firefox™ — it just spins.

Thanks,
Sarah O’Connor
Cork, Ireland
"""
s = "“Invoice #4471” – charged €59 instead of €49"
n = "Sarah O’Connor"
case("11-windows-1252-punctuation",
     std(addr(word_q(n, "cp1252", "windows-1252"), "sarah.oconnor@example.ie"),
         word_q(s, "cp1252", "windows-1252"),
         "Tue, 19 Mar 2024 13:22:10 +0000", "<DB7PR03MB4971A1@DB7PR03MB4971.example.ie>",
         'text/plain; charset="windows-1252"', "quoted-printable"),
     qp(lines_bytes(t, "cp1252")), (s, n, t))

# 12 labelled iso-8859-1 but using Windows-1252 bytes 0x80-0x9F („ “ € –)
t = """Sehr geehrte Damen und Herren,

am 12.03. wurden mir 120 € abgebucht – laut Vertrag sind es aber nur 99 € im Monat.
In Ihrer Bestätigung steht „Tarif Basis“, ich habe aber „Tarif Plus“ gekündigt.

Bitte prüfen Sie das und erstatten Sie mir die Differenz von 21 €.

Mit freundlichen Grüßen
Monika Weißenbach
"""
s = "Falsche Abbuchung – 120 € statt 99 €"
n = "Monika Weißenbach"
case("12-iso-8859-1-label-windows-1252-bytes",
     std(addr(word_q(n, "cp1252", "iso-8859-1"), "m.weissenbach@example.de"),
         word_q(s, "cp1252", "iso-8859-1"),
         "Wed, 20 Mar 2024 18:09:33 +0100", "<000c01d77b9e$2a8f4b10$7fa0e130$@example.de>",
         'text/plain; charset="iso-8859-1"', "8bit"),
     lines_bytes(t, "cp1252"), (s, n, t))

# 13 ISO-8859-1, 8bit
t = """Hallo,

viele Grüße aus München! Ich bin Håvard, Ihr Kunde aus Norwegen, zurzeit auf Geschäftsreise.
Meine Bestellung Nr. 88213 sollte nach Tromsø geliefert werden, aber laut Sendungsverfolgung
liegt sie seit Montag in Köln.

Können Sie bitte prüfen, ob die Adresse richtig übernommen wurde? Sie lautet:
Håvard Bjørnstad, Storgata 5, 9008 Tromsø, Norge

Vielen Dank und schöne Grüße
Håvard Bjørnstad
"""
s = "Grüße aus München: Rückfrage zur Lieferung"
n = "Håvard Bjørnstad"
case("13-iso-8859-1",
     std(addr(word_q(n, "latin-1", "ISO-8859-1"), "havard.bjornstad@example.no"),
         word_q(s, "latin-1", "ISO-8859-1"),
         "Thu, 21 Mar 2024 07:55:48 +0100", "<a1b2c3d4-havard@example.no>",
         "text/plain; charset=ISO-8859-1", "8bit"),
     lines_bytes(t, "latin-1"), (s, n, t))

# 14 ISO-8859-2, Polish and Czech, quoted-printable
t = """Dzień dobry,

w fakturze nr FV/2024/117 moje nazwisko jest wydrukowane jako "W?jcik" zamiast "Wójcik",
a nazwa ulicy "Ł?kowa" zamiast "Łąkowa". Proszę o korektę faktury.
Przy okazji sprawdziłem polskie znaki w formularzu: Zażółć gęślą jaźń.

Kolega z naszego biura w Pradze ma ten sam problem z tekstem
"Příliš žluťoučký kůň úpěl ďábelské ódy".

Pozdrawiam,
Paweł Wójcik
"""
s = "Błędne znaki na fakturze / Chybné znaky na faktuře"
n = "Paweł Wójcik"
case("14-iso-8859-2",
     std(addr(word_q(n, "iso8859_2", "ISO-8859-2"), "pawel.wojcik@example.pl"),
         word_q(s, "iso8859_2", "ISO-8859-2"),
         "Fri, 22 Mar 2024 10:14:05 +0100", "<3f2a9c1e-0d4b-11ef-b1a4-example.pl>",
         "text/plain; charset=ISO-8859-2", "quoted-printable"),
     qp(lines_bytes(t, "iso8859_2")), (s, n, t))

# 15 ISO-8859-15 (0xA4 is € here, ¤ in Latin-1); the From encoded-word sits
# inside a quoted-string, which RFC 2047 forbids but many mailers produce.
t = """Bonjour,

le montant de 35 € a été débité deux fois sur mon compte pour la commande « Œuvres complètes ».
Pouvez-vous rembourser le second prélèvement de 35 € ?

Je vous remercie par avance, c'est un cadeau qui me tient à cœur.

Cordialement,
Éloïse Lefèvre
"""
s = "Double prélèvement de 35 € - commande Œuvres"
n = "Éloïse Lefèvre"
case("15-iso-8859-15-euro",
     std(b'"' + word_q(n, "iso8859_15", "ISO-8859-15") + b'" <eloise.lefevre@example.fr>',
         word_q(s, "iso8859_15", "ISO-8859-15"),
         "Mon, 25 Mar 2024 17:31:20 +0100", "<20240325173120.GA1187@example.fr>",
         "text/plain; charset=ISO-8859-15", "8bit"),
     lines_bytes(t, "iso8859_15"), (s, n, t))

# 16 UTF-7 (old Outlook Express): body and encoded-words; "+-" is a literal "+"
t = """Hallo,

ich habe Ihre Rechnung erhalten. Der Betrag von 49 € für März ist korrekt,
aber die Mahngebühr von 5 € verstehe ich nicht, ich habe pünktlich überwiesen.
Rückruf gern unter +49 89 1234567.

Mit freundlichen Grüßen
Jörg Schäfer
"""
s = "Mahngebühr März"
n = "Jörg Schäfer"
case("16-utf-7",
     std(addr(word_q(n, "utf-7", "utf-7"), "joerg.schaefer@example.de"),
         word_q(s, "utf-7", "utf-7"),
         "Tue, 26 Mar 2024 09:00:41 +0100", "<001d01c4a1b2$5e6f7080$0200a8c0@joerg>",
         "text/plain; charset=utf-7", "7bit",
         more=[("X-Mailer", "Microsoft Outlook Express 6.00.2900.5512")]),
     lines_bytes(t, "utf-7"), (s, n, t))

# 17 text/plain without a charset parameter, 8bit Windows-1252 body
t = """Hallo Support,

unser Kassensystem im Café zeigt immer noch den alten Preis: 3,50 € statt 3,80 € für den Cappuccino.
Ich habe die Preisliste gestern geändert und das Gerät neu gestartet.

Viele Grüße
Andreas Köhler
Café am Markt
"""
case("17-no-charset-param",
     std(b"Andreas Koehler <a.koehler@example.de>", b"Kassensystem zeigt alte Preise",
         "Wed, 27 Mar 2024 11:11:11 +0100", "<20240327101111.17703@kasse.example.de>",
         "text/plain", "8bit"),
     lines_bytes(t, "cp1252"), ("Kassensystem zeigt alte Preise", "Andreas Koehler", t))

# 18 no Content-Type at all, 8bit Windows-1252 body
t = """Bonjour,

je n'arrive plus à me connecter à l'espace client depuis la mise à jour.
J'ai payé l'abonnement de 12 € hier, le reçu est arrivé, mais le compte est toujours "expiré".

Merci d'avance,
René Dubé
"""
case("18-no-content-type",
     [("From", b"Rene Dube <rene.dube@example.fr>"), ("To", TO),
      ("Subject", b"Compte toujours expire"), ("Date", b"Thu, 28 Mar 2024 08:20:00 +0100"),
      ("Message-ID", b"<200403280820.AA01234@example.fr>"), ("MIME-Version", b"1.0")],
     lines_bytes(t, "cp1252"), ("Compte toujours expire", "Rene Dube", t))

# 19 charset=unknown-8bit (what some gateways write when they do not know)
t = """Hei,

tilauksen 55120 toimitus on myöhässä jo kaksi viikkoa. Maksoin 89 € etukäteen.
Voitteko kertoa, milloin paketti lähtee? Pääkonttorinne ei vastaa puhelimeen.

Ystävällisin terveisin
Päivi Hämäläinen
"""
case("19-unknown-8bit",
     std(b"Paivi Hamalainen <paivi.hamalainen@example.fi>", b"Tilaus 55120 myohassa",
         "Fri, 29 Mar 2024 14:48:19 +0200", "<list-relay.55120@lists.example.fi>",
         'text/plain; charset="unknown-8bit"', "8bit"),
     lines_bytes(t, "cp1252"), ("Tilaus 55120 myohassa", "Paivi Hamalainen", t))

# 20 raw Latin-1 bytes in Subject and From display name (no RFC 2047)
t = """Guten Tag,

seit heute Morgen ist der Zugang für unseren Außendienst gesperrt.
Fehlermeldung: "Konto vorübergehend gesperrt". Betroffen sind alle fünf Kollegen.

Bitte schnell prüfen, danke.
Jürgen Müller
"""
s = "Störung: Zugang gesperrt für Außendienst"
n = "Jürgen Müller"
case("20-raw-latin1-headers",
     std(addr(enc(n, "latin-1"), "juergen.mueller@example.de"), enc(s, "latin-1"),
         "Mon, 01 Apr 2024 07:42:15 +0200", "<5a3e2f10.8c21@example.de>",
         "text/plain; charset=iso-8859-1", "8bit"),
     lines_bytes(t, "latin-1"), (s, n, t))

# 21 raw UTF-8 in Subject and From display name (RFC 6532)
t = """Xin chào,

Tôi không thể đăng nhập vào tài khoản từ hôm qua. Hệ thống báo "Mật khẩu không đúng",
nhưng tôi đã đặt lại mật khẩu hai lần rồi.

Cảm ơn anh chị đã hỗ trợ.
Nguyễn Thị Hương
"""
s = "Không thể đăng nhập vào tài khoản"
n = "Nguyễn Thị Hương"
case("21-raw-utf8-headers",
     std(addr(enc(n, "utf-8"), "huong.nguyen@example.vn"), enc(s, "utf-8"),
         "Tue, 02 Apr 2024 09:15:27 +0700", "<CAJx7=r8uQ@mail.example.vn>",
         "text/plain; charset=UTF-8", "8bit"),
     lines_bytes(t, "utf-8"), (s, n, t))

# 22 declared iso-8859-1, bytes are UTF-8
t = """Sehr geehrte Damen und Herren,

die Lieferung vom 28.03. war unvollständig: Es fehlen zwei Kartons Büromaterial.
Der Fahrer hat den Lieferschein trotzdem als „vollständig“ markiert.

Mit freundlichen Grüßen
Stefan Weiß
"""
case("22-utf8-labelled-latin1",
     std(b"Stefan Weiss <stefan.weiss@example.at>", b"Lieferung unvollstaendig",
         "Wed, 03 Apr 2024 16:30:00 +0200", "<20240403143000.5521@example.at>",
         "text/plain; charset=iso-8859-1", "8bit"),
     lines_bytes(t, "utf-8"), ("Lieferung unvollstaendig", "Stefan Weiss", t))

# 23 declared us-ascii, bytes are UTF-8 (em dash, CJK)
t = """Halo tim support,

Paket saya untuk pelanggan di 日本 (Tokyo) belum sampai, padahal status sudah "terkirim" sejak 3 hari.
Nomor resi: JP-20240404-7781.

Terima kasih — Budi
"""
case("23-utf8-labelled-us-ascii",
     std(b"Budi Hartono <budi.hartono@example.co.id>", b"Paket ke Jepang belum sampai",
         "Thu, 04 Apr 2024 10:05:33 +0700", "<20240404030533.GB2291@example.co.id>",
         "text/plain; charset=us-ascii", "8bit"),
     lines_bytes(t, "utf-8"), ("Paket ke Jepang belum sampai", "Budi Hartono", t))

# 24 declared utf-8 (body and subject encoded-word), bytes are Windows-1252
t = """Buenos días,

me han cobrado dos veces el pedido nº 5531: 15 € el lunes y otros 15 € el martes.
¿Podrían revisarlo y devolverme el segundo cargo?

Gracias,
José Peña
"""
s = "Cargo duplicado – pedido nº 5531"
case("24-latin1-labelled-utf8",
     std(b"Jose Pena <jose.pena@example.es>", word_q(s, "cp1252", "utf-8"),
         "Fri, 05 Apr 2024 12:12:12 +0200", "<b3e1c2a4f5@example.es>",
         "text/plain; charset=utf-8", "8bit"),
     lines_bytes(t, "cp1252"), (s, "Jose Pena", t))

# 25 encoded-words folded over two lines (the space between adjacent
# encoded-words is dropped; the real space is "_" inside the second one)
s = "Reklamace objednávky č. 4471: příliš dlouhá doba doručení"
subj = (b"=?ISO-8859-2?Q?Reklamace_objedn=E1vky_=E8=2E_4471:_p=F8=EDli=B9?=\r\n"
        b" =?ISO-8859-2?Q?_dlouh=E1_doba_doru=E8en=ED?=")
n = "Jiří Dvořák"
t = """Dobrý den,

objednávku č. 4471 jsem zaplatil před třemi týdny a stále nedorazila.
Na webu slibujete doručení do pěti pracovních dnů. Prosím o vysvětlení, případně o vrácení peněz.

S pozdravem
Jiří Dvořák
"""
case("25-encoded-word-folded",
     std(b"=?iso-8859-2?q?Ji=F8=ED?=\r\n =?iso-8859-2?q?_Dvo=F8=E1k?= <jiri.dvorak@example.cz>",
         subj, "Mon, 08 Apr 2024 08:08:08 +0200", "<20240408060808.3317@example.cz>",
         "text/plain; charset=ISO-8859-2", "8bit"),
     lines_bytes(t, "iso8859_2"), (s, n, t))

# 26 UTF-8 B encoded-words whose split falls inside a multibyte character
s = "Возврат средств за заказ №7781 не поступил"
data = s.encode("utf-8")
cut = len("Возврат средств за ".encode("utf-8")) + 1  # after the first byte of "з" in "заказ"
first, second = data[:cut], data[cut:]
try:
    first.decode("utf-8")
    raise SystemExit("split is not inside a character")
except UnicodeDecodeError:
    pass
subj = (b"=?UTF-8?B?" + base64.b64encode(first) + b"?=\r\n =?UTF-8?B?" +
        base64.b64encode(second) + b"?=")
t = """Здравствуйте,

я отменил заказ №7781 две недели назад, но деньги на карту так и не вернулись.
Номер обращения в банке: 55-118.

Анна Смирнова
"""
n = "Анна Смирнова"
case("26-encoded-word-split-utf8-char",
     std(addr(word_b(n, "utf-8", "UTF-8"), "anna.smirnova@example.ru"), subj,
         "Tue, 09 Apr 2024 19:20:21 +0300", "<1712679621.0042@web.example.ru>",
         "text/plain; charset=UTF-8", "base64",
         more=[("X-Mailer", "PHPMailer 5.2.9")]),
     b64(lines_bytes(t, "utf-8")), (s, n, t))

# 27 several charsets and both encodings in one header, mixed with plain text;
# lower-case charset and encoding letters; encoded-word next to plain words
sw = word_b("Счёт", "koi8_r", "koi8-r").replace(b"?B?", b"?b?")
subj = b"Re: " + sw + b" / =?iso-8859-1?q?Rechnung_f=FCr_M=E4rz?= (Nr. 2024-117)"
s = "Re: Счёт / Rechnung für März (Nr. 2024-117)"
frm = b"Dr. =?windows-1252?Q?J=FCrgen_?= =?UTF-8?B?" + base64.b64encode("Schröder".encode()) + \
      b"?= <j.schroeder@example.de>"
n = "Dr. Jürgen Schröder"
t = """Hallo,

anbei die Rückfrage unseres Moskauer Büros zur Rechnung für März.
Здравствуйте, просим прислать исправленный счёт.

Gruß
Jürgen Schröder
"""
case("27-encoded-words-mixed",
     std(frm, subj, "Wed, 10 Apr 2024 13:37:00 +0200", "<4b1c9e7a.0a11@example.de>",
         "text/plain; charset=utf-8", "quoted-printable"),
     qp(lines_bytes(t, "utf-8")), (s, n, t))

# 28 bare CR line breaks in the body (classic Mac OS)
t = """Hello,

the printer driver for Mac OS 9 does not install any more.
The installer says "Fehler -39" and quits.

Grüße from Zürich,
Beat Nüesch
"""
body = lines_bytes(t, "latin-1", eol=b"\r")
case("28-bare-cr-line-breaks",
     std(addr(word_q("Beat Nüesch", "latin-1", "iso-8859-1"), "beat.nuesch@example.ch"),
         b"Driver for Mac OS 9", "Thu, 11 Apr 2024 10:00:00 +0200",
         "<r02010300bc1d2e3f4050@[192.168.1.20]>",
         "text/plain; charset=iso-8859-1", "8bit",
         more=[("X-Mailer", "Eudora Light 3.0.6 (MacOS)")]),
     body, ("Driver for Mac OS 9", "Beat Nüesch", t))

# 29 Mac Roman (label "macintosh"): ü 9F, ß A7, é 8E, “ ” D2 D3, – D0, … C9
t = """Hallo,

nach dem Update auf Version 4.2 stürzt das Programm beim Öffnen der Datei “Präsentation” ab.
Die Fehlermeldung lautet: “Unerwarteter Fehler – bitte neu starten…”

Mit freundlichen Grüßen
René Brändli
"""
s = "Absturz beim Öffnen – Version 4.2"
case("29-macintosh",
     std(addr(word_q("René Brändli", "mac_roman", "macintosh"), "rene.braendli@example.ch"),
         word_q(s, "mac_roman", "macintosh"),
         "Fri, 12 Apr 2024 15:15:15 +0200", "<p06110400bc9a1c2d3e4f@[10.0.1.5]>",
         "text/plain; charset=macintosh", "8bit"),
     lines_bytes(t, "mac_roman"), (s, "René Brändli", t))

# 30 Indonesian in Windows-1252 with € and smart quotes, quoted-printable
t = """Selamat siang,

Kami sudah menerima tagihan “INV-2024-0391” sebesar €1.250,00, tetapi menurut kontrak harganya €1.150,00 – jadi ada selisih €100,00.
Mohon dicek kembali dan kirimkan tagihan yang sudah diperbaiki…

Terima kasih atas bantuannya.

Salam,
Dewi Lestari
PT Sinar Abadi, Surabaya
"""
s = "Tagihan “INV-2024-0391” – selisih €100,00"
case("30-indonesian-windows-1252",
     std(b"Dewi Lestari <dewi.lestari@example.co.id>", word_q(s, "cp1252", "Windows-1252"),
         "Mon, 15 Apr 2024 13:05:44 +0700", "<SG2PR06MB5311.dewi@example.co.id>",
         'text/plain; charset="Windows-1252"', "quoted-printable"),
     qp(lines_bytes(t, "cp1252")), (s, "Dewi Lestari", t))

# 31 control: Indonesian in UTF-8, emoji in subject and name, all declared
t = """Selamat pagi kak,

Pesanan saya nomor #ID-88123 sudah dibayar tanggal 10 April, tapi sampai sekarang statusnya masih "Menunggu konfirmasi" 😟
Mohon bantuannya untuk dicek ya 🙏

Terima kasih banyak,
Budi Santoso
"""
s = "Mohon bantuan 🙏 pesanan #ID-88123 belum dikonfirmasi"
n = "Budi Santoso 🙏"
case("31-indonesian-utf8-emoji",
     std(addr(word_b(n, "utf-8", "UTF-8"), "budi.santoso@example.co.id"),
         word_b(s, "utf-8", "UTF-8"),
         "Tue, 16 Apr 2024 07:30:12 +0700", "<CAB9x-Zq1Fq@mail.example.co.id>",
         "text/plain; charset=UTF-8", "base64"),
     b64(lines_bytes(t, "utf-8")), (s, n, t))

# 32 display name with undecodable bytes; body declared us-ascii. The bytes
# 81 8D 8F 90 9D are invalid UTF-8 and unassigned in Windows-1252 (C1 controls
# in Latin-1), so no reading makes them text.
t = """Hi,

I cannot open the attachment you sent yesterday, it says the file is damaged.
Could you send it again?

Thanks
"""
case("32-garbage-display-name",
     std(b"\x81\x8d\x8f\x90\x9d Budi Santoso <budi.s@example.co.id>",
         b"Attachment damaged", "Wed, 17 Apr 2024 20:01:02 +0700",
         "<20240417130102.ABCD1234@example.co.id>",
         "text/plain; charset=us-ascii", "7bit"),
     lines_bytes(t, "ascii"), ("Attachment damaged", "Budi Santoso", t),
     extra={"from_name_any_of": [None, "Budi Santoso"]})

# 33 multipart/alternative: text/plain ISO-8859-1 (QP), text/html UTF-8 (base64)
t = """Olá,

não consigo emitir a fatura do mês de março: o botão "Gerar fatura" não faz nada.
Já limpei o cache do navegador e tentei no telemóvel também.

Obrigado pela atenção,
João Conceição
"""
html = ("<html><head><meta charset=\"utf-8\"></head><body>"
        "<p>Olá,</p><p>não consigo emitir a fatura do mês de março: o botão "
        "&quot;Gerar fatura&quot; não faz nada.<br>Já limpei o cache do navegador e tentei "
        "no telemóvel também.</p><p>Obrigado pela atenção,<br>João Conceição</p>"
        "</body></html>\n")
boundary = b"----=_Part_1187_2094441.1713350000000"
body = (b"This is a multi-part message in MIME format.\r\n\r\n--" + boundary + b"\r\n"
        b"Content-Type: text/plain; charset=ISO-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        qp(lines_bytes(t, "latin-1")) +
        b"\r\n--" + boundary + b"\r\n"
        b"Content-Type: text/html; charset=UTF-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" +
        b64(lines_bytes(html.rstrip("\n"), "utf-8")) +
        b"\r\n--" + boundary + b"--\r\n")
s = "Não consigo emitir a fatura"
n = "João Conceição"
case("33-multipart-alternative-mixed-charsets",
     std(addr(word_q(n, "latin-1", "ISO-8859-1"), "joao.conceicao@example.pt"),
         word_q(s, "latin-1", "ISO-8859-1"),
         "Wed, 17 Apr 2024 11:33:20 +0100", "<1187.2094441.1713350000000@example.pt>",
         b'multipart/alternative;\r\n\tboundary="' + boundary + b'"'),
     body, (s, n, t))

# 34 UTF-8 body starting with a byte order mark (Windows tools); expected
# text has no BOM
t = """Hello,

our export job writes the customer list with a BOM and your importer shows garbage in front of the first column.
Can you strip it on your side?

Kind regards,
Zoë Ødegård
"""
case("34-utf8-bom-body",
     std(addr(word_b("Zoë Ødegård", "utf-8", "utf-8"), "zoe.odegard@example.dk"),
         b"Importer shows garbage in the first column",
         "Thu, 18 Apr 2024 09:09:09 +0200", "<AM0PR10MB1234.zoe@example.dk>",
         "text/plain; charset=utf-8", "8bit"),
     b"\xef\xbb\xbf" + lines_bytes(t, "utf-8"),
     ("Importer shows garbage in the first column", "Zoë Ødegård", t))


# ---------------------------------------------------------------- write

def main():
    names = set()
    for name, raw, data in CASES:
        assert name not in names
        names.add(name)
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(raw)
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
    print("wrote %d cases" % len(CASES))


if __name__ == "__main__":
    main()
