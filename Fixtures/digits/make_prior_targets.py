"""Prior changes and small targets made by hand, without repeated rows, from the digits test rows.

Docs/Benchmark.md ("Prior changes and small targets outside the catalogue") runs `shiftcast
compare` on them. The benchmark's own prior changes resample with replacement, and its targets
are as large as the test split; these keep each test row at most once.

    python3 Fixtures/digits/make_prior_targets.py OUTDIR

writes OUTDIR/ls_norep.csv (classes 5-9 kept at 20 %), ls_three.csv (classes 1, 4, 7 only),
ls_one.csv (class 3 whole, the others at 10 %), and small30.csv / small66.csv (30 and 66 test
rows drawn at random: no shift, only fewer rows). Needs only the Python standard library.
"""
import csv
import os
import random
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else "."
rows = list(csv.reader(open(os.path.join(here, "test.csv"))))
header, body = rows[0], rows[1:]
label = header.index("label")
random.seed(3)


def write(name, kept):
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(kept)
    print(f"{name}: {len(kept)} rows")


# The draws are made in this order (a row of a kept class draws nothing), so the files are fixed.
write("ls_norep.csv", [r for r in body if int(r[label]) < 5 or random.random() < 0.2])
write("ls_three.csv", [r for r in body if int(r[label]) in (1, 4, 7)])
write("ls_one.csv", [r for r in body if int(r[label]) == 3 or random.random() < 0.1])
write("small30.csv", random.sample(body, 30))
write("small66.csv", random.sample(body, 66))
