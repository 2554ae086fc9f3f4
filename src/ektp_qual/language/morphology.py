"""How each language's words are normalised before matching, by default: clitics,
spelling variants, the stemmer and the words it gets wrong. A codebook's ``morphology``
adds to these; a researcher would otherwise have to spell them out in every codebook.
"""

from __future__ import annotations

from ..model import Morphology

LANGUAGE_MORPHOLOGY: dict[str, Morphology] = {
    "id": Morphology(
        clitics=("lah", "kah", "tah", "pun", "nya", "ku", "mu"),
        variants=(
            ("antre", "antri"),
            ("antrean", "antrian"),
            ("antreannya", "antriannya"),
            ("mengantre", "mengantri"),
            ("ngantre", "mengantri"),
            ("ngantri", "mengantri"),
            ("ngantrinya", "mengantri"),
            ("blanko", "blangko"),
            ("nomer", "nomor"),
            ("ijin", "izin"),
            ("praktek", "praktik"),
            ("kwitansi", "kuitansi"),
            ("sistim", "sistem"),
            ("resiko", "risiko"),
            ("jaman", "zaman"),
            ("nasehat", "nasihat"),
            ("nunggu", "menunggu"),
            ("nungguin", "menunggu"),
            ("ngurus", "mengurus"),
            ("ngurusin", "mengurus"),
            ("dateng", "datang"),
            ("deket", "dekat"),
            ("nambahin", "menambah"),
            ("nambah", "menambah"),
            ("ditambahin", "ditambah"),
            ("dijelasin", "dijelaskan"),
            ("jelasin", "menjelaskan"),
            ("ngejelasin", "menjelaskan"),
            ("dibantuin", "dibantu"),
            ("bantuin", "membantu"),
            ("nyampe", "sampai"),
            ("kelar", "selesai"),
            ("dimintain", "dimintai"),
            ("benerin", "memperbaiki"),
            ("dibenerin", "diperbaiki"),
            ("betulin", "memperbaiki"),
            ("dibetulin", "diperbaiki"),
            ("cepet", "cepat"),
            ("udah", "sudah"),
            ("dah", "sudah"),
            ("gimana", "bagaimana"),
            ("nggak", "tidak"),
            ("gak", "tidak"),
            ("ga", "tidak"),
            ("enggak", "tidak"),
            ("ngga", "tidak"),
            ("nggk", "tidak"),
            ("ndak", "tidak"),
            ("nda", "tidak"),
            ("tdk", "tidak"),
            ("blm", "belum"),
            ("bgt", "banget"),
            ("kalo", "kalau"),
            ("ngelayanin", "melayani"),
            ("ngelayani", "melayani"),
            ("bener", "benar"),
            ("ramah2", "ramah"),
        ),
        stemmer="sastrawi",
        no_derivation_prefixes=("se", "per"),
        # Sastrawi reads these as derived from another root ("desa", village).
        stems=(
            ("berdesakan", "desak"),
            ("berdesak", "desak"),
            ("desakan", "desak"),
            # Derivations whose meaning is not the root's: research is not care.
            ("penelitian", "penelitian"),
            ("peneliti", "peneliti"),
            # To die is not to be left behind ("ditinggal"), an abbreviation is not
            # brevity ("singkat"), by chance is not repaired ("dibetulkan").
            ("meninggal", "meninggal"),
            ("singkatan", "singkatan"),
            ("kebetulan", "kebetulan"),
        ),
    )
}
