#!/usr/bin/env python3
"""Generates the szchat demo conversation and its attachments.

Run from anywhere:  python3 crates/szchat-fake/assets/demo/generate.py
Deterministic (fixed seed, no clock, no network): running it twice gives
byte-identical files. Writes conversation.json and files/* next to itself.

The story: Hana Whitfield of Kestrel Outdoor Supply (visitor 4821) chats with
Ledgerline support across a week in November 2026 about a double charge on
her subscription and a monthly order export that breaks on Japanese product
names from the Osaka warehouse.
"""

import datetime as dt
import json
import random
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
rng = random.Random(4821)

ESC = "\u001b"
ACUTE = "\u0301"  # combining acute accent
DIAERESIS = "\u0308"  # combining diaeresis

VISITOR = {
    "id": 4821,
    "name": "Hana Whitfield",
    "email": "hana.whitfield@kestrel-outdoor.example",
}
TOMAS = {
    "id": 112,
    # Written with a combining accent, as some keyboards and paste paths produce it.
    "forename": "Toma" + ACUTE + "s",
    "surname": "Lindqvist",
    "email": "tomas@ledgerline.example",
    "picture_thumb_url": "https://cdn.ledgerline.example/avatars/112-thumb.png",
}
PRIYA = {
    "id": 87,
    "forename": "Priya",
    "surname": "Raman",
    "email": "priya.raman@ledgerline.example",
    "picture_thumb_url": None,
}
SENDERS = {"V": ("user", VISITOR), "T": ("operator", TOMAS), "P": ("operator", PRIYA)}


# --------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------

def png(width, height, pixel):
    """A truecolour PNG from pixel(x, y) -> (r, g, b)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter: none
        for x in range(width):
            raw.extend(pixel(x, y))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def billing_screenshot():
    """A small mock of a billing page with two identical charges highlighted."""
    w, h = 320, 180
    rows = [(60, False), (80, True), (100, True), (120, False), (140, False)]

    def pixel(x, y):
        if y < 24:
            return (24, 44, 84)  # header bar
        if 34 <= y < 46 and 12 <= x < 120:
            return (90, 90, 90)  # page title
        for top, flagged in rows:
            if top <= y < top + 16:
                if flagged and (x < 4 or x >= w - 4 or y in (top, top + 15)):
                    return (214, 40, 40)  # red outline around the duplicates
                if 12 <= x < 90 and top + 5 <= y < top + 11:
                    return (150, 150, 150)  # date
                if 110 <= x < 220 and top + 5 <= y < top + 11:
                    return (120, 120, 120)  # description
                if 250 <= x < 300 and top + 5 <= y < top + 11:
                    return (200, 40, 40) if flagged else (60, 60, 60)  # amount
                return (255, 240, 240) if flagged else (255, 255, 255)
        return (246, 247, 249)

    return png(w, h, pixel)


def pdf(lines):
    """A minimal valid one-page PDF showing `lines` (ASCII) in Helvetica."""
    text = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({escaped}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


INVOICE = pdf([
    "Ledgerline Ltd - INVOICE",
    "",
    "Invoice number:  LL-2026-11-04821",
    "Invoice date:    2026-11-01",
    "Customer:        Kestrel Outdoor Supply (account 4821)",
    "Billing contact: Hana Whitfield",
    "",
    "Ledgerline Growth plan, November 2026      EUR 149.00",
    "Additional warehouse (Osaka)              EUR  30.00",
    "VAT (reverse charge)                      EUR   0.00",
    "",
    "Total                                     EUR 179.00",
    "Paid 2026-11-01 by card ending 4409.",
])

REFUND = pdf([
    "Ledgerline Ltd - REFUND CONFIRMATION",
    "",
    "Reference:       RF-2026-11-0193",
    "Date:            2026-11-19",
    "Customer:        Kestrel Outdoor Supply (account 4821)",
    "",
    "Refunded charge: 2026-11-01 09:02 UTC, EUR 179.00 (duplicate)",
    "Original invoice: LL-2026-11-04821 (unchanged, paid once)",
    "",
    "Refunds reach the card within 3-5 business days.",
])

ERROR_LOG = """\
2026-11-16T08:58:01.204Z INFO  export: starting monthly export month=2026-10 warehouses=3
2026-11-16T08:58:01.388Z INFO  export: warehouse=portland orders=812
2026-11-16T08:58:02.015Z INFO  export: warehouse=tacoma orders=274
2026-11-16T08:58:02.731Z INFO  export: warehouse=osaka orders=118
2026-11-16T08:58:03.102Z WARN  encode: row 97 column product_name: replaced 6 invalid bytes
2026-11-16T08:58:03.102Z WARN  encode: row 97 value="ç™»å±±ç”¨ãƒ˜ãƒƒãƒ‰ãƒ©ãƒ³ãƒ—"
2026-11-16T08:58:03.140Z ERROR export: invalid byte sequence for encoding "SHIFT_JIS": 0xe7 0x99 at row 118 column product_name
2026-11-16T08:58:03.141Z ERROR export: aborting, 1204 rows read, 1086 written, 37 skipped
2026-11-16T08:58:03.141Z INFO  export: temporary file removed: /tmp/ledgerline-export-2026-10.csv.part
"""

PRODUCTS = [
    ("KOS-1001", "Trail Runner 2 daypack", "Portland", "89.00"),
    ("KOS-1044", "Rainshell jacket (women's)", "Tacoma", "139.00"),
    ("KOS-2107", "登山用ヘッドランプ", "Osaka", "42.00"),
    ("KOS-2113", "折りたたみ式トレッキングポール", "Osaka", "64.00"),
    ("KOS-2130", "防水スタッフサック 20L", "Osaka", "24.00"),
    ("KOS-1190", "Cafe" + ACUTE + " mug, enamel", "Portland", "18.00"),
    ("KOS-2141", "チタン製クッカーセット", "Osaka", "58.00"),
    ("KOS-1203", "Zoe" + DIAERESIS + " merino base layer", "Portland", "72.00"),
    ("KOS-2155", "ウルトラライト寝袋 −5℃", "Osaka", "199.00"),
    ("KOS-1310", "Camp stove fuel canister 230g", "Tacoma", "7.50"),
]

CSV = "sku,product_name,warehouse,unit_price_eur\n" + "".join(
    f'{sku},"{name}",{warehouse},{price}\n' for sku, name, warehouse, price in PRODUCTS
)


# --------------------------------------------------------------------------
# The conversation
# --------------------------------------------------------------------------

messages = []
clock = None
next_id = 1_530_204


def day(date, time):
    """Starts a new chat session at this UTC date and time."""
    global clock
    clock = dt.datetime.fromisoformat(f"{date}T{time}+00:00")


def say(who, body, wait=0, file=None, kind=None, rating=None, read=True, auto=False):
    """Appends one message. `wait` adds seconds of silence before it."""
    global clock, next_id
    if messages:
        typing = min(len(body) // 4, 150)
        clock += dt.timedelta(seconds=rng.randint(5, 30) + typing + wait)
    millis = rng.randint(0, 999)
    sender_type, sender = SENDERS[who]
    if sender_type == "user":
        read_by_user, read_by_operator = True, read
    else:
        # Webhook payloads show read_by_user can be null; a few are.
        read_by_user = None if (read is True and rng.random() < 0.12) else read
        read_by_operator = True
    message = {
        "id": next_id,
        "body": body,
        "read_by_user": read_by_user,
        "created_at": clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis:03d}Z",
        "file_url": f"files/{file}" if file else None,
        "auto_invitation": auto,
        "sender_type": sender_type,
        "read_by_operator": read_by_operator,
        "sender": sender,
        "type": kind or ("file" if file else "text"),
    }
    if rating is not None:
        message["rating"] = rating
    messages.append(message)
    next_id += rng.randint(1, 40)  # other chats take ids in between


def v(body, **kw):
    say("V", body, **kw)


def t(body, **kw):
    say("T", body, **kw)


def p(body, **kw):
    say("P", body, **kw)


TERMINAL_FAILURE = (
    "$ ledgerline export --month 2026-10 --out exports/\n"
    f"{ESC}[1mLedgerline CLI 3.8.2{ESC}[0m\n"
    f"{ESC}[32m✔{ESC}[0m authenticated as hana.whitfield@kestrel-outdoor.example\n"
    f"{ESC}[32m✔{ESC}[0m fetched 1204 orders from 3 warehouses\n"
    f"{ESC}[2K\r{ESC}[36m[████████████████░░░░]{ESC}[0m 90% writing rows\n"
    f"{ESC}[33mwarning:{ESC}[0m 37 rows skipped (see --log)\n"
    f"{ESC}[31;1mERROR{ESC}[0m invalid byte sequence for encoding \"SHIFT_JIS\": 0xe7 0x99 (row 118, product_name)\n"
    "exit status 3"
)

TERMINAL_SUCCESS = (
    "$ ledgerline export --month 2026-10 --out exports/ --encoding utf-8\n"
    f"{ESC}[1mLedgerline CLI 3.8.3-rc1{ESC}[0m\n"
    f"{ESC}[32m✔{ESC}[0m authenticated as hana.whitfield@kestrel-outdoor.example\n"
    f"{ESC}[32m✔{ESC}[0m fetched 1204 orders from 3 warehouses\n"
    f"{ESC}[32m✔{ESC}[0m wrote 1204 rows to exports/orders-2026-10.csv (utf-8, NFC)\n"
    f"{ESC}[32mdone{ESC}[0m in 4.1s"
)

WORKFLOW = (
    "Okay so to give you the full picture of why this matters so much to us: on the first "
    "working day of every month I run the Ledgerline export for the previous month, then our "
    "bookkeeper in Portland imports the CSV into our accounting package, matches every order "
    "against the payouts from the card processor, and reconciles the three warehouse stock "
    "counts against what was sold. The Osaka warehouse only opened in August, and since then "
    "every single month-end has needed me to fix the Japanese product names by hand, because "
    "the accounting package refuses the whole file if one row has broken characters in it. "
    "That was annoying but survivable with 20 orders a month. In October Osaka did 118 orders "
    "and the export simply stopped at row 118, so I don't even get a broken file any more, I "
    "get nothing, and our bookkeeper can't close October until it's sorted. On top of that the "
    "double charge means our card statement won't match the invoices either, so right now "
    "neither half of the reconciliation works. I'm not angry, just want to be clear why I keep "
    "chasing this 🙂"
)

LONG_URL = (
    "https://app.ledgerline.example/admin/exports/2026-10/orders.csv?format=csv&encoding=shift_jis"
    "&include=line_items,customer,tax_breakdown,warehouse&tz=Asia%2FTokyo&locale=ja-JP&session=7f3c9a1e"
)

# ---- Monday 16 November: the first chat ----------------------------------
day("2026-11-16", "09:14:03")
t("Hi! Need any help?", auto=True)
v("hi, yes please", wait=40)
v("we've been charged twice for november")
t("Sorry to hear that! I'm Tomás from Ledgerline support. Let me take a look.")
t("Could you tell me the account email or the store name?")
v("Kestrel Outdoor Supply, I'm hana.whitfield@kestrel-outdoor.example")
t("Thanks Hana. One moment while I open your account.", wait=10)
t("Okay, I can see the account. Which charges are you seeing exactly?", wait=50)
v("two charges of €179 on the 1st, about 4 minutes apart")
v("let me grab a screenshot from the card portal")
v("screenshot-double-charge.png", file="screenshot-double-charge.png", wait=70)
t("Got it, thank you. I can see both lines highlighted.")
t("On our side there's one invoice, LL-2026-11-04821, marked paid once.")
t("So the second charge looks like a payment retry that shouldn't have happened.")
v("ok. can it be refunded?")
t("Yes. Refunds are handled by our billing team, I'll pass this over to them now.")
t("They usually reply within one working day, in this same chat.")
v("great, thanks")
v("while I have you, there's a second problem")
t("Sure, go ahead 🙂")
v("our monthly order export is failing")
v("it used to produce a file with some broken characters, now it fails outright")
t("That's the export from Reports → Exports, or the CLI?")
v("the CLI, we run it from a small script")
v("here's what it prints:")
v(TERMINAL_FAILURE, wait=25)
t("Thanks, that's very helpful. The colours came through as codes on my side but I can read it 😄")
t("\"invalid byte sequence for encoding SHIFT_JIS\" — interesting.")
t("Do you have the log file from that run? `--log` writes one.")
v("one sec")
v("error-log.txt", file="error-log.txt", wait=90)
t("Perfect. Reading it now.", wait=5)
t("Row 97 already shows garbled text, and row 118 is where it gives up.", wait=80)
t("Both are product names from the Osaka warehouse, is that right?")
v("yes. Osaka opened in August, all their product names are in Japanese")
t("That matches. It looks like the exporter picks Shift_JIS because the Osaka warehouse has a Japanese locale.")
t("But your product names are stored as UTF-8, so converting them breaks.")
v("makes sense. is there a way around it?")
t("Not one I'd recommend yet. I want to check with engineering before suggesting a setting change.")
t("Can I get back to you tomorrow on this? Billing will also write here about the refund.")
v("sure")
v("oh, our team in Osaka also sees the error in their UI, they sent me this:")
v("「エクスポートに失敗しました：無効なバイトシーケンスです」")
t("Thanks! That's the same error message, translated: \"Export failed: invalid byte sequence\".")
v("yep that's what google translate said too 😅")
t("I've added both details to the engineering ticket, ENG-5521.")
v("thanks Tomás")
t("You're welcome! Talk tomorrow.")

# A second, shorter chat in the afternoon.
day("2026-11-16", "15:42:19")
v("hi again, quick one")
t("Hi Hana! Sure.")
v("should I stop running the export until it's fixed?")
t("Running it is harmless: it stops before writing anything, so nothing gets half-exported.")
v("ok good")
v("and the card, should I block it because of the double charge?")
t("No need. The retry was on our side, not fraud. Billing will refund it.")
v("👍")

# ---- Tuesday 17 November: billing -------------------------------------------
day("2026-11-17", "08:31:47")
p("Good morning Hana, I'm Priya from the Ledgerline billing team 👋🏽")
p("Tomás passed me your double charge from November 1st.")
p("I've confirmed it: our payment provider timed out on the first attempt, we retried, and both attempts went through.")
p("I've issued a refund of €179.00 for the second charge.")
v("morning! that was quick, thank you", wait=300)
p("You're welcome. I'll send the refund confirmation once the provider confirms it, normally within two days.")
p("Here's the November invoice for your records, it's unchanged:")
p("invoice-4821.pdf", file="invoice-4821.pdf")
v("thanks")
v("hm, the invoice still shows our old address")
p("Which address should it be?")
v("Kestrel Outdoor Supply, 2210 NW Front Ave, Suite 4, Portland OR 97209")
p("Updated. Future invoices will use that address.")
p("Do you want me to re-issue November with the new address too?")
v("yes please, the accountant will ask")
p("Done, the re-issued copy will come with the refund confirmation.")
v("our accountant also asked me to double check the whole year for other double charges")
v("is that something you can do?")
p("Of course. Shall we go month by month?")
v("yes, that'd be great")

MONTHS = [
    ("January", "149.00", "2026-01-01", "ok"),
    ("February", "149.00", "2026-02-01", "ok"),
    ("March", "149.00", "2026-03-01", "ok"),
    ("April", "149.00", "2026-04-01", "ok"),
    ("May", "149.00", "2026-05-01", "ok"),
    ("June", "149.00", "2026-06-01", "ok"),
    ("July", "149.00", "2026-07-01", "ok"),
    ("August", "179.00", "2026-08-01", "new"),
    ("September", "179.00", "2026-09-01", "ok"),
    ("October", "179.00", "2026-10-01", "failed"),
    ("November", "179.00", "2026-11-01", "double"),
]
for month, amount, date, state in MONTHS:
    number = f"LL-{date[:4]}-{date[5:7]}-04821"
    v(f"{month}?" if rng.random() < 0.6 else f"what about {month}?")
    if state == "ok":
        p(f"{month}: one charge of €{amount} on {date}, invoice {number} ✅", wait=15)
    elif state == "new":
        p(f"{month}: one charge of €{amount} on {date} ✅ — that's the first month with the Osaka warehouse add-on (+€30).", wait=20)
        v("right, that's when Osaka opened")
    elif state == "failed":
        p(f"{month}: the first attempt on {date} was declined, the retry on 2026-10-02 went through. One charge of €{amount} in total ✅", wait=40)
        v("oh I remember, the card had expired")
    else:
        p(f"{month}: the double charge we're refunding. After the refund: one charge of €{amount} ✅", wait=10)
    if rng.random() < 0.35:
        v(rng.choice(["ok", "good", "👍", "thanks", "great"]))
p("So apart from November, every month was charged exactly once.")
v("perfect, that's what I needed")
v("could you put that in writing for the accountant? an email is fine")
p("Sure, I'll email a summary to hana.whitfield@kestrel-outdoor.example today.")
v("🙏")
p("Anything else on the billing side?")
v("actually yes, one more")
v("our accountant says the invoice should show our EU VAT number, since we started selling to Ireland")
p("No problem. Do you have the number handy?")
v("IE9S99999L")
p("Thanks. I've added it to the account, it will print on every invoice from now on.")
v("does it change the amounts?")
p("No, the amounts stay the same. It's printed for your records only.")
v("ok, good")
v("and it'll be on the re-issued November one too?")
p("Yes, I'll generate that copy after this change, so it will include it.")
v("perfect")
p("Anything else on the billing side?")
v("one thing: can we switch to yearly billing? is it cheaper?")
p("Yearly is two months free, so €1,790 instead of €2,148 at your current plan.")
p("You can switch any time in Settings → Billing; the unused part of the month is credited.")
v("nice, I'll bring it up with the owners")
v("not now though, I want the refund to settle first 😅")
p("Very sensible! I'll leave it with you.")
p("I'll message here when the refund confirmation arrives.")
v("thanks Priya")

# Tomás comes back about the export.
day("2026-11-17", "13:05:12")
t("Hi Hana, Tomás again. I have an update on the export problem.")
v("hi!", wait=200)
t("Engineering reproduced it with a copy of your product catalogue.")
t("The exporter picks the file encoding from the warehouse locale, so Osaka gets Shift_JIS.")
t("Converting to Shift_JIS fails for some characters, like the ℃ in one of your product names, and for names stored with combining accents.")
v("combining accents?")
t("Letters like é can be stored as one character, or as e plus a separate accent mark.")
t("Some of your Portland product names have the second kind, for example \"Cafe" + ACUTE + " mug\".")
t("They look identical on screen but they're different bytes, and the converter chokes on them.")
v("wow, ok. that's probably from copy pasting from the supplier's spreadsheet")
t("Very likely! It's common.")
v("so what do we do?")
t("Short term: you can force UTF-8 for the export. The CLI has `--encoding utf-8`.")
t("Long term: engineering is changing the default to UTF-8 for everyone and normalising accents.")
v("will our accounting package take UTF-8?")
t("Most do. Which one do you use?")
v("Northbook")
t("Northbook accepts UTF-8, yes. I checked their import docs: it needs UTF-8 with or without BOM.")
v("ok let me try it now")
v("hmm, it got further but 12 rows still look weird in Northbook", wait=240)
t("Can you send me a few of those rows?")
v("sure, here's a sample with the ones that look wrong")
v("export-sample.csv", file="export-sample.csv", wait=60)
t("Thanks, opening it.", wait=5)
t("The file itself is fine: those names are correct UTF-8 here.", wait=70)
t("So it's probably Northbook guessing the encoding on import.")
t("In Northbook's import dialog there's a \"File origin\" dropdown. Is it set to UTF-8?")
v("it says \"Windows (ANSI)\" 🤦‍♀️")
v("changed it, importing again", wait=30)
v("better! but the accents still look wrong on 2 products")
t("Those are the combining accent ones, I bet: the café mug and the Zoë base layer.")
v("yes exactly those two")
t("That's the normalisation part, which isn't in the CLI yet. The fix engineering is making handles it.")
t("Until then, could you retype those two names in the catalogue? Typing them fresh stores them the simple way.")
v("sure, only two, no problem")
v("done. and the rest?")
t("Let's go through the Osaka rows one by one against your catalogue, to be sure nothing else is off.")
v("ok")

for sku, name, warehouse, price in PRODUCTS:
    if warehouse != "Osaka":
        continue
    v(f"{sku}?")
    t(f"{sku} — {name}, €{price}: matches the catalogue ✅", wait=10)
v("and the rest are Portland/Tacoma which were always fine")
t("Then the file should import cleanly now.")
v("it did!! 🎉")
t("Great news!")
v("the bookkeeper can close October finally")
t("I'm glad. I'll keep the ticket open until the UTF-8 default and the accent fix ship.")
v("thank you so much")

# ---- Wednesday 18 November: the long explanation, and the URL ---------------
day("2026-11-18", "09:14:03")
v("morning Tomás, are you around?")
t("Good morning Hana! Yes, here.", wait=120)
v("so the bookkeeper asked me something and I want to explain the whole thing properly")
v(WORKFLOW, wait=30)
t("Thank you for writing that out, it really helps. I've pasted it into the ticket so engineering sees the impact.")
t("To be clear on the status: October is closed thanks to the workaround, right?")
v("yes, October is done")
v("but November month-end is in two weeks and I don't want to do the workaround every month")
t("Understood. Engineering estimates the fix ships next week, before your month-end.")
v("ok that works")
v("another question: in the admin UI the export link looks like this")
v(LONG_URL)
v("it has encoding=shift_jis in it. can I just change that to utf-8?")
t("Good catch. Yes, that parameter works in the web UI too.")
t("Change `encoding=shift_jis` to `encoding=utf-8` and keep everything else.")
v("brilliant, that's easier for the Osaka team than the CLI")
v("one more: the Osaka team asked if they can see the export in Japanese column headers")
t("Not yet, headers are English only. I'll add it as a feature request.")
v("thanks. they'd love that")
v("they write: 「ヘッダーが日本語だと助かります。よろしくお願いします！」")
t("I'll quote them in the request 🇯🇵")
v("haha thanks")
v("also, Kenji asks whether the fix will repair the August and September files")
t("It won't change files you already downloaded, but you can re-run those months and get clean files.")
v("ok, they'll do that once the fix is out")
t("If you run them today with `--encoding utf-8`, they'll be clean too, apart from the two accent names you already retyped.")
v("even better, I'll tell them")
v("(they're 16 hours ahead so they'll see it in the morning 😴)")

# A short afternoon check with a rating prompt.
day("2026-11-18", "16:20:44")
t("Hi Hana, quick note: the refund has been processed on our side.")
t("Priya will send the confirmation PDF tomorrow once the provider sends the reference.")
v("thanks for the heads up", wait=400)
v("You rated this conversation 5/5 ⭐", kind="rating", rating=5)

# ---- Thursday 19 November: refund confirmation and the release candidate ---
day("2026-11-19", "10:02:58")
p("Hi Hana, here's the refund confirmation as promised:")
p("refund-confirmation.pdf", file="refund-confirmation.pdf")
p("And the re-issued November invoice with your new address is attached to the email I sent.")
v("got both, thanks Priya", wait=600)
v("the refund isn't on the card yet, is that normal?")
p("Yes, it can take 3–5 business days to appear, depending on the bank.")
v("ok, I'll check again next week")
p("If it's not there by Wednesday, message here and I'll chase the provider.")
v("👍")

# Tomás helps with accounts for the Osaka team.
day("2026-11-19", "12:05:41")
v("hi, different topic today")
t("Hi Hana! Sure, what's up?", wait=60)
v("the Osaka team share one login right now")
v("I'd like to give each of them their own account, but only for their warehouse")
t("That's possible with roles. How many people?")
v("three: Kenji, Aiko and Ren")
t("Okay. In Settings → Team, invite each of them by email.")
t("When you invite, pick the role \"Warehouse staff\" and tick only Osaka.")
v("found it")
v("what can Warehouse staff see?")
t("Orders and stock for their warehouse, and they can run exports for it. No billing, no settings.")
v("exactly what I want")
v("can they export all warehouses by accident?")
t("No, their exports only include the warehouses they're assigned to.")
v("inviting them now", wait=20)
v("Kenji's email bounced 🤔")
t("Can you check the spelling? The invite shows the address it was sent to.")
v("ugh, I typed kestrel-outdoors instead of kestrel-outdoor")
v("resent, it went through this time")
t("👍 Invites are valid for 7 days.")
v("and the shared login, should I delete it?")
t("I'd wait until all three have logged in with their own accounts, then remove it.")
t("Removing it signs out any session still using it.")
v("makes sense")
v("Aiko already accepted!", wait=200)
v("she says the UI is in English, can she switch to Japanese?")
t("Yes, each person picks their language under Profile → Language. 日本語 is supported.")
v("she found it, thanks")
v("that's all for now 🙂")
t("Great, have a good afternoon!")

day("2026-11-19", "14:37:30")
t("Hi Hana! Engineering has a release candidate of the CLI with the fix: 3.8.3-rc1.")
t("Would you be willing to try it on October's data? It shouldn't need `--encoding` at all.")
v("sure, how do I get it?")
t("`ledgerline self-update --channel rc` and then run your usual command.")
v("running it now", wait=120)
v("hm it asked me to log in again")
t("Yes, the rc channel uses a fresh session. Same credentials.")
v("ok here we go")
v(TERMINAL_SUCCESS, wait=45)
t("That's exactly what we hoped to see: all 1204 rows, and NFC means the accents are normalised.")
v("and no Shift_JIS anywhere 😄")
v("importing into Northbook to be sure")
v("imported, zero warnings. even the café mug is fine", wait=180)
t("Excellent! I'll report back to engineering.")
t("Could I ask you to also try the scheduled export? It runs the same code at night.")
v("sure, what do I need to do?")
t("Nothing, just check tomorrow morning that the file from tonight's run looks right.")
v("ok will do")

# ---- Friday 20 November: scheduled export checks ---------------------------
day("2026-11-20", "08:47:16")
v("good morning! checked the nightly export")
t("Morning Hana! How does it look?", wait=200)
v("let me go warehouse by warehouse")
for warehouse, orders, note in [
    ("Portland", 31, "all fine"),
    ("Tacoma", 12, "all fine"),
    ("Osaka", 9, "all fine, Japanese names perfect"),
]:
    v(f"{warehouse}: {orders} orders, {note}")
    t(rng.choice(["Great.", "👍", "Good to hear.", "Perfect."]))
v("totals match the dashboard too")
t("Then the fix works for scheduled exports as well. Thank you for testing!")
v("thank YOU, this has been a great experience honestly")
t("That's lovely to hear 😊")
t("The release with the fix is planned for Tuesday 24th. You'll get it automatically.")
v("perfect timing for month-end")
v("and the refund just showed up on the card btw 🎉")
t("Wonderful, then everything is sorted!")
t("I'll close ENG-5521 once the release is out and let you know here.")
v("sounds good. have a nice weekend!")
t("You too, Hana! 👋")

# ---- Monday 23 November: a cron job --------------------------------------
day("2026-11-23", "09:31:12")
v("hi! I'm back with a small one")
t("Morning Hana! Go ahead.", wait=90)
v("I want to keep our own copy of the export every night, as a backup")
v("I'm setting up a cron job on our office server")
t("Good idea. Which user will run it?")
v("a user called exports, it has the CLI installed")
t("Then log in as that user once and run `ledgerline login`, so it has its own token.")
v("done")
v("this is my crontab line:")
v("0 2 * * * ledgerline export --month last --out /srv/exports/")
t("Looks right. Two things to watch out for.")
t("First, cron runs with a minimal PATH, so use the full path to ledgerline.")
v("which is /usr/local/bin/ledgerline")
t("Right. Second, the server's timezone: 02:00 where?")
v("the server is in UTC I think")
t("Then it runs at 6 pm in Portland, and 11 am in Osaka, the next day.")
v("oh that's not great for Osaka, they're busy at 11")
t("The export is read-only, it won't slow anything down for them.")
v("ok good")
v("and \"--month last\" means the previous calendar month?")
t("Yes, in the account's timezone, which is America/Los_Angeles for you.")
v("so every night it exports the same previous month?")
t("Correct. If you want the month so far, use `--month current`.")
v("ahh, I want current, so the backup is up to date")
v("new line:")
v("0 2 * * * /usr/local/bin/ledgerline export --month current --out /srv/exports/ >> /var/log/ledgerline-export.log 2>&1")
t("That's it 👌")
t("The file name includes the month, so each night overwrites that month's file.")
v("fine by me, it's a backup")
v("thanks again, you've been super helpful this week")
t("My pleasure! The release with the fix is still on track for tomorrow.")
v("🤞")

# ---- Tuesday 24 November: the release -----------------------------------------
day("2026-11-24", "11:28:09")
t("Hi Hana, the release with the export fix (CLI 3.8.3) is out now.")
t("UTF-8 is the default for every warehouse and accents are normalised automatically.")
t("The Japanese column headers request is logged as FR-1402, no date yet.")
t("I'll close the ticket, but just reply here if anything looks off at month-end.", read=False)
v("great news, thanks for everything!", wait=900)
t("Any time! 🙂", read=False)


def check_counts():
    dates = {m["created_at"][:10] for m in messages}
    files = [m for m in messages if m["file_url"]]
    assert len(dates) >= 4, dates
    assert len(files) == 5, files
    assert messages[0]["auto_invitation"] is True
    for a, b in zip(messages, messages[1:]):
        assert a["created_at"] < b["created_at"], (a, b)
        assert a["id"] < b["id"]


def main():
    check_counts()
    FILES.mkdir(exist_ok=True)
    (FILES / "screenshot-double-charge.png").write_bytes(billing_screenshot())
    (FILES / "error-log.txt").write_text(ERROR_LOG, encoding="utf-8")
    (FILES / "export-sample.csv").write_text(CSV, encoding="utf-8")
    (FILES / "invoice-4821.pdf").write_bytes(INVOICE)
    (FILES / "refund-confirmation.pdf").write_bytes(REFUND)
    text = json.dumps(messages, ensure_ascii=False, indent=2) + "\n"
    (HERE / "conversation.json").write_text(text, encoding="utf-8")
    print(f"{len(messages)} messages over {len({m['created_at'][:10] for m in messages})} days")


if __name__ == "__main__":
    main()
