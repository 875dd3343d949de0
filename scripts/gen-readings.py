#!/usr/bin/env python3
"""Generate data/readings/ipadic-readings.tsv from IPADIC's CSV sources.

Usage (Debian):  apt-get install mecab-ipadic
                 python3 scripts/gen-readings.py [/usr/share/mecab/dic/ipadic]

The sources are EUC-JP CSV: surface,left,right,cost,pos1,pos2,pos3,pos4,
conj-type,conj-form,base,reading,pronunciation. We keep what kusei's search
needs to read kanji words:

- surfaces containing a kanji (or 々 / ヶ), folded as kusei folds text
  (NFKC, katakana → hiragana, lower case), with the reading in hiragana;
- nouns (common, verbal, adjectival, adverbial, numeric, suffixes and
  prefixes, adverbs) whole: compound readings with 連濁 and っ
  (子育て → こそだて, 学校 → がっこう) come from the real words;
- verbs and adjectives as their kanji stem: the surface and reading less
  their common kana ending (図る/図ら/図り → 図 = はか), so every
  conjugated form is covered by one line;
- person and place names, organisations and other proper nouns are left
  out (many rare, odd readings that would split ordinary words wrongly);
- the reading of the lowest word cost (the commonest) is the one kusei
  indexes; up to MAX_ALTS other readings whose cost is within ALT_COST of
  it (生 なま, also せい; 上手 じょうず, also うわて, かみて) follow in a
  third column: kusei finds those by the query (a kana query equal to
  one of them also looks for the surface), so they cost no index memory.

Output: one "surface<TAB>reading[<TAB>other other]" line per surface,
sorted by the surface's UTF-8 bytes (kusei bisects it), preceded by a
comment header.
"""

import os
import sys
import unicodedata

SOURCES_WHOLE = [
    "Noun.csv",
    "Noun.verbal.csv",
    "Noun.adjv.csv",
    "Noun.adverbal.csv",
    "Noun.number.csv",
    "Noun.others.csv",
    "Noun.nai.csv",
    "Noun.demonst.csv",
    "Suffix.csv",
    "Prefix.csv",
    "Adverb.csv",
    "Adnominal.csv",
    "Conjunction.csv",
]
SOURCES_STEM = ["Verb.csv", "Adj.csv"]
# Other readings kept: at most this many, costing at most this much more.
MAX_ALTS = 2
ALT_COST = 3000


def is_kanji(c):
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or c in "々〆ヶ"
    )


def kata_to_hira(s):
    out = []
    for c in s:
        o = ord(c)
        if 0x30A1 <= o <= 0x30F6 or 0x30FD <= o <= 0x30FE:
            out.append(chr(o - 0x60))
        else:
            out.append(c)
    return "".join(out)


def fold(s):
    return kata_to_hira(unicodedata.normalize("NFKC", s)).lower()


def is_hira(c):
    return "\u3041" <= c <= "\u3096" or c == "ー"


def stem(surface, reading):
    """The surface and reading less their common kana ending, and the same
    with the ending's first kana kept (図ら → 図 and 図ら)."""
    cut = ""
    while surface and reading and is_hira(surface[-1]) and surface[-1] == reading[-1]:
        cut = surface[-1] + cut
        surface, reading = surface[:-1], reading[:-1]
    if cut:
        return (surface, reading), (surface + cut[0], reading + cut[0])
    return (surface, reading), None


def rows(path):
    with open(path, encoding="euc_jp", errors="replace") as f:
        for line in f:
            cols = line.rstrip("\n").split(",")
            if len(cols) < 12:
                continue
            try:
                cost = int(cols[3])
            except ValueError:
                continue
            yield cols[0], cost, cols[11]


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/mecab/dic/ipadic"
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "..", "data", "readings", "ipadic-readings.tsv")
    found = {}
    for name, whole in [(n, True) for n in SOURCES_WHOLE] + [(n, False) for n in SOURCES_STEM]:
        for surface, cost, reading in rows(os.path.join(src, name)):
            if reading in ("", "*"):
                continue
            s, r = fold(surface), kata_to_hira(reading)
            if whole:
                cands = [(0, s, r)]
            else:
                bare, first = stem(s, r)
                # A bare stem only where no noun gives the character a
                # reading (図 is ず, not はか; 図る is はかる).
                cands = [(2, bare[0], bare[1])] + ([(1, first[0], first[1])] if first else [])
            for tier, s, r in cands:
                if not s or not r or not any(is_kanji(c) for c in s):
                    continue
                if any(c in "\t\n" for c in s + r) or not all(is_hira(c) for c in r):
                    continue
                if len(s) > 12:
                    continue
                found.setdefault(s, []).append(((tier, cost), r))
    best = {}
    alts = 0
    for s, cands in found.items():
        cands.sort(key=lambda x: x[0])  # stable: the first found wins a tie
        (tier, cost), r = cands[0]
        others = []
        for (t, c), o in cands[1:]:
            if t == tier and c - cost <= ALT_COST and o != r and o not in others:
                others.append(o)
        others = others[:MAX_ALTS]
        alts += len(others)
        best[s] = ((tier, cost), r, others)
    print(f"{alts} other readings kept")
    lines = sorted(best.items(), key=lambda kv: kv[0].encode("utf-8"))
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# kusei reading table, generated by scripts/gen-readings.py from IPADIC\n")
        f.write("# (mecab-ipadic); see COPYING.ipadic beside this file. Do not edit.\n")
        for s, (_, r, others) in lines:
            tail = "\t" + " ".join(others) if others else ""
            f.write(f"{s}\t{r}{tail}\n")
    print(f"{len(lines)} surfaces -> {os.path.normpath(out_path)}")


if __name__ == "__main__":
    main()
