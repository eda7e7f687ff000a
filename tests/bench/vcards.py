"""vCard import benchmark (issue 17, item 7): a process's peak memory growth while it reads and checks a 16 MiB .vcf
(the preview's background task), and while it writes the people (the confirm's), each in a fresh process.

The file is generated: about 13,000 cards in the ways phones write them (vCard 2.1 quoted-printable with soft breaks,
3.0 with Apple labels and notes, 4.0 with ALTID names) and three photos of about 3.4 MB each (two folded, one on a
single line as vCard 4 writes a data: URI). The budget: growth under 250 MB for a 16 MB file (docs/benchmarks.md).

Usage: .venv/bin/python tests/bench/vcards.py [--mib 16] [--photos 3] [--photo-mb 3.4] [--seed 1] [--styles 2.1,3.0,4.0]
"""
import argparse
import base64
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

from export import EMAIL, PASSWORD, ROOT, peak_rss_mb, reset_peak_rss

sys.path.insert(0, ROOT)

STYLES = ("2.1", "3.0", "4.0")
FIRST = ["Zoë", "Jürgen", "Paweł", "Віталій", "Chidi", "Ingrid", "Tomáš", "Dana", "Taro", "Léa", "María", "Søren"]
LAST = ["Martin", "Müller", "Kowalski", "Коваленко", "Okafor", "Svensson", "Dvořák", "Levi", "Yamada", "García"]


def current_rss_mb():
    """This process's resident memory now (VmRSS)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def card(rng, number, style):
    """One card in the way of vCard `style` ("2.1", "3.0" or "4.0"), as bytes."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    phone = f"+33 6 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {number % 100:02}"
    if style == "2.1":
        name = f"{first} {last}".encode()
        qp = "".join(f"={b:02X}" for b in name)
        split = qp[:len(qp) // 2 // 3 * 3]
        return (f"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{split}=\r\n"
                f"{qp[len(split):]};;;;\r\nTEL;CELL:{phone}\r\nTEL;HOME;FAX:+33 1 {number // 10000:02} {number // 100 % 100:02} 67 {number % 100:02}\r\n"
                f"EMAIL;HOME:person{number}@example.com\r\nBDAY:1604{rng.randrange(1, 13):02}{rng.randrange(1, 29):02}\r\n"
                "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Met at the Lyon fair, =C3=A9t=C3=A9 2024.=0A=\r\n"
                "Daughter plays the violin.\r\nEND:VCARD\r\n").encode("ascii")
    if style == "3.0":
        return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\nORG:Acme {number % 97};\r\n"
                f"TITLE:Buyer\r\nitem1.TEL:{phone}\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"
                f"EMAIL;type=INTERNET;type=WORK:p{number}@acme.example\r\nitem2.X-ABRELATEDNAMES:Marc {last}\r\n"
                f"item2.X-ABLabel:_$!<Spouse>!$_\r\nitem3.ADR;type=WORK:;;1 Rue de la Paix;Lyon;;69002;France\r\n"
                f"BDAY:19{rng.randrange(50, 99)}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}\r\n"
                "NOTE:Prefers calls after 10.\\nAsked for the 2027 catalogue\\, samples in March.\r\n"
                "END:VCARD\r\n").encode("utf-8")
    return (f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN;ALTID=1;LANGUAGE=ja:山田太郎{number}\r\n"
            f"FN;ALTID=1;LANGUAGE=en:Yamada Taro {number}\r\nTEL;TYPE=cell;VALUE=uri:tel:{phone.replace(' ', '-')}\r\n"
            f"EMAIL;PREF=1:contact{number}@invalid\r\nANNIVERSARY:2010{rng.randrange(1, 13):02}12\r\n"
            f"RELATED;TYPE=spouse;VALUE=text:山田花子\r\nREV:not-a-time\r\nEND:VCARD\r\n").encode("utf-8")


def photo_card(rng, number, size, folded):
    """A card with a base64 photo of about `size` bytes: folded at 74 characters (3.0), or on one line (4.0)."""
    blob = base64.b64encode(rng.randbytes(size * 3 // 4)).decode()
    if folded:
        body = "\r\n ".join(blob[i:i + 74] for i in range(0, len(blob), 74))
        return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Person {number}\r\nTEL;type=CELL:+44 7700 900{number:03}\r\n"
                f"PHOTO;ENCODING=b;TYPE=JPEG:{body}\r\nEND:VCARD\r\n").encode()
    return (f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Photo Person {number}\r\nTEL:+44 7700 900{number:03}\r\n"
            f"PHOTO:data:image/jpeg;base64,{blob}\r\nEND:VCARD\r\n").encode()


def generate(path, mib, photos, photo_mb, seed, styles=STYLES):
    """Write the benchmark's .vcf at `path`: the photos spread through the file, cards up to `mib` MiB; return
    (bytes, cards)."""
    rng = random.Random(seed)
    target = int(mib * 1024 * 1024)
    photo_cards = [photo_card(rng, i, int(photo_mb * 1_000_000), folded=i % 3 != 2) for i in range(photos)]
    room = target - sum(len(c) for c in photo_cards)
    plain, size, number = [], 0, 0
    while size < room:
        plain.append(card(rng, number, styles[number % len(styles)]))
        size += len(plain[-1])
        number += 1
    every = max(len(plain) // (photos + 1), 1)
    with open(path, "wb") as handle:
        for i, data in enumerate(plain):
            if photo_cards and i and i % every == 0:
                handle.write(photo_cards.pop())
            handle.write(data)
        for data in photo_cards:
            handle.write(data)
    return os.path.getsize(path), number + photos


def prepare(folder):
    """A migrated SQLite database in `folder` with the bench user; return its path."""
    from journal import create_app, migrate
    from journal.db import db
    from journal.models import User

    path = os.path.join(folder, "bench.sqlite3")
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(folder, "backups"))
        User.register(EMAIL, PASSWORD)
        db.close()
    return path


def child(step, folder, vcf):
    """In a fresh process: the import's check (a job for the uploaded file) or its write (the job confirmed), as the
    background task runs it; print rows, seconds, baseline RSS and peak RSS (MB)."""
    from journal import create_app, job_files, tasks
    from journal.models import ImportRow, Job, User

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}",
                      "JOBS_DIR": os.path.join(folder, "jobs")})
    with app.app_context():
        user = User.by_email(EMAIL)
        if step == "check":
            os.makedirs(app.config["JOBS_DIR"], exist_ok=True)
            name = job_files.new_name("upload")
            shutil.copy(vcf, job_files.path(name))
            job = Job.create(user=user.id, kind="import", step="check", format="vcard", file=name, filename="bench.vcf")
        else:
            job = Job.select().where(Job.kind == "import").get()
            assert job.confirm_import(True, "127.0.0.1")
        reset_peak_rss()
        baseline = current_rss_mb()
        start = time.perf_counter()
        (tasks.preview_import if step == "check" else tasks.create_people)(job.id)
        seconds = time.perf_counter() - start
        peak = peak_rss_mb()
        job = Job.get_by_id(job.id)
        assert job.status == "done", (job.status, job.message)
        rows = ImportRow.select().where(ImportRow.job == job.id).count() if step == "check" else job.written
    print(f"{rows} {seconds:.2f} {baseline:.0f} {peak:.0f}")


def main():
    """Generate the file, then measure the check and the write, each in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=16)
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--photo-mb", type=float, default=3.4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--styles", default=",".join(STYLES),
                        help="the vCard versions of the cards, e.g. 3.0 alone for a before figure with vobject, "
                             "which refuses 2.1 soft breaks")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "FOLDER", "VCF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        vcf = os.path.join(folder, "bench.vcf")
        size, cards = generate(vcf, args.mib, args.photos, args.photo_mb, args.seed, args.styles.split(","))
        prepare(folder)
        print(f"vCard import of a generated {size / 1024 / 1024:.1f} MiB file: {cards} cards ({args.styles}), "
              f"{args.photos} photos of {args.photo_mb} MB")
        print("| step | rows | seconds | baseline RSS MB | peak RSS MB | growth MB | growth / file size |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for step in ("check", "write"):
            out = subprocess.run([sys.executable, __file__, "--child", step, folder, vcf], capture_output=True,
                                 text=True, env=dict(os.environ, INSTANCE_PATH=folder), check=True).stdout.split()
            rows, seconds, baseline, peak = int(out[0]), float(out[1]), float(out[2]), float(out[3])
            growth = peak - baseline
            print(f"| {step} | {rows} | {seconds:.2f} | {baseline:.0f} | {peak:.0f} | {growth:.0f} | "
                  f"{growth / (size / 1024 / 1024):.1f}× |")


if __name__ == "__main__":
    main()
