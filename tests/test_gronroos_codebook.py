"""The Gronroos codebook on sentences that are not in the sample corpus.

The codebook is meant for interviews the project has not seen: these sentences say the
things BRIEF.md lists in other words than the sample's transcripts do.
"""

from __future__ import annotations

import pytest

import ektp_qual

from .conftest import code_answers

CASES = [
    ("Waktu itu antreannya mengular sampai ke parkiran.", [("professionalism", "negative")]),
    (
        "Saya nunggu dari jam tujuh sampai jam tiga sore, berjam-jam pokoknya.",
        [("professionalism", "negative")],
    ),
    ("Servernya sering error, jadi harus rekam ulang.", [("professionalism", "negative")]),
    (
        "Operatornya sigap dan terampil, nggak sampai sepuluh menit selesai.",
        [("professionalism", "positive")],
    ),
    ("Prosesnya cepat dan tertib, sesuai nomor antrian.", [("professionalism", "positive")]),
    ("Petugasnya kewalahan karena yang datang membludak.", [("professionalism", "negative")]),
    (
        "Data saya salah ketik, jadi harus bolak-balik ke kecamatan.",
        [("professionalism", "negative")],
    ),
    ("Pelayanannya lambat sekali, Pak.", [("professionalism", "negative")]),
    ("Petugasnya ramah dan murah senyum.", [("attitude", "positive")]),
    ("Ada petugas yang cuek, malah main HP waktu kami nunggu.", [("attitude", "negative")]),
    ("Orang yang kenal sama petugas didahulukan, pilih kasih namanya.", [("attitude", "negative")]),
    ("Saya dibentak sama petugasnya, padahal cuma nanya.", [("attitude", "negative")]),
    ("Petugasnya sopan, sabar menghadapi orang tua.", [("attitude", "positive")]),
    ("Petugasnya kurang ramah ke warga.", [("attitude", "negative")]),
    (
        "Mereka melayani sesuai nomor urut, nggak ada yang diistimewakan.",
        [("attitude", "positive")],
    ),
    ("Kantornya dekat, mudah dijangkau pakai angkot.", [("accessibility", "positive")]),
    ("Syaratnya cuma bawa KK sama surat panggilan, gampang.", [("accessibility", "positive")]),
    ("Saya harus izin kerja dua hari buat rekam.", [("accessibility", "negative")]),
    (
        "Kuotanya habis, jadi disuruh datang besok.",
        [("accessibility", "negative"), ("reliability", "negative")],
    ),
    ("Kecamatan juga jemput bola ke rumah warga yang sakit.", [("accessibility", "positive")]),
    ("Tempatnya jauh dari rumah saya.", [("accessibility", "negative")]),
    ("Nggak ada informasi kapan jadwal perekaman.", [("accessibility", "negative")]),
    ("Tidak dipungut biaya sepeser pun.", [("reliability", "positive")]),
    (
        "Katanya dua minggu jadi, ternyata sampai tiga bulan belum jadi juga.",
        [("reliability", "negative")],
    ),
    ("Ada calo yang minta uang pelicin seratus ribu.", [("reliability", "negative")]),
    ("E-KTP saya jadi tepat waktu, sesuai janji.", [("reliability", "positive")]),
    ("Blangkonya kosong, jadi disuruh kembali bulan depan.", [("reliability", "negative")]),
    ("Tidak ada pungutan liar di sana.", [("reliability", "positive")]),
    (
        "Waktu server offline, petugas tetap menerima berkas kami.",
        [("professionalism", "negative"), ("recovery", "positive")],
    ),
    (
        # A problem told with its fix is evidence for the fix, not against.
        "Alatnya rusak tapi langsung diperbaiki sama petugasnya.",
        [("recovery", "positive")],
    ),
    ("Tendanya cuma satu, banyak yang kepanasan.", [("recovery", "negative")]),
    ("Keluhan kami tidak ditanggapi sama sekali.", [("recovery", "negative")]),
    ("Petugas menyediakan kursi dan air minum buat yang menunggu.", [("recovery", "positive")]),
    ("Kami disuruh pulang tanpa solusi.", [("recovery", "negative")]),
    ("Saya percaya sama pelayanan kecamatan.", [("reputation", "positive")]),
    ("Banyak warga kecewa, citranya jadi buruk.", [("reputation", "negative")]),
    ("Kecamatan itu transparan, semua sesuai aturan.", [("reputation", "positive")]),
    ("Ada isu pungli di kecamatan itu, jadi orang ragu.", [("reputation", "negative")]),
    ("Saya sudah tidak percaya lagi sama kecamatan.", [("reputation", "negative")]),
    ("Selamat pagi, Pak, saya dari Kelurahan Sawah Lama.", []),
    ("Rumah saya di desa sebelah, dekat masjid.", [("accessibility", "positive")]),
    ("Saya jualan dari pagi sampai sore.", []),
    ("Semoga pelayanannya makin cepat.", []),
]


@pytest.fixture(scope="module")
def coded():
    return code_answers([sentence for sentence, _ in CASES])


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_codes_unseen_sentences(coded, sentence, expected):
    rows = coded[coded["text"] == sentence]
    assert sorted(set(zip(rows["criterion"], rows["polarity"], strict=True))) == expected


def test_every_guide_question_is_read_as_its_own_criterion():
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    coder = ektp_qual.Coder(book)
    for criterion in book.criteria:
        assert len(criterion.questions) >= 2
        for question in criterion.questions:
            assert coder.question_topic(question)[0] == criterion.id, question
