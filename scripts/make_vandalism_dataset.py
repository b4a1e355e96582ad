# ruff: noqa: E501  (template sentences are data; wrapping them would only hurt reading)
"""Make the labelled edit set for the vandalism score: ``tests/data/vandalism-edits.jsonl.gz``.

Usage: ``.venv/bin/python scripts/make_vandalism_dataset.py [OUT]``

Deterministic: one seeded ``random.Random``, no sets iterated, gzip written with mtime 0, so two
runs give the same bytes. Every edit is made from templates written for this script: articles
about Indonesian villages, regencies, rivers and civic programmes in Indonesian and English
(Markdown with footnotes, wiki links and categories, as on Gotong), and then one edit of a
known kind applied to it.

One JSON object per line: ``id``, ``lang`` (id|en), ``label`` (good|bad), ``class`` (good,
good-faith, vandalism, spam, hoax), ``kind`` (the template), ``title``, and the fields of
:class:`wiki.vandalism.features.Edit` (``common_domains`` as a sorted list).

Classes, roughly as patrollers meet them:
    good        typo fixes, sourced additions, new sections, restructuring, translations,
                lead summaries, wikification, updated figures, removal of unsourced claims
                with a summary, reverts of vandalism, talk-page comments, page creations,
                official external links.
    good-faith  label good, but noisy: new users adding unsourced or informal text, large
                removals with a proper summary, broken formatting, a dropped footnote marker
                while rewording, self-promotion-free local links.
    vandalism   insults, profanity, repeated characters, capitals, blanking, near-blanking,
                keyboard mashing, "was here", silly jokes, changed figures, junk pages,
                unexplained removal of sourced text, talk-page abuse.
    spam        gambling/loan/pill links, repeated links to one site, WhatsApp numbers,
                plausible-looking commercial links.
    hoax        "BREAKING ... sebarkan!" chain messages, fabricated claims with and without
                markers, removing sources while changing claims, fake sources on blogs.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "vandalism-edits.jsonl.gz"
SEED = 20240917

# --- entities -------------------------------------------------------------------------------

# (province id, province en, [(regency id, regency en, slug, [districts])])
REGIONS = [
    (
        "Jawa Barat",
        "West Java",
        [
            (
                "Kabupaten Cianjur",
                "Cianjur Regency",
                "cianjur",
                ["Cibeber", "Cugenang", "Pacet", "Warungkondang"],
            ),
            (
                "Kabupaten Garut",
                "Garut Regency",
                "garut",
                ["Bayongbong", "Cisurupan", "Leles", "Samarang"],
            ),
            (
                "Kabupaten Bandung",
                "Bandung Regency",
                "bandung",
                ["Ciwidey", "Pangalengan", "Soreang", "Banjaran"],
            ),
        ],
    ),
    (
        "Jawa Tengah",
        "Central Java",
        [
            (
                "Kabupaten Banyumas",
                "Banyumas Regency",
                "banyumas",
                ["Baturraden", "Sumbang", "Kembaran", "Ajibarang"],
            ),
            (
                "Kabupaten Klaten",
                "Klaten Regency",
                "klaten",
                ["Tulung", "Polanharjo", "Wedi", "Delanggu"],
            ),
            (
                "Kabupaten Wonosobo",
                "Wonosobo Regency",
                "wonosobo",
                ["Kejajar", "Garung", "Mojotengah", "Leksono"],
            ),
        ],
    ),
    (
        "Jawa Timur",
        "East Java",
        [
            (
                "Kabupaten Malang",
                "Malang Regency",
                "malang",
                ["Dau", "Pujon", "Tumpang", "Poncokusumo"],
            ),
            (
                "Kabupaten Banyuwangi",
                "Banyuwangi Regency",
                "banyuwangi",
                ["Glagah", "Licin", "Songgon", "Kalibaru"],
            ),
            (
                "Kabupaten Jember",
                "Jember Regency",
                "jember",
                ["Arjasa", "Panti", "Sukorambi", "Ledokombo"],
            ),
        ],
    ),
    (
        "Sumatera Barat",
        "West Sumatra",
        [
            ("Kabupaten Agam", "Agam Regency", "agam", ["Baso", "Canduang", "Matur", "Palembayan"]),
            (
                "Kabupaten Tanah Datar",
                "Tanah Datar Regency",
                "tanahdatar",
                ["Lima Kaum", "Pariangan", "Sungai Tarab", "Rambatan"],
            ),
        ],
    ),
    (
        "Bali",
        "Bali",
        [
            (
                "Kabupaten Gianyar",
                "Gianyar Regency",
                "gianyar",
                ["Ubud", "Tegallalang", "Payangan", "Sukawati"],
            ),
            (
                "Kabupaten Tabanan",
                "Tabanan Regency",
                "tabanan",
                ["Penebel", "Baturiti", "Marga", "Kediri"],
            ),
        ],
    ),
    (
        "Sulawesi Selatan",
        "South Sulawesi",
        [
            (
                "Kabupaten Gowa",
                "Gowa Regency",
                "gowa",
                ["Tinggimoncong", "Bontomarannu", "Parangloe", "Manuju"],
            ),
            (
                "Kabupaten Bone",
                "Bone Regency",
                "bone",
                ["Ulaweng", "Palakka", "Awangpone", "Tellu Siattinge"],
            ),
        ],
    ),
    (
        "Nusa Tenggara Timur",
        "East Nusa Tenggara",
        [
            (
                "Kabupaten Sikka",
                "Sikka Regency",
                "sikka",
                ["Nita", "Kewapante", "Magepanda", "Paga"],
            ),
            (
                "Kabupaten Manggarai",
                "Manggarai Regency",
                "manggarai",
                ["Ruteng", "Wae Rii", "Cibal", "Satarmese"],
            ),
        ],
    ),
    (
        "Kalimantan Barat",
        "West Kalimantan",
        [
            (
                "Kabupaten Sanggau",
                "Sanggau Regency",
                "sanggau",
                ["Kapuas", "Parindu", "Bonti", "Tayan Hulu"],
            ),
            (
                "Kabupaten Kubu Raya",
                "Kubu Raya Regency",
                "kuburaya",
                ["Sungai Raya", "Rasau Jaya", "Kuala Mandor B", "Terentang"],
            ),
        ],
    ),
]
VILLAGES = [
    "Sukamaju",
    "Sukajadi",
    "Mekarsari",
    "Sidomulyo",
    "Sumbersari",
    "Tanjungsari",
    "Karangrejo",
    "Banjarsari",
    "Margamulya",
    "Cibodas",
    "Wonosari",
    "Sukarame",
    "Purwodadi",
    "Kedungwaru",
    "Pasirjaya",
    "Mulyoharjo",
    "Tegalrejo",
    "Cikalong",
    "Sindangsari",
    "Girimulyo",
    "Jatisari",
    "Ngadirejo",
    "Sukorejo",
    "Batu Ampar",
    "Koto Baru",
    "Pematang Panjang",
    "Tanjung Harapan",
    "Lembah Sari",
    "Padang Luar",
    "Bontolempangan",
    "Watublapi",
    "Tengkudak",
    "Pejeng Kawan",
]
RIVERS = [
    "Citarum",
    "Cimanuk",
    "Serayu",
    "Bogowonto",
    "Brantas",
    "Kali Konto",
    "Batang Agam",
    "Tukad Petanu",
    "Jeneberang",
    "Kapuas",
    "Sekayam",
    "Wae Pesi",
    "Cikapundung",
]
PEOPLE = [
    "Suryadi",
    "Hartono",
    "Nurhayati",
    "Wahyu Hidayat",
    "Rina Marlina",
    "Ahmad Fauzi",
    "Yuliana Sari",
    "Bambang Prasetyo",
    "Endang Susilawati",
    "I Made Sudarma",
    "Ni Luh Putu Ayu",
    "Yohanes Lado",
    "Maria Goreti Bunga",
    "La Ode Rahman",
    "Andi Baso Tang",
    "Siti Aminah",
    "Dedi Kurniawan",
    "Sri Wahyuni",
    "Agus Salim Harahap",
    "Dewi Kartika",
    "Fransiskus Nong",
    "Rusdi Effendi",
    "Hj. Ratna Dewi",
    "Yusuf Mansur Lubis",
]
ORGS = [
    "Tunas Muda",
    "Harapan Jaya",
    "Sinar Harapan",
    "Maju Bersama",
    "Subur Makmur",
    "Bina Warga",
    "Karya Mandiri",
    "Sejahtera",
    "Mekar Jaya",
]
CROPS = [
    ("padi", "rice"),
    ("jagung", "maize"),
    ("kopi", "coffee"),
    ("cengkih", "cloves"),
    ("kakao", "cocoa"),
    ("sayuran", "vegetables"),
    ("teh", "tea"),
    ("singkong", "cassava"),
    ("kelapa", "coconut"),
    ("tembakau", "tobacco"),
    ("karet", "rubber"),
]
PROGRAMS = [
    # (title id, title en, intro id, intro en)
    (
        "Musyawarah Perencanaan Pembangunan Desa",
        "Village Development Planning Meeting",
        "**Musyawarah Perencanaan Pembangunan Desa** (**Musrenbangdes**) adalah forum tahunan tempat "
        "warga, [[Badan Permusyawaratan Desa]] dan pemerintah desa menyepakati usulan pembangunan "
        "untuk tahun berikutnya.",
        "The **Village Development Planning Meeting** (*Musrenbangdes*) is the yearly forum where "
        "residents, the [[Village Consultative Body]] and the village government agree on the "
        "development proposals for the following year.",
    ),
    (
        "Dana Desa",
        "Village Fund",
        "**Dana Desa** adalah dana dari [[Anggaran Pendapatan dan Belanja Negara]] yang disalurkan "
        "langsung ke setiap desa sejak 2015 berdasarkan [[Undang-Undang Desa]].",
        "The **Village Fund** (*Dana Desa*) is money from the [[State Budget (Indonesia)|state "
        "budget]] transferred directly to every village since 2015 under the [[Village Law]].",
    ),
    (
        "Posyandu",
        "Posyandu",
        "**Posyandu** (*pos pelayanan terpadu*) adalah kegiatan kesehatan berbasis masyarakat yang "
        "dikelola kader di tingkat dusun atau rukun warga.",
        "A **posyandu** (*integrated service post*) is a community-run health service held by "
        "volunteer cadres at the hamlet or neighbourhood level.",
    ),
    (
        "Bank Sampah",
        "Waste bank",
        "**Bank sampah** adalah tempat warga menabung sampah terpilah yang kemudian dijual kepada "
        "pengepul, dengan hasil dicatat di buku tabungan nasabah.",
        "A **waste bank** (*bank sampah*) is a place where residents deposit sorted waste, which is "
        "sold to collectors and credited to the depositor's savings book.",
    ),
    (
        "Badan Usaha Milik Desa",
        "Village-owned enterprise",
        "**Badan Usaha Milik Desa** (**BUMDes**) adalah badan usaha yang modalnya sebagian besar "
        "dimiliki desa dan dikelola untuk kesejahteraan warga.",
        "A **village-owned enterprise** (*BUMDes*) is a business whose capital is mostly owned by "
        "a village and run for the benefit of its residents.",
    ),
    (
        "Kampung Iklim",
        "Climate Village Programme",
        "**Program Kampung Iklim** (**ProKlim**) adalah program [[Kementerian Lingkungan Hidup dan "
        "Kehutanan]] yang mendorong warga melakukan adaptasi dan mitigasi perubahan iklim.",
        "The **Climate Village Programme** (*ProKlim*) is a programme of the [[Ministry of "
        "Environment and Forestry (Indonesia)|Ministry of Environment and Forestry]] that supports "
        "local action on climate adaptation and mitigation.",
    ),
    (
        "Gotong royong",
        "Gotong royong",
        "**Gotong royong** adalah kebiasaan bekerja bersama secara sukarela untuk kepentingan "
        "bersama, seperti membersihkan saluran air atau membangun rumah tetangga.",
        "**Gotong royong** is the Indonesian practice of working together voluntarily for a "
        "common purpose, such as cleaning drains or building a neighbour's house.",
    ),
]
MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

LEGIT_COMMON = [
    "bps.go.id",
    "kompas.com",
    "detik.com",
    "antaranews.com",
    "tempo.co",
    "thejakartapost.com",
    "wikipedia.org",
    "kemendagri.go.id",
    "worldbank.org",
]
SPAM_DOMAINS = [
    "slotgacor88.xyz",
    "gacor-maxwin.top",
    "togel4d.vip",
    "agenbola-terpercaya.club",
    "obatkuat-asli.biz",
    "pelangsing-herbal.store",
    "pinjol-cepatcair.online",
    "danatunai-kilat.site",
    "jualfollowers-murah.shop",
    "jasaseo-pro.web.id",
    "cheap-pills-online.biz",
    "bestseo-services.site",
    "crypto-double.io",
    "replica-watch-store.co",
    "essaywriter-pro.net",
    "hot-singles-dating.top",
]
HOAX_DOMAINS = [
    "beritaviral24.blogspot.com",
    "kabarheboh.net",
    "infoterkini-news.wordpress.com",
    "faktaterungkap.com",
    "truthnews-daily.info",
    "realnewsnow.co",
]

# --- article templates: (Indonesian, English) pairs -----------------------------------------
# Placeholders: {name} {district} {regency} {province} {river} {pop} {year} {year2} {alt}
# {area} {person} {person2} {pct} {n} {n2} {org} {crop} {crop2} {budget} {ref}

INTRO = {
    "village": (
        "**{name}** adalah sebuah [[desa]] di [[Kecamatan {district}]], [[{regency}]], "
        "[[{province}]], Indonesia. Desa ini berpenduduk {pop} jiwa pada tahun {year}.{ref}",
        "**{name}** is a [[village]] in [[{district} district]], [[{regency}]], [[{province}]], "
        "Indonesia. It had a population of {pop} in {year}.{ref}",
    ),
    "regency": (
        "**{regency}** adalah sebuah [[kabupaten]] di provinsi [[{province}]], Indonesia. "
        "Ibu kotanya terletak di Kecamatan {district}, dan penduduknya berjumlah {pop} jiwa "
        "pada tahun {year}.{ref}",
        "**{regency}** is a [[regency]] in the province of [[{province}]], Indonesia. Its seat "
        "is in {district} district, and it had {pop} inhabitants in {year}.{ref}",
    ),
    "river": (
        "**Sungai {river}** adalah sungai yang mengalir melalui [[{regency}]], [[{province}]]. "
        "Panjangnya sekitar {n} km dan daerah alirannya mencakup {area} km².{ref}",
        "The **{river} River** flows through [[{regency}]], [[{province}]]. It is about {n} km "
        "long and drains a basin of {area} km².{ref}",
    ),
    "org": (
        "**Karang Taruna {org}** adalah organisasi kepemudaan di Desa [[{name}]], Kecamatan "
        "{district}, [[{regency}]]. Organisasi ini didirikan pada tahun {year2} dan kini "
        "beranggotakan {n} pemuda.{ref}",
        "**Karang Taruna {org}** is a youth organisation in [[{name}]] village, {district} "
        "district, [[{regency}]]. It was founded in {year2} and now has {n} members.{ref}",
    ),
}

SECTIONS: dict[str, tuple[tuple[str, str], list[tuple[str, str]]]] = {
    "history": (
        ("Sejarah", "History"),
        [
            (
                'Nama {name} berasal dari bahasa setempat yang berarti "tempat yang makmur".',
                'The name {name} comes from a local word meaning "a prosperous place".',
            ),
            (
                "Permukiman di wilayah ini sudah ada sejak masa kolonial Belanda, ketika kawasan ini "
                "menjadi bagian dari perkebunan {crop}.{ref}",
                "The area has been settled since the Dutch colonial period, when it was part of a "
                "{crop} plantation.{ref}",
            ),
            (
                "Desa ini resmi berdiri sebagai desa definitif pada tahun {year2} setelah pemekaran "
                "dari desa induknya.{ref}",
                "The village became a separate village in {year2}, when it was split from its parent "
                "village.{ref}",
            ),
            (
                "Pada tahun {year2}, banjir besar dari [[Sungai {river}]] merusak puluhan rumah dan "
                "sawah warga.{ref}",
                "In {year2}, a major flood of the [[{river} River]] damaged dozens of houses and rice "
                "fields.{ref}",
            ),
            (
                "Kantor desa yang sekarang dibangun secara swadaya oleh warga pada tahun {year2}.",
                "The present village office was built by the residents themselves in {year2}.",
            ),
            (
                "Tokoh masyarakat {person} dikenal sebagai salah satu perintis sekolah pertama di "
                "wilayah ini.",
                "Community leader {person} is remembered as one of the founders of the first school "
                "in the area.",
            ),
        ],
    ),
    "geography": (
        ("Geografi", "Geography"),
        [
            (
                "{name} terletak di ketinggian sekitar {alt} meter di atas permukaan laut dan memiliki "
                "luas {area} km².{ref}",
                "{name} lies at an altitude of about {alt} metres above sea level and covers "
                "{area} km².{ref}",
            ),
            (
                "Wilayahnya berbukit di bagian utara dan relatif datar di bagian selatan.",
                "The land is hilly in the north and fairly flat in the south.",
            ),
            (
                "Sebagian besar lahan dimanfaatkan untuk sawah dan kebun {crop}.",
                "Most of the land is used for rice fields and {crop} gardens.",
            ),
            (
                "[[Sungai {river}]] mengalir di sisi timur desa dan menjadi sumber irigasi utama.",
                "The [[{river} River]] runs along the eastern side and is the main source of "
                "irrigation.",
            ),
            (
                "Curah hujan rata-rata mencapai {n2} mm per tahun, dengan musim hujan antara November "
                "dan April.{ref}",
                "Average rainfall is about {n2} mm a year, with the wet season from November to "
                "April.{ref}",
            ),
            (
                "Desa ini berbatasan dengan hutan lindung di sebelah barat.",
                "The village borders a protected forest to the west.",
            ),
        ],
    ),
    "government": (
        ("Pemerintahan", "Government"),
        [
            (
                "Desa ini dipimpin oleh seorang kepala desa, saat ini {person}, yang terpilih dalam "
                "[[pemilihan kepala desa]] tahun {yr}.{ref}",
                "The village is led by a village head, currently {person}, who was elected in the "
                "[[village head election]] of {yr}.{ref}",
            ),
            (
                "Wilayahnya terbagi atas {n} dusun, {rw} rukun warga dan {rt} rukun tetangga.",
                "It is divided into {n} hamlets, {rw} community units (RW) and {rt} neighbourhood units "
                "(RT).",
            ),
            (
                "[[Badan Permusyawaratan Desa]] beranggotakan {n} orang yang dipilih secara "
                "musyawarah.",
                "The [[Village Consultative Body]] has {n} members chosen by deliberation.",
            ),
            (
                "Pada tahun {year}, desa menerima [[Dana Desa]] sebesar {budget}.{ref}",
                "In {year}, the village received {budget} from the [[Village Fund]].{ref}",
            ),
            (
                "Laporan realisasi anggaran desa dipasang di papan informasi depan kantor desa setiap "
                "akhir tahun.",
                "The village budget report is posted on the notice board in front of the village "
                "office at the end of each year.",
            ),
        ],
    ),
    "demography": (
        ("Kependudukan", "Demographics"),
        [
            (
                "Menurut data [[Badan Pusat Statistik]], jumlah penduduk pada tahun {year} adalah "
                "{pop} jiwa yang terdiri atas {n} kepala keluarga.{ref}",
                "According to [[Statistics Indonesia]], the population in {year} was {pop}, in {n} "
                "households.{ref}",
            ),
            (
                "Mayoritas penduduk beragama Islam, dengan sebagian kecil pemeluk Kristen dan Hindu.",
                "Most residents are Muslim, with small Christian and Hindu minorities.",
            ),
            (
                "Sekitar {pct} persen penduduk berusia di bawah 15 tahun.{ref}",
                "About {pct} percent of the population is under 15 years old.{ref}",
            ),
            (
                "Banyak pemuda merantau ke kota besar untuk bekerja atau melanjutkan sekolah.",
                "Many young people migrate to the cities for work or further education.",
            ),
        ],
    ),
    "economy": (
        ("Ekonomi", "Economy"),
        [
            (
                "Sebagian besar penduduk bekerja sebagai petani {crop} dan {crop2}.{ref}",
                "Most residents are farmers growing {crop} and {crop2}.{ref}",
            ),
            (
                "[[Badan Usaha Milik Desa]] setempat mengelola usaha air bersih dan penyewaan alat "
                "pertanian.",
                "The local [[village-owned enterprise]] runs a clean water service and rents out farm "
                "equipment.",
            ),
            (
                "Pasar desa buka dua kali seminggu dan menjadi pusat jual beli hasil bumi.",
                "The village market opens twice a week and is the centre of the produce trade.",
            ),
            (
                "Kelompok Tani {org} beranggotakan {n} petani dan menerima bantuan bibit dari dinas "
                "pertanian pada tahun {year}.{ref}",
                "The {org} farmers' group has {n} members and received seedlings from the agriculture "
                "office in {year}.{ref}",
            ),
            (
                "Usaha kerajinan anyaman bambu menjadi sumber penghasilan tambahan bagi banyak "
                "keluarga.",
                "Bamboo weaving is an extra source of income for many families.",
            ),
            (
                "Tingkat kemiskinan turun menjadi {pct} persen pada tahun {year}.{ref}",
                "The poverty rate fell to {pct} percent in {year}.{ref}",
            ),
        ],
    ),
    "participation": (
        ("Partisipasi warga", "Civic participation"),
        [
            (
                "Warga terlibat dalam [[Musyawarah Perencanaan Pembangunan Desa|musrenbang desa]] "
                "setiap awal tahun untuk menentukan prioritas pembangunan.{ref}",
                "Residents take part in the [[Village Development Planning Meeting|village planning "
                "meeting]] early each year to set development priorities.{ref}",
            ),
            (
                "Pada musrenbang tahun {year}, warga memprioritaskan perbaikan jalan usaha tani dan "
                "saluran irigasi.",
                "At the {year} planning meeting, residents gave priority to farm roads and irrigation "
                "channels.",
            ),
            (
                "Kelompok perempuan melalui [[PKK]] aktif mengusulkan program gizi anak dan "
                "[[posyandu]].",
                "Women's groups in the [[PKK]] regularly propose child nutrition and [[posyandu]] "
                "programmes.",
            ),
            (
                "[[Gotong royong]] membersihkan saluran air dilakukan setiap Jumat pagi.",
                "Residents hold [[gotong royong]] to clean the drains every Friday morning.",
            ),
            (
                "Sejak {yr}, pemerintah desa menyiarkan musyawarah desa secara daring agar warga "
                "perantauan dapat mengikuti.{ref}",
                "Since {yr}, the village government has streamed village meetings online so that "
                "residents working elsewhere can follow them.{ref}",
            ),
            (
                "Karang Taruna {org} mengelola [[bank sampah]] yang kini memiliki {n} nasabah.{ref}",
                "The {org} youth group runs a [[waste bank]] that now has {n} depositors.{ref}",
            ),
        ],
    ),
    "services": (
        ("Pendidikan dan kesehatan", "Education and health"),
        [
            (
                "Di desa ini terdapat {n} sekolah dasar dan satu sekolah menengah pertama.",
                "The village has {n} primary schools and one junior secondary school.",
            ),
            (
                "Layanan kesehatan dasar diberikan oleh satu [[puskesmas]] pembantu dan {n} "
                "[[posyandu]].{ref}",
                "Basic health care is provided by an auxiliary [[community health centre]] and {n} "
                "[[posyandu]].{ref}",
            ),
            (
                "Angka tengkes (stunting) turun dari {pct} persen menjadi {pct2} persen antara {year2} "
                "dan {year}.{ref}",
                "Stunting among young children fell from {pct} to {pct2} percent between {year2} and "
                "{year}.{ref}",
            ),
            (
                "Perpustakaan desa dibuka pada tahun {year2} dengan koleksi sekitar {n2} buku.",
                "A village library opened in {year2} with about {n2} books.",
            ),
        ],
    ),
    "culture": (
        ("Budaya", "Culture"),
        [
            (
                "Setiap tahun setelah panen, warga menggelar upacara syukuran yang disebut sedekah "
                "bumi.",
                "Every year after the harvest, residents hold a thanksgiving ceremony called *sedekah "
                "bumi*.",
            ),
            (
                "Kesenian tradisional seperti [[kuda lumping]] dan [[angklung]] masih dipentaskan "
                "pada acara desa.",
                "Traditional arts such as [[kuda lumping]] and [[angklung]] are still performed at "
                "village events.",
            ),
            (
                "Makanan khas desa ini adalah olahan {crop} yang dijual di pasar setiap hari Minggu.",
                "The local speciality is a dish made from {crop}, sold at the Sunday market.",
            ),
            (
                "Bahasa sehari-hari warga adalah bahasa daerah, sedangkan bahasa Indonesia digunakan "
                "di sekolah dan kantor desa.",
                "Residents speak the regional language at home; Indonesian is used at school and in "
                "the village office.",
            ),
        ],
    ),
    "infrastructure": (
        ("Infrastruktur", "Infrastructure"),
        [
            (
                "Jalan desa sepanjang {n} km telah diaspal menggunakan Dana Desa tahun {year}.{ref}",
                "{n} km of village roads were paved with the {year} Village Fund.{ref}",
            ),
            (
                "Sekitar {pct} persen rumah tangga sudah mendapat akses air bersih perpipaan.{ref}",
                "About {pct} percent of households have piped clean water.{ref}",
            ),
            (
                "Jembatan gantung di atas [[Sungai {river}]] menghubungkan dua dusun yang terpisah.",
                "A suspension bridge over the [[{river} River]] links two hamlets.",
            ),
            (
                "Listrik masuk ke desa ini pada tahun {year2}.",
                "The village was connected to the electricity grid in {year2}.",
            ),
            (
                "Sinyal telepon seluler sudah menjangkau seluruh dusun sejak {year2}.",
                "Mobile phone coverage has reached every hamlet since {year2}.",
            ),
        ],
    ),
}
SECTION_ORDER = [
    "history",
    "geography",
    "government",
    "demography",
    "economy",
    "participation",
    "services",
    "culture",
    "infrastructure",
]

HEADLINES = [
    (
        "Warga {name} Gelar Musyawarah Desa Bahas Prioritas Dana Desa {year}",
        "{name} residents hold village meeting on {year} Village Fund priorities",
    ),
    (
        "Banjir Rendam Ratusan Rumah di {district}",
        "Floods inundate hundreds of homes in {district}",
    ),
    (
        "{regency} Raih Penghargaan Kabupaten Layak Anak",
        "{regency} wins child-friendly regency award",
    ),
    ("Angka Tengkes di {regency} Turun Signifikan", "Stunting rate falls sharply in {regency}"),
    (
        "Bank Sampah {org} Kelola Puluhan Ton Sampah per Tahun",
        "{org} waste bank handles dozens of tonnes of waste a year",
    ),
    ("Petani {crop} di {district} Panen Raya", "{district} {crop} farmers celebrate big harvest"),
    ("Jalan Desa {name} Rampung Diaspal", "Road paving in {name} completed"),
]

# Good additions with their own footnote, in both languages.
FACTS = [
    (
        "Pada tahun {year}, desa ini meraih juara pertama lomba desa tingkat kabupaten.",
        "In {year}, the village won first prize in the regency's village competition.",
    ),
    (
        "Jumlah penduduk pada Sensus Penduduk 2020 tercatat {pop} jiwa.",
        "The 2020 census recorded a population of {pop}.",
    ),
    (
        "Pemerintah desa membangun embung berkapasitas {n2} meter kubik pada tahun {year}.",
        "The village government built a {n2} cubic metre reservoir in {year}.",
    ),
    (
        "Sebanyak {n} keluarga menerima bantuan langsung tunai dari Dana Desa pada tahun {year}.",
        "{n} families received cash transfers from the Village Fund in {year}.",
    ),
    (
        "Desa ini ditetapkan sebagai desa wisata oleh pemerintah kabupaten pada tahun {year}.",
        "The regency government designated it a tourism village in {year}.",
    ),
    (
        "Produksi {crop} mencapai {n2} ton pada tahun {year}.",
        "{crop} production reached {n2} tonnes in {year}.",
    ),
    (
        "Musyawarah desa tahun {year} dihadiri {n} warga, termasuk perwakilan kelompok "
        "perempuan dan pemuda.",
        "The {year} village meeting was attended by {n} residents, including representatives of "
        "women's and youth groups.",
    ),
    (
        "Program sanitasi berbasis masyarakat menjadikan desa ini bebas buang air besar "
        "sembarangan pada tahun {year}.",
        "A community-led sanitation programme made the village free of open defecation in {year}.",
    ),
    (
        "Angka partisipasi sekolah menengah naik menjadi {pct} persen pada tahun {year}.",
        "Secondary school enrolment rose to {pct} percent in {year}.",
    ),
]
# Unsourced but plausible additions by new users (good faith).
NEWBIE_ADDITIONS = [
    (
        "Di desa ini ada lapangan sepak bola yang sering dipakai untuk turnamen antar dusun.",
        "There is a football field that is often used for tournaments between hamlets.",
    ),
    (
        "Setiap malam Jumat ada pengajian rutin di masjid utama desa.",
        "Every Thursday night there is a regular Quran study at the main mosque.",
    ),
    (
        "Sekarang sudah ada minimarket di dekat kantor desa.",
        "There is now a minimarket near the village office.",
    ),
    (
        "Warga juga banyak yang beternak kambing dan ayam kampung.",
        "Many residents also keep goats and free-range chickens.",
    ),
    (
        "Air terjun kecil di ujung dusun sering dikunjungi wisatawan saat libur.",
        "A small waterfall at the end of the hamlet is visited by tourists during holidays.",
    ),
    (
        "Sekolah dasar di desa ini baru direnovasi tahun lalu.",
        "The primary school was renovated last year.",
    ),
    (
        "Jalan menuju desa cukup rusak kalau musim hujan.",
        "The road to the village gets quite bad in the rainy season.",
    ),
]
INFORMAL_ADDITIONS = [
    (
        "Desa ini pemandangannya bagus banget, cocok buat healing.",
        "This village is so pretty, great place to chill tbh.",
    ),
    (
        "Pokoknya kalau ke sini wajib coba kopinya, mantul!",
        "If u come here u gotta try the coffee, it's awesome!",
    ),
    (
        "Warganya ramah2 dan suka gotong royong, gak kayak di kota.",
        "People here are super friendly and help each other, not like in the city lol.",
    ),
]

# --- vandal texts ---------------------------------------------------------------------------

INSULTS = {
    "id": [
        "{person} itu bodoh banget",
        "kepala desanya goblok dan korup",
        "yang nulis ini tolol",
        "dasar kampret semua orang di sini",
        "{person} bego, otak udang",
        "warga {name} norak dan kampungan",
        "guru di sini pada bloon semua",
        "{person} pengkhianat dan pembohong",
        "Rizky kelas 9B dungu banget",
        "kalian semua pecundang",
        "{person} tidak tahu malu",
        "admin wiki ini idiot",
    ],
    "en": [
        "{person} is a stupid idiot",
        "whoever wrote this is a moron",
        "okku is an ass hole",
        "{person} sucks",
        "the village head is a corrupt loser",
        "Jake from 8B is gay",
        "everyone in {name} is dumb",
        "this page is pathetic",
        "{person} is a fat pig",
        "mr {person} is a clueless bozo",
        "nobody likes you {person}",
        "the teachers here are retarded",
    ],
}
PROFANITY = {
    "id": [
        "anjing lu semua",
        "bangsat",
        "tai kucing",
        "jancok",
        "ngentot",
        "anjir ini desa apaan",
        "kontol",
        "babi lu {person}",
        "asu tenan",
        "bajingan lu semua",
        "memek",
        "cok",
    ],
    "en": [
        "fuck this page",
        "shit",
        "this is bullshit",
        "fucking hell",
        "{person} is a bitch",
        "kiss my ass",
        "damn this village",
        "what the fuck",
        "cunt",
        "dick",
        "piss off",
        "motherfucker",
    ],
}
REPEATS = [
    "wkwkwkwkwkwkwk",
    "hahahahahahaha",
    "!!!!!!!!!!!!!!!",
    "aaaaaaaaaaaaaaaaaa",
    "hhhhhhhhhhhhh",
    "lolololololol",
    "??????????",
    "jdjdjdjdjdjd",
    "zzzzzzzzzzzzzz",
    "hehehehehehe",
    "anjiiiiiiiiing",
    "yeeeeeeeeee",
    "oooooooooooooo",
    "xixixixixixi",
    "=)))))))))",
    ":P :P :P :P",
    "<3 <3 <3 <3 <3",
    "^_^ ^_^ ^_^",
    "@#$%&*@#$%&*",
    ";;;;;;;;;;,,,,,",
    "~~~~~~~~~~~~~~",
    "$$$$$$$$$$",
]
CAPS = {
    "id": [
        "INI SEMUA BOHONG",
        "DESA INI PALING JELEK SE-INDONESIA",
        "KEPALA DESA KORUPSI!!!",
        "ANDI WAS HERE 2024",
        "SALAM DARI ANAK SMP 2",
        "HIDUP PERSIB",
        "TURUNKAN KADES",
        "AKU CINTA KAMU SITI",
        "GAK ADA YANG BACA INI",
    ],
    "en": [
        "THIS IS ALL LIES",
        "I WAS HERE",
        "THIS VILLAGE SUCKS",
        "JOHN WAS HERE 2024",
        "HELLO FROM CLASS 7C",
        "GO LAKERS",
        "NOBODY READS THIS",
        "I LOVE YOU SARAH",
        "DELETE THIS PAGE",
    ],
}
JOKES = [
    ("Desa ini terkenal dengan sapi terbangnya.", "The village is famous for its flying cows."),
    ("Kepala desa {person} bisa bicara dengan ikan.", "Village head {person} can talk to fish."),
    ("Penduduknya separuh manusia separuh kucing.", "Half of the residents are cats."),
    (
        "Desa ini ditemukan oleh alien pada tahun 1875.",
        "The village was founded by aliens in 1875.",
    ),
    ("Makanan khasnya adalah batu goreng.", "The local speciality is fried rocks."),
    ("Sungainya mengalir ke atas setiap hari Selasa.", "The river flows uphill every Tuesday."),
]
WAS_HERE = {
    "id": [
        "Budi ganteng was here",
        "salam buat Dinda kelas 8A",
        "Rafi & Nisa selamanya",
        "tes tes",
        "halo",
        "coba edit",
        "Dimas pernah ke sini",
        "mampir gan",
        "gw ganteng bgt wkwk",
        "halo gaes salam dari anak 8B",
        "yg baca ini jomblo wkwkwk",
        "woy bestie mampir dong",
        "btw gue suka Siti",
        "gabut bgt nih",
        "mantul gan :)",
    ],
    "en": [
        "Tyler was here",
        "hi mom",
        "test",
        "hello",
        "Jenny + Mike forever",
        "Kevin is the best",
        "first!",
        "just testing",
        "lol bruh",
        "yo whats up guys",
        "omg this is so boring lol",
        "sup dude, Jake was here",
        "lmao idk what this is",
        "ur mom lol",
        "yolo swag 2024",
    ],
}

# --- spam and hoax texts --------------------------------------------------------------------

SPAM_LINES = {
    "id": [
        "Situs [slot gacor]({url}) terpercaya, deposit pulsa tanpa potongan, maxwin setiap hari!",
        "Butuh dana cepat? [Pinjaman online cepat cair]({url}) tanpa jaminan, hubungi WA {phone}.",
        "Jual [obat kuat asli]({url}) harga termurah, gratis ongkir seluruh Indonesia.",
        "Daftar sekarang di {url} dan dapatkan bonus new member 100%!",
        "Jasa SEO murah dan backlink berkualitas: {url} (chat WA {phone}).",
        "[Togel online]({url}) resmi, bandar togel terpercaya 2024.",
        "Obat pelangsing herbal ampuh turun 10 kg dalam seminggu, order sekarang {url}",
        "Jual followers Instagram murah, proses cepat, admin ramah: {url}",
    ],
    "en": [
        "Buy cheap [viagra online]({url}) with free shipping, order now!",
        "Best [SEO services]({url}) and backlinks at the best price.",
        "Play at the best [online casino]({url}) and get a 200% bonus.",
        "Need cash fast? [Payday loan]({url}), no credit check, call now.",
        "Earn money from home, visit our website {url} today.",
        "Crypto giveaway: send 1 BTC and get 2 back at {url}",
        "Replica watches at discount prices: {url}",
        "Professional essay writing service, guaranteed results: {url}",
    ],
}
SUBTLE_SPAM = {
    "id": [
        "Penginapan terdekat: [Hotel Murah {district}](https://hotelmurah-{slug}.com).",
        "Informasi sewa mobil ke desa ini: https://sewa-mobil-{slug}.com",
        "Paket wisata ke {name} bisa dipesan di [sini](https://wisata-{slug}-tour.com).",
    ],
    "en": [
        "Nearby accommodation: [Cheap Hotel {district}](https://hotelmurah-{slug}.com).",
        "Car rental to the village: https://sewa-mobil-{slug}.com",
        "Tours of {name} can be booked [here](https://wisata-{slug}-tour.com).",
    ],
}
HOAX_LINES = {
    "id": [
        "BREAKING NEWS: air {river} sudah tercemar racun dan tidak boleh diminum! Sebarkan!",
        "PENTING!!! Vaksin di posyandu desa ini mengandung chip pelacak, info A1 dari grup "
        "sebelah. Sebarkan sebelum dihapus!",
        "Menurut sumber terpercaya, {person} akan menjual tanah desa ke asing. 100% valid, "
        "viralkan!",
        "Fakta mengejutkan: gempa besar akan terjadi di {regency} minggu depan, media bungkam. "
        "Wajib baca!",
        "Dana desa tahun {year} dirahasiakan pemerintah dan dibawa kabur, pasti benar. "
        "Sebarluaskan!",
        "Rahasia yang ditutupi: air kelapa dicampur garam adalah obat segala penyakit, dokter "
        "tidak mau anda tahu.",
        "Terungkap! PKI bangkit lagi di {district}, jangan diam saja, teruskan ke grup!",
        "Konspirasi elit global: banjir {year2} adalah settingan untuk pengalihan isu.",
    ],
    "en": [
        "BREAKING: the water of the {river} has been poisoned, do not drink it! Share this!",
        "URGENT: vaccines at the village clinic contain a microchip. They don't want you to "
        "know. Share before it's deleted!",
        "According to trusted sources, {person} is secretly selling village land to foreigners. "
        "100% true, spread the word!",
        "Shocking: a huge earthquake will hit {regency} next week and the media won't report "
        "it. Must read!",
        "The {year} village fund was stolen and the government is covering it up. Wake up!",
        "Miracle cure: coconut water with salt cures every disease, doctors hate this.",
        "Leaked: the {year2} flood was a false flag by the deep state. Do your own research.",
        "Exposed: the new road is a cover-up for a secret mine. Repost this!",
    ],
}
FAKE_CLAIMS = [
    (
        "Pada tahun {year}, desa ini ditetapkan sebagai desa terkaya di Asia Tenggara.",
        "In {year}, it was named the richest village in Southeast Asia.",
    ),
    (
        "Kepala desa {person} pernah menjabat sebagai menteri pada tahun 1998.",
        "Village head {person} served as a national minister in 1998.",
    ),
    (
        "Jumlah penduduknya mencapai 2,5 juta jiwa, terbanyak di {province}.",
        "Its population reached 2.5 million, the largest in {province}.",
    ),
    (
        "Di bawah desa ini terdapat tambang emas terbesar di dunia yang dirahasiakan.",
        "Beneath the village lies the world's largest gold mine, kept secret.",
    ),
    (
        "Sungai {river} dinyatakan sebagai sungai paling bersih di dunia oleh PBB pada tahun "
        "{year}.",
        "The {river} was declared the cleanest river in the world by the UN in {year}.",
    ),
    (
        "Seluruh warga desa menolak Dana Desa karena dianggap haram.",
        "All residents rejected the Village Fund as forbidden money.",
    ),
]

TALK_TOPICS = [
    ("Usulan penambahan data penduduk", "Proposal to add population data"),
    ("Sumber untuk bagian sejarah", "Sources for the history section"),
    ("Nama kepala desa sudah berganti", "The village head has changed"),
    ("Penggabungan dengan artikel kecamatan", "Merging with the district article"),
]
TALK_COMMENTS = {
    "id": [
        "Saya punya data BPS terbaru, nanti saya tambahkan dengan catatan kaki.",
        "Setuju, bagian sejarah perlu sumber yang lebih jelas.",
        "Kepala desa sekarang sudah ganti sejak pilkades kemarin, mohon diperbarui.",
        "Menurut saya tidak perlu digabung, desa ini cukup penting untuk artikel sendiri.",
        "Sip gan, nanti sy cek lagi datanya ya wkwk",
        "Oke setuju aja, btw foto kantor desanya udah gak ada?",
    ],
    "en": [
        "I have the latest BPS figures and will add them with a footnote.",
        "Agreed, the history section needs better sources.",
        "The village head changed after last year's election; please update.",
        "I don't think we should merge, the village is notable enough on its own.",
        "lol yeah I'll check the numbers again tbh",
        "Sounds good to me, btw is the photo of the village office gone?",
    ],
}


# --- article building -----------------------------------------------------------------------


@dataclass
class Article:
    lang: str
    kind: str
    title: str
    fill: dict[str, str]
    lead: str
    sections: list[tuple[str, str, list[str]]]  # (key, heading, paragraphs)
    footnotes: list[str]  # definitions, numbered from 1
    categories: list[str]
    external: list[str]

    def render(self) -> str:
        out = [f"# {self.title}", "", self.lead, ""]
        for _key, heading, paragraphs in self.sections:
            out += [f"## {heading}", ""]
            for p in paragraphs:
                out += [p, ""]
        if self.external:
            out += ["## Pranala luar" if self.lang == "id" else "## External links", ""]
            out += [f"- {e}" for e in self.external] + [""]
        if self.footnotes:
            out += ["## Referensi" if self.lang == "id" else "## References", ""]
            out += [f"[^{i}]: {d}" for i, d in enumerate(self.footnotes, 1)] + [""]
        out += [
            f"[[{'Kategori' if self.lang == 'id' else 'Category'}:{c}]]" for c in self.categories
        ]
        return "\n".join(out).rstrip() + "\n"


def fmt_int(n: int, lang: str) -> str:
    s = f"{n:,}"
    return s.replace(",", ".") if lang == "id" else s


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # ---- small helpers ----
    def pick(self, seq: list[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def base_fill(self, lang: str) -> dict[str, str]:
        r = self.rng
        province = self.pick(REGIONS)
        regency = self.pick(province[2])
        crop, crop2 = r.sample(CROPS, 2)
        li = 0 if lang == "id" else 1
        year = r.randint(2015, 2024)
        budget_m = r.randint(600, 2400)
        budget = (
            (
                f"Rp{budget_m // 1000},{(budget_m % 1000) // 100} miliar"
                if budget_m >= 1000
                else f"Rp{budget_m} juta"
            )
            if lang == "id"
            else f"IDR {budget_m / 1000:.1f} billion"
        )
        return {
            "name": self.pick(VILLAGES),
            "district": self.pick(regency[3]),
            "regency": regency[li],
            "slug": regency[2],
            "province": province[li],
            "river": self.pick(RIVERS),
            "pop": fmt_int(r.randint(1800, 14000), lang),
            "year": str(year),
            "year2": str(r.randint(1950, year - 3)),
            "alt": str(r.randint(20, 1500)),
            "area": str(r.randint(2, 60)) + ("," if lang == "id" else ".") + str(r.randint(1, 9)),
            "person": self.pick(PEOPLE),
            "person2": self.pick(PEOPLE),
            "pct": str(r.randint(8, 40)),
            "pct2": str(r.randint(3, 7)),
            "n": str(r.randint(3, 60)),
            "n2": fmt_int(r.randint(200, 4000), lang),
            "rw": str(r.randint(3, 12)),
            "rt": str(r.randint(12, 48)),
            "org": self.pick(ORGS),
            "crop": crop[li],
            "crop2": crop2[li],
            "budget": budget,
            "headline_year": str(year),
        }

    def source(self, lang: str, fill: dict[str, str]) -> str:
        r = self.rng
        f = dict(fill)
        year = int(f["year"])
        mm, dd = r.randint(1, 12), r.randint(1, 28)
        digits = str(r.randint(1000000, 9999999))
        head_id, head_en = self.pick(HEADLINES)
        head = (head_id if lang == "id" else head_en).format(**f)
        hslug = slugify(head)
        dslug = slugify(f["district"])
        choice = r.randrange(8)
        if lang == "id":
            options = [
                f"Badan Pusat Statistik {f['regency']}, *Kecamatan {f['district']} Dalam Angka "
                f"{year}*, {year}. https://{f['slug']}kab.bps.go.id/publication/{year}/09/26/"
                f"{digits[:6]}/kecamatan-{dslug}-dalam-angka-{year}.html",
                f'"{head}", *Kompas.com*, {dd} {MONTHS_ID[mm - 1]} {year}. '
                f"https://regional.kompas.com/read/{year}/{mm:02d}/{dd:02d}/{digits}/{hslug}",
                f"Pemerintah Desa {f['name']}, *Rencana Pembangunan Jangka Menengah Desa "
                f"{year}–{year + 6}*, {year}.",
                f'"{head}", *Antara*, {dd} {MONTHS_ID[mm - 1]} {year}. '
                f"https://www.antaranews.com/berita/{digits}/{hslug}",
                f'"{head}", *Tempo*, {dd} {MONTHS_ID[mm - 1]} {year}. '
                f"https://nasional.tempo.co/read/{digits}/{hslug}",
                f'"{head}", *detikNews*, {dd} {MONTHS_ID[mm - 1]} {year}. '
                f"https://news.detik.com/berita/d-{digits}/{hslug}",
                f"Kementerian Desa PDTT, *Indeks Desa Membangun {year}*, {year}. "
                f"https://idm.kemendesa.go.id/",
                f"Peraturan Desa {f['name']} Nomor {r.randint(1, 9)} Tahun {year} tentang "
                f"Anggaran Pendapatan dan Belanja Desa.",
            ]
        else:
            options = [
                f"Statistics Indonesia (BPS), *{f['district']} District in Figures {year}*, "
                f"{year}. https://{f['slug']}kab.bps.go.id/publication/{year}/09/26/"
                f"{digits[:6]}/kecamatan-{dslug}-dalam-angka-{year}.html",
                f'"{head}", *The Jakarta Post*, {MONTHS_EN[mm - 1]} {dd}, {year}. '
                f"https://www.thejakartapost.com/indonesia/{year}/{mm:02d}/{dd:02d}/{hslug}.html",
                f"World Bank, *Indonesia: Village Law and Local Governance*, {year}. "
                f"https://www.worldbank.org/en/country/indonesia/publication/{hslug}",
                f'"{head}", *Reuters*, {MONTHS_EN[mm - 1]} {dd}, {year}. '
                f"https://www.reuters.com/world/asia-pacific/{hslug}-{year}-{mm:02d}-{dd:02d}/",
                f'"{head}", *Antara News*, {MONTHS_EN[mm - 1]} {dd}, {year}. '
                f"https://en.antaranews.com/news/{digits}/{hslug}",
                f"{f['regency']} Government, *Regional Development Plan {year}–{year + 5}*, "
                f"{year}.",
                f'"{head}", *BBC News*, {MONTHS_EN[mm - 1]} {dd}, {year}. '
                f"https://www.bbc.com/news/world-asia-{digits}",
                f"Ministry of Villages, *Village Development Index {year}*, {year}. "
                f"https://idm.kemendesa.go.id/",
            ]
        return options[choice]

    def fill_sentence(
        self,
        template: str,
        fill: dict[str, str],
        notes: list[str],
        lang: str,
        with_refs: bool = True,
    ) -> str:
        # Fresh numbers per sentence, the article's names everywhere.
        local = dict(fill)
        fresh = self.base_fill(lang)
        for key in ("pop", "n", "n2", "pct", "pct2", "alt", "area", "rw", "rt", "year2"):
            local[key] = fresh[key]
        local["yr"] = str(int(fill["year"]) - self.rng.randint(1, 6))
        ref = ""
        if "{ref}" in template and with_refs and self.chance(0.75):
            notes.append(self.source(lang, fill))
            ref = f"[^{len(notes)}]"
        local["ref"] = ref
        return template.format(**local)

    def article(self, lang: str, size: str = "normal", kind: str | None = None) -> Article:
        li = 0 if lang == "id" else 1
        fill = self.base_fill(lang)
        kind = kind or self.pick(["village"] * 6 + ["regency", "river", "org", "program"])
        notes: list[str] = []
        if kind == "program":
            prog = self.pick(PROGRAMS)
            title = prog[li]
            lead = prog[2 + li]
        else:
            title = {
                "village": f"{fill['name']}, {fill['district']}, {fill['regency']}",
                "regency": fill["regency"],
                "river": f"Sungai {fill['river']}" if lang == "id" else f"{fill['river']} River",
                "org": f"Karang Taruna {fill['org']}",
            }[kind]
            if kind == "village":
                title = title.replace("Kabupaten ", "").replace(" Regency", "")
            lead = self.fill_sentence(INTRO[kind][li], fill, notes, lang)
        n_sections = {"stub": 1, "normal": self.rng.randint(2, 4), "long": 9}[size]
        keys = sorted(self.rng.sample(SECTION_ORDER, n_sections), key=SECTION_ORDER.index)
        sections = []
        for key in keys:
            (h_id, h_en), pool = SECTIONS[key]
            # Each sentence at most once per article; a long article uses the whole pool.
            k = len(pool) if size == "long" else self.rng.randint(2, min(4, len(pool)))
            sents = [self.fill_sentence(t[li], fill, notes, lang) for t in self.rng.sample(pool, k)]
            cut = self.rng.randint(2, k - 1) if k >= 4 and self.chance(0.4) else k
            paragraphs = [" ".join(sents[:cut])] + ([" ".join(sents[cut:])] if cut < k else [])
            sections.append((key, h_id if lang == "id" else h_en, paragraphs))
        cat_region = (
            fill["regency"]
            if kind != "program"
            else ("Partisipasi masyarakat" if lang == "id" else "Civic participation")
        )
        categories = (
            [f"Desa di {fill['regency']}" if kind == "village" else cat_region]
            if lang == "id"
            else [f"Villages in {fill['regency']}" if kind == "village" else cat_region]
        )
        external = []
        if self.chance(0.3):
            external.append(
                f"[{'Situs resmi' if lang == 'id' else 'Official website'} {fill['regency']}]"
                f"(https://{fill['slug']}kab.go.id/)"
            )
        return Article(lang, kind, title, fill, lead, sections, notes, categories, external)


# --- text surgery ---------------------------------------------------------------------------


def prose_lines(text: str) -> list[int]:
    """Indexes of paragraph lines (not headings, footnote definitions, lists or categories)."""
    out = []
    for i, line in enumerate(text.split("\n")):
        s = line.strip()
        if s and not s.startswith(("#", "[^", "- ", "[[Kategori", "[[Category", "|")):
            out.append(i)
    return out


def insert_in_paragraph(text: str, addition: str, rng: random.Random, where: str = "end") -> str:
    lines = text.split("\n")
    idx = prose_lines(text)
    if not idx:
        return text.rstrip("\n") + "\n\n" + addition + "\n"
    i = idx[rng.randrange(len(idx))]
    line = lines[i]
    if where == "end":
        lines[i] = line + " " + addition
    elif where == "line":
        lines.insert(i + 1, "")
        lines.insert(i + 2, addition)
    else:  # in the middle, at a sentence boundary
        cut = [m.end() for m in re.finditer(r"[.!?](?:\[\^\d+\])? ", line)]
        pos = cut[rng.randrange(len(cut))] if cut else len(line)
        lines[i] = line[:pos] + addition + " " + line[pos:]
    return "\n".join(lines)


def footnote_labels(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"^\[\^(\d+)\]:", text, re.MULTILINE)]


def add_footnoted(text: str, sentence: str, definition: str, rng: random.Random, lang: str) -> str:
    labels = footnote_labels(text)
    n = max(labels, default=0) + 1
    text = insert_in_paragraph(text, f"{sentence}[^{n}]", rng)
    if labels:
        lines = text.split("\n")
        last = max(i for i, line in enumerate(lines) if re.match(r"\[\^\d+\]:", line))
        lines.insert(last + 1, f"[^{n}]: {definition}")
        return "\n".join(lines)
    cat = re.search(r"^\[\[(?:Kategori|Category):", text, re.MULTILINE)
    block = f"## {'Referensi' if lang == 'id' else 'References'}\n\n[^{n}]: {definition}\n\n"
    if cat:
        return text[: cat.start()] + block + text[cat.start() :]
    return text.rstrip("\n") + "\n\n" + block


def remove_footnote(text: str, label: int) -> str:
    text = re.sub(rf"\[\^{label}\](?!:)", "", text)
    return re.sub(rf"^\[\^{label}\]:.*\n?", "", text, flags=re.MULTILINE)


def typo(word: str, rng: random.Random) -> str:
    """A misspelling: two letters swapped, one dropped or one doubled."""
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


# --- edit kinds -----------------------------------------------------------------------------

Record = dict[str, Any]


class Edits(Maker):
    """Each method returns (old_text, new_text, summary, extra) for one language."""

    def summary(
        self, lang: str, id_opts: list[str], en_opts: list[str], empty: float = 0.12
    ) -> str:
        if self.chance(empty):
            return ""
        return self.pick(id_opts if lang == "id" else en_opts)

    def size(self) -> str:
        x = self.rng.random()
        return "long" if x < 0.04 else "stub" if x < 0.2 else "normal"

    # ---- good ----
    def good_typo(self, lang: str) -> tuple[str, str, str]:
        new = self.article(lang, self.size()).render()
        candidates = [m for m in re.finditer(r"(?<![\[\w/.-])[a-z]{6,}(?![\w\]/.-])", new)]
        m = self.pick(candidates)
        old = new[: m.start()] + typo(m.group(0), self.rng) + new[m.end() :]
        return (
            old,
            new,
            self.summary(
                lang,
                [
                    "perbaiki ejaan",
                    "typo",
                    "salah ketik",
                    "ejaan",
                    "perbaikan kecil",
                    "koreksi ejaan",
                ],
                ["typo", "fix typo", "spelling", "copyedit", "minor fix", "sp"],
                0.2,
            ),
        )

    def good_sourced(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        li = 0 if lang == "id" else 1
        sent = self.fill_sentence(self.pick(FACTS)[li], a.fill, [], lang)
        new = add_footnoted(old, sent, self.source(lang, a.fill), self.rng, lang)
        return (
            old,
            new,
            self.summary(
                lang,
                [
                    "tambah data dengan sumber",
                    "menambahkan sumber",
                    "tambah informasi (BPS)",
                    "tambah fakta + ref",
                    "melengkapi data",
                ],
                [
                    "add sourced figure",
                    "add fact with reference",
                    "expand with source",
                    "add 2020 census figure",
                    "cite BPS data",
                ],
            ),
        )

    def good_section(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        old = a.render()
        li = 0 if lang == "id" else 1
        missing = [k for k in SECTION_ORDER if k not in {s[0] for s in a.sections}]
        key = self.pick(missing or SECTION_ORDER)
        (h_id, h_en), pool = SECTIONS[key]
        notes = list(a.footnotes)
        sents = [self.fill_sentence(t[li], a.fill, notes, lang) for t in self.rng.sample(pool, 3)]
        a.sections.append((key, h_id if lang == "id" else h_en, [" ".join(sents)]))
        a.footnotes = notes
        return (
            old,
            a.render(),
            self.summary(
                lang,
                [f"tambah bagian {h_id.lower()}", "menambah bagian baru", "kembangkan artikel"],
                [f"add {h_en.lower()} section", "new section", "expand article"],
            ),
        )

    def good_restructure(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        while len(a.sections) < 3:
            a = self.article(lang, "normal")
        old = a.render()
        i, j = sorted(self.rng.sample(range(len(a.sections)), 2))
        a.sections[i], a.sections[j] = a.sections[j], a.sections[i]
        if self.chance(0.5):
            key, heading, paras = a.sections[0]
            if len(paras) == 1 and ". " in paras[0]:
                first, rest = paras[0].split(". ", 1)
                a.sections[0] = (key, heading, [first + ".", rest])
        return (
            old,
            a.render(),
            self.summary(
                lang,
                [
                    "rapikan struktur",
                    "susun ulang bagian",
                    "pindahkan bagian sejarah ke atas",
                    "merapikan",
                ],
                ["reorganise sections", "restructure", "move section up", "tidy layout"],
            ),
        )

    def good_translate(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        old = a.render()
        li = 0 if lang == "id" else 1
        missing = [k for k in SECTION_ORDER if k not in {s[0] for s in a.sections}]
        key = self.pick(missing or SECTION_ORDER)
        (h_id, h_en), pool = SECTIONS[key]
        notes = list(a.footnotes)
        sents = [self.fill_sentence(t[li], a.fill, notes, lang) for t in self.rng.sample(pool, 2)]
        a.sections.append((key, h_id if lang == "id" else h_en, [" ".join(sents)]))
        a.footnotes = notes
        return (
            old,
            a.render(),
            self.pick(
                [
                    "terjemahan dari artikel bahasa Inggris",
                    "menerjemahkan bagian dari versi Inggris",
                    "terjemahkan dari en",
                ]
                if lang == "id"
                else [
                    "translated from the Indonesian article",
                    "translation from id",
                    "translate section",
                ]
            ),
        )

    def good_lead(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        add = (
            f"Desa ini dikenal sebagai penghasil {a.fill['crop']} dan aktif dalam kegiatan "
            f"musyawarah warga."
            if lang == "id"
            else f"It is known for its {a.fill['crop']} and for an active village assembly."
        )
        a.lead = a.lead + " " + add
        return (
            old,
            a.render(),
            self.summary(
                lang,
                ["tambah ringkasan di paragraf pembuka", "ringkasan"],
                ["expand lead", "add short summary to lead"],
            ),
        )

    def good_wikify(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        new = old
        for word in (
            ["petani", "sawah", "musyawarah", "irigasi", "pasar", "sekolah dasar"]
            if lang == "id"
            else ["farmers", "rice fields", "irrigation", "market", "primary schools", "hamlets"]
        ):
            new = re.sub(rf"(?<![\[\w/-]){word}(?![\]\w/-])", f"[[{word}]]", new, count=1)
        cat = "Desa wisata" if lang == "id" else "Tourism villages"
        new = new.rstrip("\n") + f"\n[[{'Kategori' if lang == 'id' else 'Category'}:{cat}]]\n"
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah pranala dan kategori", "wikifikasi"],
                ["wikify", "add links and category"],
            ),
        )

    def good_update(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        new = re.sub(
            r"\b(\d{1,2}[.,]\d{3})\b",
            lambda m: fmt_int(self.rng.randint(1800, 14000), lang),
            old,
            count=1,
        )
        new = re.sub(r"\b(20[12]\d)\b", lambda m: str(min(2024, int(m.group(1)) + 1)), new, count=1)
        if a.footnotes and self.chance(0.6):
            new = re.sub(
                r"^\[\^1\]:.*$",
                "[^1]: " + self.source(lang, a.fill).replace("\\", "/"),
                new,
                count=1,
                flags=re.MULTILINE,
            )
        return (
            old,
            new,
            self.summary(
                lang,
                ["perbarui data penduduk", "update data 2023", "pembaruan angka sesuai BPS"],
                ["update population figure", "update to latest data", "new BPS figures"],
            ),
        )

    def good_remove_unsourced(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        li = 0 if lang == "id" else 1
        claim = self.fill_sentence(self.pick(FAKE_CLAIMS + NEWBIE_ADDITIONS)[li], a.fill, [], lang)
        new = a.render()
        old = insert_in_paragraph(new, claim, self.rng)
        return (
            old,
            new,
            self.pick(
                [
                    "hapus klaim tanpa sumber",
                    "menghapus kalimat tidak bersumber",
                    "hapus: tidak ada sumber",
                ]
                if lang == "id"
                else ["removed unsourced claim", "rm unreferenced sentence", "remove dubious claim"]
            ),
        )

    def good_revert(self, lang: str) -> tuple[str, str, str]:
        old_clean = self.article(lang, self.size()).render()
        vandal = self.pick(
            [
                self.v_insult,
                self.v_profanity,
                self.v_caps,
                self.v_repeat,
                self.h_breaking,
                self.s_links,
            ]
        )
        _, damaged, _ = vandal(lang, base=old_clean)
        ip = f"{self.rng.randint(36, 182)}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
        return (
            damaged,
            old_clean,
            self.pick(
                [
                    "kembalikan suntingan vandalisme",
                    "membatalkan vandalisme",
                    "rv",
                    f"Mengembalikan suntingan oleh {ip}",
                ]
                if lang == "id"
                else ["rv vandalism", f"Reverted edits by {ip}", "undo", "rvv"]
            ),
        )

    def good_talk(self, lang: str) -> tuple[str, str, str]:
        li = 0 if lang == "id" else 1
        topic = self.pick(TALK_TOPICS)[li]
        first = self.pick(TALK_COMMENTS[lang][:4])
        user = self.pick(PEOPLE).split()[0]
        old = f"## {topic}\n\n{first} --[[{'Pengguna' if lang == 'id' else 'User'}:{user}]]\n"
        reply = self.pick(TALK_COMMENTS[lang])
        other = self.pick(PEOPLE).split()[0]
        new = old + f"\n: {reply} --[[{'Pengguna' if lang == 'id' else 'User'}:{other}]]\n"
        return (
            old,
            new,
            self.summary(
                lang,
                ["balas", "tanggapan", f"/* {topic} */ balas"],
                ["reply", "comment", f"/* {topic} */ reply"],
                0.3,
            ),
        )

    def good_create(self, lang: str) -> tuple[str, str, str]:
        return (
            "",
            self.article(lang, "normal").render(),
            self.summary(
                lang, ["halaman baru", "membuat artikel desa"], ["new article", "create page"]
            ),
        )

    def good_external(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        a.external = []
        old = a.render()
        a.external = [
            f"[{'Situs resmi' if lang == 'id' else 'Official website'} {a.fill['regency']}]"
            f"(https://{a.fill['slug']}kab.go.id/)"
        ]
        if self.chance(0.4):
            a.external.append(
                f"[{'Data BPS' if lang == 'id' else 'BPS data'}]"
                f"(https://{a.fill['slug']}kab.bps.go.id/)"
            )
        return (
            old,
            a.render(),
            self.summary(
                lang,
                ["tambah pranala luar resmi", "pranala luar"],
                ["add official website", "external links"],
            ),
        )

    def good_copyedit(self, lang: str) -> tuple[str, str, str]:
        new = self.article(lang, self.size()).render()
        pairs = (
            [
                ("sebagian besar", "mayoritas"),
                ("terletak", "berada"),
                ("sekitar", "kurang lebih"),
                ("dikenal", "terkenal"),
                ("menjadi", "merupakan"),
            ]
            if lang == "id"
            else [
                ("about", "approximately"),
                ("Most", "The majority of"),
                ("lies", "is located"),
                ("runs", "flows"),
                ("known", "famous"),
            ]
        )
        present = [(good, bad) for good, bad in pairs if good in new]
        if not present:
            return self.good_copyedit(lang)
        old = new
        for good, bad in self.rng.sample(present, min(3, len(present))):
            old = old.replace(good, bad, 1)
        return (
            old,
            new,
            self.summary(
                lang,
                ["perbaiki kalimat", "copyedit", "rapikan bahasa"],
                ["copyedit", "wording", "tighten prose"],
            ),
        )

    # ---- good faith (label good) ----
    def gf_unsourced(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        li = 0 if lang == "id" else 1
        new = insert_in_paragraph(
            old, self.pick(NEWBIE_ADDITIONS)[li], self.rng, self.pick(["end", "line"])
        )
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah info", "menambahkan", "info desa saya"],
                ["add info", "added", "more info"],
                0.5,
            ),
        )

    def gf_informal(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        li = 0 if lang == "id" else 1
        new = insert_in_paragraph(old, self.pick(INFORMAL_ADDITIONS)[li], self.rng, "line")
        return old, new, self.summary(lang, ["tambah", "info"], ["add", "info"], 0.6)

    def gf_big_removal(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        while len(a.sections) < 3:
            a = self.article(lang, "normal")
        # A duplicated section removed, or a section moved out to its own page.
        if self.chance(0.5):
            dup = a.sections[self.rng.randrange(len(a.sections))]
            a.sections.append(dup)
            old = a.render()
            a.sections.pop()
            summary = self.pick(
                ["hapus bagian duplikat", "bagian ganda dihapus"]
                if lang == "id"
                else ["remove duplicated section", "rm duplicate"]
            )
        else:
            old = a.render()
            gone = a.sections.pop(self.rng.randrange(len(a.sections)))
            summary = (
                f"bagian {gone[1].lower()} dipindahkan ke [[{gone[1]} {a.fill['name']}]]"
                if lang == "id"
                else f"moved {gone[1].lower()} section to [[{gone[1]} of {a.fill['name']}]]"
            )
        return old, a.render(), summary

    def gf_formatting(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        new = old
        if self.chance(0.5):
            new = re.sub(
                r"^## (.+)$", lambda m: "## " + m.group(1).upper(), new, count=2, flags=re.MULTILINE
            )
        else:
            new = new.replace("## ", "", 1).replace("**", "", 2)
        if new == old:
            new = old.replace("\n\n", "\n", 2)
        return old, new, self.summary(lang, ["format", "edit judul"], ["format", "headings"], 0.5)

    def gf_local_link(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        url = self.pick(
            [
                f"https://desa{slugify(a.fill['name']).replace('-', '')}.id/",
                f"https://{slugify(a.fill['name'])}.desa.id/",
                f"https://www.facebook.com/desa{slugify(a.fill['name']).replace('-', '')}",
                f"https://karangtaruna{slugify(a.fill['org']).replace('-', '')}.blogspot.com/",
            ]
        )
        line = f"[{'Situs desa' if lang == 'id' else 'Village website'}]({url})"
        new = insert_in_paragraph(old, line, self.rng, "line")
        return (
            old,
            new,
            self.summary(lang, ["tambah link desa", "link"], ["add link", "website"], 0.5),
        )

    def gf_dropped_ref(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        while not a.footnotes:
            a = self.article(lang, "normal")
        old = a.render()
        label = self.rng.randint(1, len(a.footnotes))
        new = re.sub(rf"\[\^{label}\](?!:)", "", old, count=1)
        new = (
            new.replace(" dan ", ", serta ", 1)
            if lang == "id"
            else new.replace(" and ", " as well as ", 1)
        )
        return (
            old,
            new,
            self.summary(
                lang, ["perbaiki kalimat", "ubah susunan kalimat"], ["reword", "fix sentence"], 0.3
            ),
        )

    def gf_update_unsourced(self, lang: str) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        new = re.sub(
            r"\b(\d{1,2}[.,]\d{3})\b",
            lambda m: fmt_int(self.rng.randint(1800, 14000), lang),
            old,
            count=1,
        )
        if new == old:
            new = insert_in_paragraph(
                old, self.pick(NEWBIE_ADDITIONS)[0 if lang == "id" else 1], self.rng
            )
        return (
            old,
            new,
            self.summary(
                lang,
                ["update", "data terbaru", "ganti jumlah penduduk"],
                ["update", "new numbers"],
                0.5,
            ),
        )

    # ---- vandalism ----
    def _base(self, lang: str, base: str | None) -> tuple[str, dict[str, str]]:
        if base is not None:
            return base, self.base_fill(lang)
        a = self.article(lang, self.size())
        return a.render(), a.fill

    def vandal_summary(self, lang: str) -> str:
        x = self.rng.random()
        if x < 0.6:
            return ""
        if x < 0.85:
            return self.pick(
                ["perbaiki", "update", "typo", "koreksi", "tambah info", "edit", "perbaikan kecil"]
                if lang == "id"
                else ["fix", "update", "typo", "minor", "edit", "added info", "fixed"]
            )
        return f"/* {self.pick(['Sejarah', 'Geografi', 'Ekonomi'] if lang == 'id' else ['History', 'Geography', 'Economy'])} */"

    def _with(
        self, lang: str, base: str | None, text: str, where: str | None = None
    ) -> tuple[str, str, str]:
        old, fill = self._base(lang, base)
        text = text.format(**fill)
        if self.chance(0.3):
            text = text.upper() if self.chance(0.5) else text + self.pick(["!!!", "!!", " ", "."])
        new = insert_in_paragraph(old, text, self.rng, where or self.pick(["end", "line", "mid"]))
        return old, new, self.vandal_summary(lang)

    def v_insult(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        return self._with(lang, base, self.pick(INSULTS[lang]))

    def v_profanity(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        return self._with(lang, base, self.pick(PROFANITY[lang]))

    def v_repeat(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        text = self.pick(REPEATS)
        if self.chance(0.5):
            text = self.pick(WAS_HERE[lang]) + " " + text
        return self._with(lang, base, text)

    def v_caps(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        return self._with(lang, base, self.pick(CAPS[lang]) + self.pick(["", "!!!", "!!!!!!"]))

    def v_blank(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        old, fill = self._base(lang, base)
        new = self.pick(
            [
                "",
                "",
                " ",
                ".",
                "-",
                "halo" if lang == "id" else "hi",
                self.pick(INSULTS[lang]).format(**fill),
                self.pick(CAPS[lang]),
            ]
        )
        return old, new, self.vandal_summary(lang)

    def v_near_blank(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        old = a.render()
        lines = old.split("\n")
        keep = self.rng.randint(1, 3)
        new = "\n".join(lines[:keep]) + "\n"
        if self.chance(0.4):
            new += self.pick(WAS_HERE[lang] + CAPS[lang]) + "\n"
        return old, new, self.vandal_summary(lang)

    def v_junk(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
        words = []
        for _ in range(self.rng.randint(1, 6)):
            row = self.pick(rows)
            i = self.rng.randrange(len(row) - 4)
            w = row[i : i + self.rng.randint(4, 8)]
            if self.chance(0.5):
                w = "".join(self.rng.sample("bcdfghjklmnpqrstvwxz", self.rng.randint(4, 9)))
            if self.chance(0.15):
                w = "".join(
                    self.rng.choice("asdfghjklqwertyuiop") for _ in range(self.rng.randint(15, 40))
                )
            if self.chance(0.15):
                w = "".join(
                    self.rng.choice("!@#$%^&*()_+=-;:/?.,<>")
                    for _ in range(self.rng.randint(4, 12))
                )
            words.append(w)
        return self._with(lang, base, " ".join(words))

    def v_was_here(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        return self._with(lang, base, self.pick(WAS_HERE[lang]))

    def v_joke(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        return self._with(lang, base, self.pick(JOKES)[0 if lang == "id" else 1], "end")

    def v_numbers(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """Figures quietly changed in the prose (no source touched): hard to see."""
        old, _ = self._base(lang, base)
        lines = old.split("\n")
        spots = [
            (i, m)
            for i in prose_lines(old)
            for m in re.finditer(r"\b\d[\d.,]*\d\b|\b\d\b", lines[i])
        ]
        for i, m in self.rng.sample(spots, min(len(spots), self.rng.randint(1, 2))):
            digits = m.group(0)
            changed = (
                digits[0] + str(self.rng.randint(0, 9)) + digits[1:]
                if len(digits) > 1
                else str(int(digits) * 10 + 3)
            )
            lines[i] = lines[i].replace(digits, changed, 1)
        new = "\n".join(lines)
        if new == old:
            new = old.replace(" 1", " 7", 1) if " 1" in old else old + "\n99\n"
        return (
            old,
            new,
            self.vandal_summary(lang)
            if self.chance(0.7)
            else self.pick(
                ["update data", "koreksi"] if lang == "id" else ["update", "correction"]
            ),
        )

    def v_name(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, self.size(), kind="village")
        old = a.render()
        new_name = self.pick(
            ["Joko Ganteng", "Kevin", "Mas Bro", "Pak Kumis", "Bapak Gendut", "Si Dodol"]
            if lang == "id"
            else ["Big Mike", "Kevin", "Mr Bean", "Lord Voldemort", "Chad"]
        )
        new = (
            old.replace(a.fill["person"], new_name)
            if a.fill["person"] in old
            else old.replace(a.fill["name"], new_name, 2)
        )
        return old, new, self.vandal_summary(lang)

    def v_junk_page(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        text = self.pick(CAPS[lang] + WAS_HERE[lang] + INSULTS[lang] + PROFANITY[lang])
        text = text.format(**self.base_fill(lang))
        if self.chance(0.5):
            text += " " + self.pick(REPEATS)
        return "", text + "\n", self.vandal_summary(lang)

    def v_remove_sourced(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        while not a.footnotes or len(a.sections) < 2:
            a = self.article(lang, "normal")
        old = a.render()
        i = self.rng.randrange(len(a.sections))
        a.sections.pop(i)
        new = a.render()
        return old, new, self.vandal_summary(lang)

    def v_talk(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        _, old, _ = self.good_talk(lang)
        fill = self.base_fill(lang)
        attack = self.pick(INSULTS[lang] + PROFANITY[lang]).format(**fill)
        new = old + f"\n: {attack}\n"
        return old, new, self.vandal_summary(lang)

    # ---- spam ----
    def spam_url(self) -> str:
        domain = self.pick(SPAM_DOMAINS)
        path = self.pick(["", "daftar", "promo", "?ref=wiki", "link/alternatif", "order"])
        return (
            f"https://{domain}/{path}"
            if self.chance(0.85)
            else f"https://bit.ly/{self.rng.randrange(10**6, 10**7):x}"
        )

    def s_links(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        old, _ = self._base(lang, base)
        phone = f"08{self.rng.randint(11, 99)}-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"
        line = self.pick(SPAM_LINES[lang]).format(url=self.spam_url(), phone=phone)
        new = insert_in_paragraph(old, line, self.rng, self.pick(["end", "line"]))
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah referensi", "info tambahan", "link"],
                ["add reference", "useful link", "more info"],
                0.5,
            ),
        )

    def s_repeated(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        domain = self.pick(SPAM_DOMAINS)
        words = (
            ["slot gacor", "link alternatif", "daftar", "promo", "judi bola"]
            if lang == "id"
            else ["casino", "cheap pills", "best deals", "loans", "bonus"]
        )
        for _ in range(self.rng.randint(2, 5)):
            a.external.append(
                f"[{self.pick(words)}](https://{domain}/{self.rng.randrange(100, 999)})"
            )
        return old, a.render(), self.summary(lang, ["pranala luar"], ["external links"], 0.6)

    def s_phone(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        old, fill = self._base(lang, base)
        phone = self.pick(
            [
                f"0812{self.rng.randint(10000000, 99999999)}",
                f"+62 813-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}",
                f"0857 {self.rng.randint(1000, 9999)} {self.rng.randint(1000, 9999)}",
            ]
        )
        line = self.pick(
            [
                f"Jual tanah kavling murah di {fill['name']}, hubungi WA {phone}.",
                f"Melayani jasa sedot WC dan servis AC, hubungi {phone}.",
                f"Terima pesanan kopi asli {fill['name']}, order via WA {phone}, harga termurah!",
            ]
            if lang == "id"
            else [
                f"Cheap land for sale in {fill['name']}, WhatsApp {phone}.",
                f"Best tour guide in {fill['district']}, call now {phone}.",
                f"Order authentic {fill['name']} coffee, WhatsApp us at {phone}!",
            ]
        )
        new = insert_in_paragraph(old, line, self.rng, "line")
        return old, new, self.summary(lang, ["info"], ["info"], 0.7)

    def s_subtle(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        line = self.pick(SUBTLE_SPAM[lang]).format(**a.fill)
        new = insert_in_paragraph(old, line, self.rng, "line")
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah info penginapan", "info wisata"],
                ["add accommodation", "tourism info"],
                0.4,
            ),
        )

    # ---- hoax ----
    def h_breaking(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        old, fill = self._base(lang, base)
        line = self.pick(HOAX_LINES[lang]).format(**fill)
        new = insert_in_paragraph(old, line, self.rng, self.pick(["line", "end"]))
        return (
            old,
            new,
            self.summary(
                lang,
                ["info terbaru", "update berita", "fakta"],
                ["latest news", "update", "facts"],
                0.5,
            ),
        )

    def h_fabricated(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        claim = self.fill_sentence(
            self.pick(FAKE_CLAIMS)[0 if lang == "id" else 1], a.fill, [], lang
        )
        new = insert_in_paragraph(old, claim, self.rng, self.pick(["end", "mid"]))
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah fakta", "melengkapi sejarah", "update"],
                ["add fact", "history", "update"],
                0.4,
            ),
        )

    def h_swap_sources(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, "normal")
        while len(a.footnotes) < 2:
            a = self.article(lang, "normal")
        old = a.render()
        new = old
        for label in self.rng.sample(
            range(1, len(a.footnotes) + 1), self.rng.randint(1, min(3, len(a.footnotes)))
        ):
            new = remove_footnote(new, label)
        claim = self.fill_sentence(
            self.pick(FAKE_CLAIMS)[0 if lang == "id" else 1], a.fill, [], lang
        )
        if self.chance(0.5):
            claim += " " + self.pick(
                ["Ini fakta, bukan hoaks.", "Sebarkan!", "Pasti benar."]
                if lang == "id"
                else ["This is a fact.", "Share this!", "Wake up!"]
            )
        new = insert_in_paragraph(new, claim, self.rng, "end")
        return (
            old,
            new,
            self.summary(
                lang,
                ["koreksi data", "perbaiki fakta", "hapus sumber palsu"],
                ["correct facts", "fix", "remove fake sources"],
                0.4,
            ),
        )

    def h_fake_source(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        a = self.article(lang, self.size())
        old = a.render()
        li = 0 if lang == "id" else 1
        claim = self.fill_sentence(self.pick(FAKE_CLAIMS)[li], a.fill, [], lang)
        domain = self.pick(HOAX_DOMAINS)
        head = slugify(claim)[:60]
        definition = f"https://{domain}/{self.rng.randint(2019, 2024)}/{head}.html"
        new = add_footnoted(old, claim, definition, self.rng, lang)
        return (
            old,
            new,
            self.summary(
                lang,
                ["tambah fakta dengan sumber", "tambah info + ref"],
                ["add sourced fact", "add info with reference"],
                0.3,
            ),
        )

    # ---- v2: hoaxes that do not shout, and the good edits that look like them ----
    # Templates written for this script from the issue's description of each kind; the
    # articles are the generator's own (villages, regencies, rivers, programmes).

    def _sourced_spot(self, lang: str, need_number: bool) -> tuple[Article, str, int, str]:
        """An article, its text, and one footnoted sentence (line index, sentence)."""
        for _ in range(200):
            a = self.article(lang, "normal")
            text = a.render()
            lines = text.split("\n")
            spots = []
            for i in prose_lines(text):
                for m in re.finditer(r"[^.!?]*?[.!?](?:\[\^\d+\])+", lines[i]):
                    sentence = m.group(0).strip()
                    if not need_number or re.search(r"\d", re.sub(r"\[\^\d+\]", "", sentence)):
                        spots.append((i, sentence))
            if spots:
                i, sentence = self.pick(spots)
                return a, text, i, sentence
        raise AssertionError("no footnoted sentence found")

    def _calm(self, lang: str, empty: float = 0.25) -> str:
        return self.summary(
            lang,
            [
                "typo",
                "koreksi",
                "perbaiki angka",
                "update data",
                "rapikan",
                "sesuai sumber",
                "koreksi minor",
                "update",
                "perbaikan",
                "sesuai data terbaru",
                "ralat",
            ],
            [
                "typo",
                "fix",
                "correct figure",
                "update",
                "copyedit",
                "per source",
                "minor fix",
                "correction",
                "update data",
                "fix grammar",
            ],
            empty,
        )

    def _new_number(self, digits: str) -> str:
        plain = digits.replace(".", "").replace(",", "")
        if not plain.isdigit():
            return digits + "0"
        value = int(plain)
        choice = self.rng.randrange(4)
        if choice == 0 and len(digits) > 1:
            return digits[::-1] if digits[::-1] != digits else digits + "0"
        if choice == 1:
            return digits + "0"
        if choice == 2 and 1900 < value < 2100:
            return str(value + self.rng.choice([-3, -2, -1, 1, 2, 5]))
        return (
            digits[0] + str((int(digits[1]) + self.rng.randint(1, 8)) % 10) + digits[2:]
            if len(digits) > 1 and digits[1].isdigit()
            else str(value + self.rng.randint(2, 9))
        )

    def h_number_sourced(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """A figure in a footnoted sentence changed; the footnote stays."""
        _a, old, i, sentence = self._sourced_spot(lang, need_number=True)
        plain = re.sub(r"\[\^\d+\]", "", sentence)
        numbers = re.findall(r"\d+(?:[.,]\d+)*", plain)
        target = self.pick(numbers)
        changed = sentence.replace(target, self._new_number(target), 1)
        if changed == sentence:
            changed = sentence.replace(target, target + "0", 1)
        lines = old.split("\n")
        lines[i] = lines[i].replace(sentence, changed, 1)
        return old, "\n".join(lines), self._calm(lang)

    _NEGATE_ID = ("tidak ", "belum ", "tidak lagi ", "bukan ")
    _NEGATE_EN = ("not ", "no longer ", "never ")

    def h_negation(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """A negation added to or removed from a footnoted sentence."""
        for _ in range(100):
            _a, old, i, sentence = self._sourced_spot(lang, need_number=False)
            if lang == "id":
                m = re.search(r"\b(tidak|belum|bukan) ", sentence)
                if m:
                    changed = (
                        sentence[: m.start()]
                        + self.pick(["", "juga ", "tetap "])
                        + sentence[m.end() :]
                    )
                else:
                    m = re.search(r"\b(?:me|ber|di|ter|men|mem|meng)[a-z]{3,}\b", sentence[8:])
                    if not m:
                        continue
                    at = 8 + m.start()
                    changed = sentence[:at] + self.pick(list(self._NEGATE_ID)) + sentence[at:]
            else:
                m = re.search(r"\b(not|never|no longer) ", sentence)
                if m:
                    changed = sentence[: m.start()] + sentence[m.end() :]
                else:
                    m = re.search(r"\b(is|are|was|were|has|have|can|will|must)\b ", sentence)
                    if not m:
                        continue
                    changed = (
                        sentence[: m.end()] + self.pick(list(self._NEGATE_EN)) + sentence[m.end() :]
                    )
            lines = old.split("\n")
            lines[i] = lines[i].replace(sentence, changed, 1)
            return old, "\n".join(lines), self._calm(lang, 0.2)
        raise AssertionError("no sentence to negate")

    def h_quiet_removal(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """A footnoted sentence, or the footnote definitions, removed with a calm summary."""
        _a, old, i, sentence = self._sourced_spot(lang, need_number=False)
        if self.chance(0.2):
            new = re.sub(r"^\[\^\d+\]:.*\n?", "", old, flags=re.MULTILINE)
        else:
            lines = old.split("\n")
            lines[i] = " ".join(lines[i].replace(sentence, "", 1).split())
            new = "\n".join(lines)
        summary = self.summary(
            lang,
            [
                "rapikan",
                "ringkas",
                "hapus bagian yang tidak perlu",
                "sudah ada di artikel lain",
                "kalimat berulang",
                "hapus paragraf tanpa sumber",
                "typo",
                "perbaikan",
            ],
            [
                "tidy",
                "trim",
                "cleanup",
                "redundant",
                "covered elsewhere",
                "remove unsourced",
                "copyedit",
            ],
            0.3,
        )
        return old, new, summary

    def good_reasoned_removal(self, lang: str) -> tuple[str, str, str]:
        """A footnoted sentence removed with a summary that says why."""
        _a, old, i, sentence = self._sourced_spot(lang, need_number=False)
        lines = old.split("\n")
        lines[i] = " ".join(lines[i].replace(sentence, "", 1).split())
        summary = self.pick(
            [
                "hapus: angka ini tidak sesuai dengan sumber yang dikutip, mohon cek ulang",
                "kalimat ini keliru, sumbernya membahas desa lain; hapus sampai ada sumber tepat",
                "dihapus karena sumbernya sudah kedaluwarsa dan datanya tidak akurat lagi",
                "hapus klaim yang menyesatkan, sumber tidak menyebut hal ini",
                "duplikat dengan bagian sejarah, dipindah ke sana",
            ]
            if lang == "id"
            else [
                "remove: the cited source does not support this figure, please re-check",
                "this sentence is inaccurate, the source is about another village",
                "removed because the source is outdated and the figure no longer matches",
                "misleading claim, the source does not say this; removing until sourced",
                "duplicate of the history section, moved there",
            ]
        )
        return old, "\n".join(lines), summary

    def good_sourced_number(self, lang: str) -> tuple[str, str, str]:
        """A figure updated in a footnoted sentence together with a new or updated source."""
        a, old, i, sentence = self._sourced_spot(lang, need_number=True)
        plain = re.sub(r"\[\^\d+\]", "", sentence)
        target = self.pick(re.findall(r"\d+(?:[.,]\d+)*", plain))
        changed = sentence.replace(target, self._new_number(target), 1)
        lines = old.split("\n")
        label = max(footnote_labels(old), default=0) + 1
        definition = self.source(lang, a.fill)
        if self.chance(0.5):
            lines[i] = lines[i].replace(
                sentence, re.sub(r"(\[\^\d+\])+$", "", changed) + f"[^{label}]", 1
            )
            last = max(k for k, line in enumerate(lines) if re.match(r"\[\^\d+\]:", line))
            lines.insert(last + 1, f"[^{label}]: {definition}")
        else:
            ref = re.findall(r"\[\^(\d+)\]", sentence)[-1]
            lines[i] = lines[i].replace(sentence, changed, 1)
            lines = [
                f"[^{ref}]: {definition}" if line.startswith(f"[^{ref}]:") else line
                for line in lines
            ]
        return (
            old,
            "\n".join(lines),
            self.summary(
                lang,
                [
                    "update data + sumber",
                    "angka terbaru sesuai BPS",
                    "perbarui dengan sumber baru",
                    "data 2024, sumber diperbarui",
                ],
                ["update figure with source", "new figures, source updated", "latest data (cited)"],
                0.1,
            ),
        )

    def good_debunk(self, lang: str) -> tuple[str, str, str]:
        """A hoax quoted in order to refute it, usually with a source."""
        a = self.article(lang, self.size())
        old = a.render()
        hoax = self.fill_sentence(
            self.pick(FAKE_CLAIMS)[0 if lang == "id" else 1], a.fill, [], lang
        ).rstrip(".")
        if lang == "id":
            frame = self.pick(
                [
                    'Pesan berantai yang menyebut "{h}" adalah hoaks.',
                    'Klaim di media sosial bahwa "{h}" tidak benar.',
                    'Kabar "{h}" yang beredar lewat WhatsApp sudah diklarifikasi sebagai hoaks.',
                    'Warga diminta waspada terhadap pesan "{h}"; informasi itu keliru.',
                ]
            )
        else:
            frame = self.pick(
                [
                    'A chain message claiming "{h}" is a hoax.',
                    'Social media posts saying "{h}" are not true.',
                    'The rumour that "{h}" was debunked by officials.',
                    'Residents were warned that the message "{h}" is false.',
                ]
            )
        sentence = frame.format(h=hoax)
        if self.chance(0.7):
            new = add_footnoted(old, sentence, self.source(lang, a.fill), self.rng, lang)
        else:
            new = insert_in_paragraph(old, sentence, self.rng)
        return (
            old,
            new,
            self.summary(
                lang, ["klarifikasi hoaks", "tambah klarifikasi"], ["debunk", "add fact-check"], 0.3
            ),
        )

    def good_official_link(self, lang: str) -> tuple[str, str, str]:
        """An official .go.id link, sometimes with a warning in capitals."""
        a = self.article(lang, self.size())
        old = a.render()
        site = f"https://{a.fill['slug']}kab.go.id/{self.pick(['layanan', 'pengumuman', 'informasi', 'bantuan'])}"
        line = self.pick(
            [
                f"Informasi resmi tersedia di [situs pemerintah kabupaten]({site}); pendaftaran GRATIS dan tidak dipungut biaya.",
                f"Pengumuman resmi hanya dimuat di {site}. Jangan berikan kode OTP kepada siapa pun!",
            ]
            if lang == "id"
            else [
                f"Official information is published at [the regency website]({site}); registration is FREE.",
                f"Announcements are only posted at {site}. Never share your OTP code with anyone!",
            ]
        )
        return (
            old,
            insert_in_paragraph(old, line, self.rng),
            self.summary(
                lang,
                ["tautan resmi", "tambah info resmi"],
                ["official link", "add official info"],
                0.3,
            ),
        )

    def s_lookalike(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """A registration or aid link on a domain dressed up as an official one."""
        a = self.article(lang, self.size())
        old = a.render()
        name = self.pick(
            [
                "bansos",
                "kemensos",
                "dukcapil",
                "bpjs",
                "pajak",
                "kemenkeu",
                "prakerja",
                "samsat",
                a.fill["slug"] + "kab",
            ]
        )
        domain = self.pick(
            [
                f"{name}-go.id",
                f"{name}-resmi.com",
                f"{name}.go.id.{self.pick(['info', 'cc', 'xyz'])}",
                f"daftar-{name}.online",
                f"{name}-goid.site",
                f"{name}{self.rng.randint(1, 99)}.web.app",
            ]
        )
        if self.chance(0.25):
            domain = self.pick(["bit.ly", "s.id", "cutt.ly", "tinyurl.com"])
        url = f"https://{domain}/{self.pick(['daftar', 'klaim', 'login', 'cek', 'apk', 'form'])}"
        line = self.pick(
            [
                f"Warga dapat mendaftar bantuan melalui [portal resmi]({url}).",
                f"Pencairan dana desa kini bisa dicek di {url} dengan memasukkan NIK.",
                f"Pendaftaran program dibuka di [{domain}]({url}), biaya administrasi Rp50.000.",
                f"Klaim bantuan langsung tunai lewat link pendaftaran {url}.",
            ]
            if lang == "id"
            else [
                f"Residents can apply for aid through [the official portal]({url}).",
                f"Village fund payments can now be checked at {url} using your ID number.",
                f"Registration is open at [{domain}]({url}); a small admin fee applies.",
                f"Claim your cash assistance via the registration link {url}.",
            ]
        )
        return (
            old,
            insert_in_paragraph(old, line, self.rng, self.pick(["end", "mid"])),
            self.summary(
                lang,
                ["tambah link", "info pendaftaran", "tautan resmi", "update"],
                ["add link", "registration info", "official link"],
                0.3,
            ),
        )

    def h_pov(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """Polite promotion of, or attack on, a named person or party."""
        a = self.article(lang, self.size())
        old = a.render()
        p = a.fill["person"]
        party = self.pick(
            ["Partai Maju Bersama", "Partai Suara Rakyat", "Partai Nusantara Baru"]
            if lang == "id"
            else ["the United Progress Party", "the People's Voice Party"]
        )
        line = self.pick(
            [
                f"Berkat kepemimpinan {p} yang visioner, desa ini berkembang pesat dan patut dicontoh.",
                f"Kepala desa {p} dikenal merakyat dan layak dipilih kembali pada pemilihan berikutnya.",
                f"Sayangnya, program ini disebut-sebut hanya pencitraan {party} menjelang pemilu.",
                f"Banyak pihak menilai {p} tidak becus mengelola anggaran desa.",
                f"Sosok hebat seperti {p} adalah satu-satunya yang benar-benar peduli rakyat.",
                f"Pembangunan jalan ini merupakan prestasi gemilang {party}.",
            ]
            if lang == "id"
            else [
                f"Thanks to the visionary leadership of {p}, the village has flourished.",
                f"Village head {p} is a tireless servant of the people who deserves re-election.",
                f"Critics say the programme is merely a campaign stunt by {party}.",
                f"Many believe {p} is incompetent and has failed the village.",
                f"The new road is a remarkable achievement of {party}.",
            ]
        )
        return (
            old,
            insert_in_paragraph(old, line, self.rng, self.pick(["end", "mid"])),
            self.summary(
                lang, ["tambah info", "melengkapi", "update"], ["add info", "expand", "update"], 0.4
            ),
        )

    def h_formula(self, lang: str, base: str | None = None) -> tuple[str, str, str]:
        """A made-up claim behind an unverifiable-source formula, in a sourced paragraph."""
        a, old, i, _sentence = self._sourced_spot(lang, need_number=False)
        claim = self.fill_sentence(
            self.pick(FAKE_CLAIMS)[0 if lang == "id" else 1], a.fill, [], lang
        )
        claim = claim[0].lower() + claim[1:]
        lead = self.pick(
            [
                "Menurut sumber terpercaya, ",
                "Kabarnya, ",
                "Menurut orang dalam, ",
                "Info dari grup WhatsApp warga: ",
                "Konon, ",
            ]
            if lang == "id"
            else [
                "According to sources, ",
                "Insiders say ",
                "It is rumoured that ",
                "According to a forwarded message, ",
            ]
        )
        lines = old.split("\n")
        lines[i] = lines[i] + " " + lead + claim
        new = "\n".join(lines)
        if self.chance(0.3):
            new = add_footnoted(
                new,
                "",
                self.pick(
                    [
                        "Grup WhatsApp warga, pesan terusan.",
                        "blog pribadi, 2023.",
                        "TikTok @infodesa.",
                        "Facebook, unggahan anonim.",
                    ]
                ),
                self.rng,
                lang,
            ).replace(" [^", "[^", 1)
        return (
            old,
            new,
            self.summary(lang, ["info terbaru", "tambah info"], ["new info", "update"], 0.4),
        )


# --- authors and pages ----------------------------------------------------------------------


def author(rng: random.Random, profile: str) -> dict[str, Any]:
    def lu(lo: float, hi: float) -> float:
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))

    def anon(edits_hi: int) -> dict[str, Any]:
        return {
            "is_anonymous": True,
            "account_age_days": 0.0,
            "edit_count": rng.randint(0, edits_hi),
        }

    def reg(age: float, edits: int) -> dict[str, Any]:
        return {"is_anonymous": False, "account_age_days": round(age, 1), "edit_count": int(edits)}

    x = rng.random()
    if profile == "established":
        a = anon(40) if x < 0.10 else reg(lu(60, 3000), lu(30, 20000))
        reverts = 1 if rng.random() < 0.06 else 0
    elif profile == "casual":
        a = anon(30) if x < 0.40 else reg(lu(5, 2000), lu(3, 300))
        reverts = 1 if rng.random() < 0.1 else 0
    elif profile == "newbie":
        a = anon(5) if x < 0.5 else reg(rng.uniform(0, 10), rng.randint(0, 15))
        reverts = 1 if rng.random() < 0.2 else 0
    elif profile == "vandal":
        if x < 0.65:
            a = anon(12)
        elif x < 0.88:
            a = reg(rng.uniform(0, 14), rng.randint(0, 25))
        else:
            a = reg(lu(30, 900), lu(10, 150))
        y = rng.random()
        reverts = 0 if y < 0.5 else rng.randint(1, 2) if y < 0.85 else rng.randint(3, 8)
    elif profile == "spammer":
        a = anon(4) if x < 0.35 else reg(rng.uniform(0, 3), rng.randint(0, 5))
        reverts = 0 if rng.random() < 0.65 else rng.randint(1, 4)
    else:  # hoaxer: some build accounts first
        if x < 0.35:
            a = anon(8)
        elif x < 0.7:
            a = reg(rng.uniform(0, 20), rng.randint(0, 30))
        else:
            a = reg(lu(60, 1500), lu(50, 2000))
        reverts = 0 if rng.random() < 0.6 else rng.randint(1, 3)
    a["recent_reverts"] = reverts
    return a


# (class, kind, method, count per language, author profiles)
PLAN: list[tuple[str, str, str, int, list[str]]] = [
    ("good", "typo", "good_typo", 47, ["established", "casual", "casual", "newbie"]),
    ("good", "sourced", "good_sourced", 60, ["established", "established", "casual"]),
    ("good", "section", "good_section", 34, ["established", "established", "casual"]),
    ("good", "restructure", "good_restructure", 30, ["established"]),
    ("good", "translate", "good_translate", 26, ["established", "casual"]),
    ("good", "lead", "good_lead", 22, ["established", "casual"]),
    ("good", "wikify", "good_wikify", 26, ["established", "casual"]),
    ("good", "update", "good_update", 30, ["established", "casual"]),
    ("good", "remove-unsourced", "good_remove_unsourced", 26, ["established"]),
    ("good", "revert", "good_revert", 30, ["established"]),
    ("good", "talk", "good_talk", 22, ["established", "casual", "newbie"]),
    ("good", "create", "good_create", 13, ["established", "casual"]),
    ("good", "external", "good_external", 17, ["established", "casual"]),
    ("good", "copyedit", "good_copyedit", 26, ["established", "casual"]),
    ("good-faith", "unsourced", "gf_unsourced", 30, ["newbie"]),
    ("good-faith", "informal", "gf_informal", 13, ["newbie"]),
    ("good-faith", "big-removal", "gf_big_removal", 17, ["newbie", "casual"]),
    ("good-faith", "formatting", "gf_formatting", 13, ["newbie"]),
    ("good-faith", "local-link", "gf_local_link", 13, ["newbie"]),
    ("good-faith", "dropped-ref", "gf_dropped_ref", 13, ["newbie", "casual"]),
    ("good-faith", "update-unsourced", "gf_update_unsourced", 13, ["newbie"]),
    ("vandalism", "insult", "v_insult", 39, ["vandal"]),
    ("vandalism", "profanity", "v_profanity", 34, ["vandal"]),
    ("vandalism", "repeat", "v_repeat", 26, ["vandal"]),
    ("vandalism", "caps", "v_caps", 26, ["vandal"]),
    ("vandalism", "blank", "v_blank", 26, ["vandal"]),
    ("vandalism", "near-blank", "v_near_blank", 22, ["vandal"]),
    ("vandalism", "junk", "v_junk", 26, ["vandal"]),
    ("vandalism", "was-here", "v_was_here", 17, ["vandal"]),
    ("vandalism", "joke", "v_joke", 17, ["vandal"]),
    ("vandalism", "numbers", "v_numbers", 17, ["vandal"]),
    ("vandalism", "name", "v_name", 13, ["vandal"]),
    ("vandalism", "junk-page", "v_junk_page", 10, ["vandal"]),
    ("vandalism", "remove-sourced", "v_remove_sourced", 17, ["vandal"]),
    ("vandalism", "talk", "v_talk", 10, ["vandal"]),
    ("spam", "links", "s_links", 39, ["spammer"]),
    ("spam", "repeated", "s_repeated", 22, ["spammer"]),
    ("spam", "phone", "s_phone", 13, ["spammer"]),
    ("spam", "subtle", "s_subtle", 13, ["spammer"]),
    ("hoax", "breaking", "h_breaking", 34, ["hoaxer"]),
    ("hoax", "fabricated", "h_fabricated", 26, ["hoaxer"]),
    ("hoax", "swap-sources", "h_swap_sources", 17, ["hoaxer"]),
    ("hoax", "fake-source", "h_fake_source", 13, ["hoaxer"]),
    # v2: subtle hoaxes, and the good-faith edits that look like them
    ("hoax", "number-sourced", "h_number_sourced", 30, ["hoaxer", "casual", "established"]),
    ("hoax", "negation", "h_negation", 20, ["hoaxer", "casual"]),
    ("vandalism", "quiet-removal", "h_quiet_removal", 20, ["vandal", "hoaxer", "casual"]),
    ("spam", "lookalike", "s_lookalike", 20, ["spammer", "newbie"]),
    ("hoax", "pov", "h_pov", 20, ["hoaxer", "casual", "established"]),
    ("hoax", "formula", "h_formula", 20, ["hoaxer", "newbie"]),
    ("good", "reasoned-removal", "good_reasoned_removal", 20, ["established", "casual", "newbie"]),
    ("good", "sourced-number", "good_sourced_number", 30, ["established", "casual", "newbie"]),
    ("good", "debunk", "good_debunk", 20, ["established", "casual", "newbie"]),
    ("good", "official-link", "good_official_link", 16, ["casual", "newbie"]),
]


def common_domains(rng: random.Random, own: list[str], campaign: bool) -> list[str]:
    domains = rng.sample(LEGIT_COMMON, rng.randint(3, 6)) + rng.sample(
        SPAM_DOMAINS, rng.randint(1, 3)
    )
    if campaign:
        domains += own
    return sorted(set(domains))


def domains_added(old: str, new: str) -> list[str]:
    urls = re.findall(r"https?://([^/\s)\]]+)", new)
    before = set(re.findall(r"https?://([^/\s)\]]+)", old))
    return sorted({u.removeprefix("www.") for u in urls if u not in before})


def make(seed: int = SEED) -> list[Record]:
    rng = random.Random(seed)
    maker = Edits(rng)
    records: list[Record] = []
    for cls, kind, method, count, profiles in PLAN:
        label = "good" if cls in ("good", "good-faith") else "bad"
        for lang in ("id", "en"):
            for i in range(count):
                old, new, summary = getattr(maker, method)(lang)
                if old == new:  # a template that found nothing to change: make it visible
                    raise AssertionError(f"{kind}/{lang}/{i}: no change")
                who = author(rng, profiles[rng.randrange(len(profiles))])
                bad = label == "bad"
                own = domains_added(old, new)
                campaign = rng.random() < (0.6 if cls == "spam" else 0.35)
                records.append(
                    {
                        "id": f"{lang}-{cls}-{kind}-{i:03d}",
                        "lang": lang,
                        "label": label,
                        "class": cls,
                        "kind": kind,
                        "old_text": old,
                        "new_text": new,
                        "summary": summary,
                        **who,
                        "was_protected": rng.random() < (0.14 if bad else 0.06),
                        "recently_vandalised": rng.random() < (0.25 if bad else 0.10),
                        "namespace": 1 if kind == "talk" else 0,
                        "common_domains": common_domains(rng, own, campaign),
                    }
                )
    return records


def write(records: list[Record], path: Path) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for r in records:
            gz.write((json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    records = make()
    data = write(records, out)
    by = Counter((r["lang"], r["class"]) for r in records)
    print(f"wrote {len(records)} edits to {out} ({len(data):,} bytes gzipped)")
    for (lang, cls), n in sorted(by.items()):
        print(f"  {lang} {cls:<11} {n}")
    labels = Counter(r["label"] for r in records)
    print(f"  good {labels['good']}, bad {labels['bad']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
