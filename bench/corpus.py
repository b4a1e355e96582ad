"""A deterministic corpus of wiki articles in Indonesian and English, for the search benchmark.

Words come from real word lists with Zipf-like frequencies (the word of rank r is drawn with
weight 1 / (r + 2.7)), so a few words are everywhere and most are rare, as in real text:

* English: the ~1,000 most common English words, embedded below in rough frequency order.
* Indonesian: ~250 common words embedded below, then root words from the dictionary that
  Sastrawi (a project dependency) ships (~30,000 entries), in a fixed shuffled order. A share
  of the Indonesian words get affixes (me-/ber-/di-/ke-an/pe-an/-kan/-an/-nya), with the nasal
  sound changes of meN- and peN- (*baca* → *membaca*, *tulis* → *menulis*), so stemming has
  real work to do.

Each article has a unique title of 2–4 words, 3–5 sections with headings, sentences of 6–18
words, a few wiki links to other articles and a category line, and about ``words`` words.
Nothing is downloaded; the same seed always gives the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

SEED = 20_240_611

ENGLISH = """
the of and to a in is it you that he was for on are with as his they be at one have this from
or had by hot word but what some we can out other were all there when up use your how said an
each she which do their time if will way about many then them write would like so these her long
make thing see him two has look more day could go come did number sound no most people my over
know water than call first who may down side been now find any new work part take get place made
live where after back little only round man year came show every good me give our under name very
through just form sentence great think say help low line differ turn cause much mean before move
right boy old too same tell does set three want air well also play small end put home read hand
port large spell add even land here must big high such follow act why ask men change went light
kind off need house picture try us again animal point mother world near build self earth father
head stand own page should country found answer school grow study still learn plant cover food sun
four between state keep eye never last let thought city tree cross farm hard start might story saw
far sea draw left late run while press close night real life few north open seem together next
white children begin got walk example ease paper group always music those both mark often letter
until mile river car feet care second book carry took science eat room friend began idea fish
mountain stop once base hear horse cut sure watch colour face wood main enough plain girl usual
young ready above ever red list though feel talk bird soon body dog family direct pose leave song
measure door product black short numeral class wind question happen complete ship area half rock
order fire south problem piece told knew pass since top whole king space heard best hour better
true during hundred five remember step early hold west ground interest reach fast verb sing listen
six table travel less morning ten simple several vowel toward war lay against pattern slow centre
love person money serve appear road map rain rule govern pull cold notice voice unit power town
fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct
able pound done beauty drive stood contain front teach week final gave green oh quick develop
ocean warm free minute strong special mind behind clear tail produce fact street inch multiply
nothing course stay wheel full force blue object decide surface deep moon island foot system busy
test record boat common gold possible plane stead dry wonder laugh thousand ago ran check game
shape equate miss brought heat snow tire bring yes distant fill east paint language among grand
ball yet wave drop heart present heavy dance engine position arm wide sail material size vary
settle speak weight general ice matter circle pair include divide syllable felt perhaps pick
sudden count square reason length represent art subject region energy hunt probable bed brother
egg ride cell believe fraction forest sit race window store summer train sleep prove lone leg
exercise wall catch mount wish sky board joy winter sat written wild instrument kept glass grass
cow job edge sign visit past soft fun bright gas weather month million bear finish happy hope
flower clothe strange gone jump baby eight village meet root buy raise solve metal whether push
seven paragraph third shall held hair describe cook floor either result burn hill safe cat century
consider type law bit coast copy phrase silent tall sand soil roll temperature finger industry
value fight lie beat excite natural view sense ear else quite broke case middle kill son lake
moment scale loud spring observe child straight consonant nation dictionary milk speed method
organ pay age section dress cloud surprise quiet stone tiny climb cool design poor lot experiment
bottom key iron single stick flat twenty skin smile crease hole trade melody trip office receive
row mouth exact symbol die least trouble shout except wrote seed tone join suggest clean break
lady yard rise bad blow oil blood touch grew cent mix team wire cost lost brown wear garden equal
sent choose fell fit flow fair bank collect save control decimal gentle woman captain practice
separate difficult doctor please protect noon whose locate ring character insect caught period
indicate radio spoke atom human history effect electric expect crop modern element hit student
corner party supply bone rail imagine provide agree thus capital chair danger fruit rich thick
soldier process operate guess necessary sharp wing create neighbour wash bat rather crowd corn
compare poem string bell depend meat rub tube famous dollar stream fear sight thin triangle planet
hurry chief colony clock mine tie enter major fresh search send yellow gun allow print dead spot
desert suit current lift rose continue block chart hat sell success company subtract event
particular deal swim term opposite wife shoe shoulder spread arrange camp invent cotton born
determine quart nine truck noise level chance gather shop stretch throw shine property column
molecule select wrong gray repeat require broad prepare salt nose plural anger claim continent
oxygen sugar death pretty skill women season solution magnet silver thank branch match suffix
especially fig afraid huge sister steel discuss forward similar guide experience score apple
bought led pitch coat mass card band rope slip win dream evening condition feed tool total basic
smell valley nor double seat arrive master track parent shore division sheet substance favour
connect post spend chord fat glad original share station dad bread charge proper bar offer segment
slave duck instant market degree populate chick dear enemy reply drink occur support speech nature
range steam motion path liquid log meant quotient teeth shell neck policy public government budget
council citizen community participation democracy election parliament regulation decision tax
"""

INDONESIAN_COMMON = """
yang dan di itu dengan untuk tidak ini dari dalam akan pada juga saya ke karena tersebut bisa ada
mereka lebih kata tahun sudah atau saat oleh menjadi orang kami telah hanya namun seperti bahwa
kita baru masih harus banyak para secara hari dia lain jika bagi sangat setelah lagi dapat
masyarakat negara pemerintah bijak publik daerah wilayah bangun didik sehat ekonomi sosial budaya
sejarah duduk kota desa provinsi kabupaten pulau laut gunung sungai hutan tani ikan dagang
industri wisata bahasa agama adat tradisi seni musik tari makan minum pakai rumah jalan jembatan
sekolah universitas mahasiswa guru murid dokter pasar kantor usaha kerja nelayan pegawai jabat
menteri presiden gubernur bupati walikota camat lurah undang atur putus anggar pajak dapat
keluar tumbuh miskin anggur sejahtera adil merdeka satu gotong royong musyawarah mufakat
demokrasi pilih umum partai politik parlemen dewan wakil rakyat mahkamah konstitusi hukum hak
wajib warga asli datang transmigrasi lingkung hidup cemar banjir kering gempa bumi letus tsunami
iklim cuaca musim hujan kemarau beras jagung kedelai kelapa sawit karet kopi teh cengkeh lada pala
kayu emas perak tembaga timah batu bara minyak gas alam listrik air bersih sampah limbah anak
berbagai beberapa semua setiap seluruh bagi besar kecil tinggi rendah panjang pendek luas sempit
baik buruk penting utama pertama kedua ketiga akhir awal tengah utara selatan timur barat kemudian
sebelum sesudah selama sejak hingga sampai antara hadap tentang lalu turut dasar sebagai adalah
rupa yaitu ialah bukan belum pernah sering selalu kadang rencana program layan informasi lapor
tanggung jawab awas periksa bantu dukung libat serta warga forum diskusi usul saran keluh tanya
jawab jelas terang buka tutup akses data angka jumlah persen biaya dana proyek bangun rawat
"""

_NO_AFFIX = frozenset(INDONESIAN_COMMON.split()[:60])  # function words keep their form
AFFIXES = ("me", "ber", "di", "ke-an", "pe-an", "-kan", "-an", "-nya", "me-kan", "di-kan", "ber-an")


def _nasal(prefix: str, root: str) -> str:
    """meN-/peN- with Indonesian sound changes: baca→membaca, tulis→menulis, sapu→menyapu."""
    first = root[0]
    if first in "lmnrwy":
        return prefix + root
    if first in "bfv":
        return prefix + "m" + root
    if first == "p":
        return prefix + "m" + root[1:]
    if first in "cdjz":
        return prefix + "n" + root
    if first == "t":
        return prefix + "n" + root[1:]
    if first == "s":
        return prefix + "ny" + root[1:]
    if first == "k":
        return prefix + "ng" + root[1:]
    return prefix + "ng" + root  # vowels, g, h


def affix(root: str, kind: str) -> str:
    """``root`` with one of AFFIXES applied."""
    if kind == "me":
        return _nasal("me", root)
    if kind == "me-kan":
        return _nasal("me", root) + "kan"
    if kind == "pe-an":
        return _nasal("pe", root) + "an"
    if kind == "ke-an":
        return "ke" + root + "an"
    if kind == "ber-an":
        return "ber" + root + "an"
    if kind == "di-kan":
        return "di" + root + "kan"
    if kind in ("ber", "di"):
        return kind + root
    return root + kind[1:]  # -kan, -an, -nya


def _sastrawi_roots() -> list[str]:
    import Sastrawi

    path = Path(Sastrawi.__file__).parent / "Stemmer" / "data" / "kata-dasar.txt"
    words = [w.strip() for w in path.read_text(encoding="utf-8").split("\n")]
    return [w for w in words if w.isalpha() and w.isascii() and 3 <= len(w) <= 10]


@dataclass(frozen=True)
class Article:
    title: str
    text: str
    language: str  # "en" or "id"


class Vocabulary:
    """One language's words in rank order, drawn with Zipf weights."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = list(dict.fromkeys(words))
        self.cum = list(accumulate(1.0 / (rank + 2.7) for rank in range(len(self.words))))
        self.rng = rng

    def draw(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)


class Corpus:
    """Articles, queries and new texts, all from one seed."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        english = ENGLISH.split()
        common_id = INDONESIAN_COMMON.split()
        roots = _sastrawi_roots()
        self.rng.shuffle(roots)
        self.en = Vocabulary(english, self.rng)
        self.id = Vocabulary(common_id + roots[:12_000], self.rng)
        self._titles: set[str] = set()

    def _sentence(self, vocab: Vocabulary, lang: str, n: int) -> list[str]:
        words = vocab.draw(n)
        if lang == "id":
            words = [
                affix(w, self.rng.choice(AFFIXES))
                if i % 3 == 1 and len(w) > 3 and w not in _NO_AFFIX
                else w
                for i, w in enumerate(words)
            ]
        return words

    def title(self, lang: str) -> str:
        vocab = self.en if lang == "en" else self.id
        while True:
            words = vocab.draw(self.rng.randint(2, 4))
            title = " ".join(words)
            title = title[0].upper() + title[1:]
            if title.lower() not in self._titles:
                self._titles.add(title.lower())
                return title

    def article(self, lang: str, words: int, link_pool: list[str]) -> Article:
        vocab = self.en if lang == "en" else self.id
        title = self.title(lang)
        parts: list[str] = []
        budget = words
        sections = self.rng.randint(3, 5)
        for s in range(sections):
            if s:
                heading = " ".join(vocab.draw(self.rng.randint(1, 3)))
                parts.append(f"## {heading[0].upper()}{heading[1:]}")
                budget -= 2
            paragraph: list[str] = []
            share = budget // (sections - s)
            while share > 0:
                n = min(share, self.rng.randint(6, 18))
                sentence = self._sentence(vocab, lang, n)
                if link_pool and self.rng.random() < 0.15:
                    sentence.append(f"[[{self.rng.choice(link_pool)}]]")
                text = " ".join(sentence)
                paragraph.append(text[0].upper() + text[1:] + ".")
                share -= n
                budget -= n
            parts.append(" ".join(paragraph))
        category = "Topik" if lang == "id" else "Topics"
        parts.append(f"[[Category:{category} {vocab.draw(1)[0]}]]")
        return Article(title, "\n\n".join(parts), lang)

    def articles(self, count: int, words: int = 400) -> Iterator[Article]:
        """``count`` articles, alternating Indonesian and English, ~``words`` words each."""
        titles: list[str] = []
        for i in range(count):
            lang = "id" if i % 2 == 0 else "en"
            article = self.article(lang, words, titles[-200:])
            titles.append(article.title)
            yield article

    def queries(self, count: int = 200) -> list[str]:
        """Half one-word, half two-word queries, half Indonesian and half English.

        Words are content words (function words such as *was*, *his*, *yang* are left out, as
        people do not search for them) of rank 5–3,000, drawn towards the common end, so many
        queries match thousands of articles; 30 % of the Indonesian ones carry an affix.
        """
        from whoosh.lang import stopwords_for_language

        from wiki.search.indonesian import STOPWORDS

        function_words = set(stopwords_for_language("en")) | STOPWORDS
        rng = random.Random(SEED + 1)
        out: list[str] = []
        for i in range(count):
            vocab = self.id if i % 2 == 0 else self.en
            words = [w for w in vocab.words[:3_000] if w not in function_words]
            picks = [words[int(5 + (len(words) - 5) * rng.random() ** 2)] for _ in range(2)]
            if vocab is self.id and rng.random() < 0.3:
                picks[0] = affix(picks[0], rng.choice(AFFIXES))
            out.append(picks[0] if i < count // 2 else " ".join(picks))
        return out

    def prefixes(self, titles: list[str], count: int = 200) -> list[str]:
        """What someone has typed into the search box: 2–6 leading characters of a title."""
        rng = random.Random(SEED + 2)
        return [t[: rng.randint(2, 6)] for t in rng.sample(titles, min(count, len(titles)))]
