"""The search quality report behind `manage.py search_quality`: queries as staff type them in
the middle of a conversation, each with the seed entry (by slug) it should find.

They were written from the situations as staff live them, not from the entries' text: whole
sentences with filler, the keyboard left in the Latin layout, two typos in one query, and
ordinary words no entry holds. The report gives the share found first and in the top three.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from kb import search

SENTENCE, LAYOUT, TYPOS, ABSENT = "sentence", "layout", "typos", "absent words"


@dataclass(frozen=True)
class Case:
    query: str
    slug: str
    shape: str


CASES = [
    # Someone is shouting.
    Case("клиент орёт на меня по телефону, что делать", "klient-vpal-v-isteriku", SENTENCE),
    Case("заказчица рыдает и кричит что мы всё испортили", "klient-vpal-v-isteriku", SENTENCE),
    Case("клиент в бешенстве, не даёт слова вставить", "klient-vpal-v-isteriku", ABSENT),
    Case("rkbtyn rhbxbn", "klient-vpal-v-isteriku", LAYOUT),
    Case("клиент истерит", "klient-vpal-v-isteriku", ABSENT),
    # The client keeps changing course.
    Case(
        "заказчик каждую неделю хочет делать по-другому",
        "klient-postoyanno-menyaet-sposoby-dostizheniya-celi",
        SENTENCE,
    ),
    Case(
        "клиент всё время передумывает как делать",
        "klient-postoyanno-menyaet-sposoby-dostizheniya-celi",
        ABSENT,
    ),
    Case(
        "клиент меняет подход к задаче каждый день",
        "klient-postoyanno-menyaet-sposoby-dostizheniya-celi",
        SENTENCE,
    ),
    # Two of our departments at one client.
    Case(
        "у клиента работают два наших отдела и мешают друг другу",
        "v-baze-klienta-rabotayut-srazu-dva-nashih-podrazdeleniya",
        SENTENCE,
    ),
    Case(
        "наши отделы пересеклись у одного заказчика",
        "v-baze-klienta-rabotayut-srazu-dva-nashih-podrazdeleniya",
        ABSENT,
    ),
    # Sold what the client already had.
    Case(
        "продали программу которая у клиента уже куплена",
        "prodali-klientu-programmnyj-produkt-kotoryj-u-nego-uzhe-est",
        SENTENCE,
    ),
    Case(
        "клиенту продали лицензию повторно",
        "prodali-klientu-programmnyj-produkt-kotoryj-u-nego-uzhe-est",
        ABSENT,
    ),
    Case(
        "gjdnjhyfz ghjlf;f",
        "prodali-klientu-programmnyj-produkt-kotoryj-u-nego-uzhe-est",
        LAYOUT,
    ),
    # A death.
    Case("директор заказчика скончался что делать", "klient-umer", SENTENCE),
    Case("умер владелец компании клиента", "klient-umer", SENTENCE),
    Case("rkbtyn evth", "klient-umer", LAYOUT),
    Case("у клиента похороны, звонить ли ему", "klient-umer", ABSENT),
    # Our employee vanished.
    Case(
        "сотрудник не берёт трубку и не доехал до клиента",
        "nash-sotrudnik-propal-po-doroge-k-klientu",
        SENTENCE,
    ),
    Case("монтажник уехал на объект и пропал", "nash-sotrudnik-propal-po-doroge-k-klientu", ABSENT),
    Case("сотрудинк не выходит на свзяь", "nash-sotrudnik-propal-po-doroge-k-klientu", TYPOS),
    Case("мастер исчез, клиент ждёт", "nash-sotrudnik-propal-po-doroge-k-klientu", ABSENT),
    Case("cjnhelybr ghjgfk", "nash-sotrudnik-propal-po-doroge-k-klientu", LAYOUT),
    # The client's own deadlines slip.
    Case(
        "клиент затягивает со своей стороны и мы не успеваем",
        "klient-sryvaet-sroki-so-svoim-subpodryadchikom",
        SENTENCE,
    ),
    Case(
        "подрядчик клиента опаздывает и из-за этого горят наши сроки",
        "klient-sryvaet-sroki-so-svoim-subpodryadchikom",
        SENTENCE,
    ),
    Case(
        "субпотрядчик заказчика срывает срокии",
        "klient-sryvaet-sroki-so-svoim-subpodryadchikom",
        TYPOS,
    ),
    # A party at the client's.
    Case(
        "приехал к клиенту, а у них корпоратив и наливают",
        "prishli-rabotat-k-klientu-a-tam-banket",
        SENTENCE,
    ),
    Case(
        "клиент зовёт выпить на празднике во время работы",
        "prishli-rabotat-k-klientu-a-tam-banket",
        SENTENCE,
    ),
    Case("pfrfpxbr ghfplyetn", "prishli-rabotat-k-klientu-a-tam-banket", LAYOUT),
    # The printer after a firmware update.
    Case(
        "после обновления прошивки принтер не печатает",
        "posle-pereproshivki-po-prosbe-klienta-slomalsya-printer",
        SENTENCE,
    ),
    Case("ghbynth ckjvfkcz", "posle-pereproshivki-po-prosbe-klienta-slomalsya-printer", LAYOUT),
    Case(
        "перепрошыли прентер и он не работает",
        "posle-pereproshivki-po-prosbe-klienta-slomalsya-printer",
        TYPOS,
    ),
    # Expectations.
    Case(
        "клиент хочет больше чем было в договоре",
        "neobosnovanno-zavyshennye-ozhidaniya-klienta",
        SENTENCE,
    ),
    Case("заказчик ждёт от нас чудес", "neobosnovanno-zavyshennye-ozhidaniya-klienta", ABSENT),
    # Conflict inside the client.
    Case(
        "у клиента бухгалтерия и директор хотят от нас разного",
        "konflikt-interesov-vnutri-klienta",
        SENTENCE,
    ),
    Case(
        "отделы заказчика ругаются между собой из-за проекта",
        "konflikt-interesov-vnutri-klienta",
        ABSENT,
    ),
    Case("rjyakbrn dyenhb rkbtynf", "konflikt-interesov-vnutri-klienta", LAYOUT),
    # Our people's mistakes.
    Case(
        "наш инженер накосячил у клиента, как исправлять",
        "ispravlenie-oshibok-nashih-sotrudnikov",
        SENTENCE,
    ),
    Case("коллега напортачил, надо переделывать", "ispravlenie-oshibok-nashih-sotrudnikov", ABSENT),
    # Arrived at a bad time.
    Case(
        "приехал к клиенту а ему некогда",
        "specialist-priehal-v-neudobnoe-dlya-klienta-vremya",
        ABSENT,
    ),
    Case(
        "клиент не может сейчас принять нашего мастера",
        "specialist-priehal-v-neudobnoe-dlya-klienta-vremya",
        SENTENCE,
    ),
    Case(
        "специалст приехал в неудобное вримя",
        "specialist-priehal-v-neudobnoe-dlya-klienta-vremya",
        TYPOS,
    ),
    # Promised the impossible.
    Case(
        "менеджер по продажам наобещал клиенту невозможного",
        "pri-prodazhe-klientu-poobeshali-nevypolnimoe",
        SENTENCE,
    ),
    Case(
        "продажник пообещал то, чего мы не умеем",
        "pri-prodazhe-klientu-poobeshali-nevypolnimoe",
        ABSENT,
    ),
    Case("j,tofkb ytdjpvj;yjt", "pri-prodazhe-klientu-poobeshali-nevypolnimoe", LAYOUT),
    # Rudeness.
    Case(
        "клиент оскорбляет наших ребят, стоит ли с ним работать дальше",
        "grubyj-klient-povod-otkazatsya-ot-kontrakta",
        SENTENCE,
    ),
    Case(
        "заказчик матерится и хамит сотрудникам",
        "grubyj-klient-povod-otkazatsya-ot-kontrakta",
        SENTENCE,
    ),
    Case("бухгалтер клиента нахамила", "grubyj-klient-povod-otkazatsya-ot-kontrakta", ABSENT),
    Case("uhe,sq rkbtyn", "grubyj-klient-povod-otkazatsya-ot-kontrakta", LAYOUT),
    Case("грубиян заказчек хамит", "grubyj-klient-povod-otkazatsya-ot-kontrakta", TYPOS),
    # Rules and principles, asked as questions.
    Case(
        "клиент выбирает плохое решение, спорить с ним или нет",
        "nastoyat-na-svoem-esli-znaesh-kak-klientu-luchshe",
        SENTENCE,
    ),
    Case(
        "надо ли заранее предупреждать клиента о рисках проекта",
        "proschityvat-riski-i-raskryvat-ih-klientu",
        SENTENCE,
    ),
    Case(
        "мы облажались, признаваться клиенту или тихо исправить",
        "priznat-oshibku-i-dovesti-proekt-do-konca",
        SENTENCE,
    ),
    Case(
        "копеечный заказ, стоит ли вообще стараться",
        "udelyat-odinakovoe-vnimanie-malym-i-krupnym-proektam",
        SENTENCE,
    ),
    Case(
        "из-за технического сбоя подвели важного клиента по срокам",
        "sorvali-sroki-vip-zakaza-iz-za-tehnicheskoj-zaminki",
        SENTENCE,
    ),
    Case("мшз заказ сорван", "sorvali-sroki-vip-zakaza-iz-za-tehnicheskoj-zaminki", LAYOUT),
    Case(
        "клиентка жалуется после каждой поездки",
        "aviakompaniya-rasstalas-s-hronicheskoj-zhalobshicej",
        SENTENCE,
    ),
    Case(
        "вечно недовольный жалобщик, как с ним расстаться",
        "aviakompaniya-rasstalas-s-hronicheskoj-zhalobshicej",
        SENTENCE,
    ),
    Case("клиент долго выговаривается, перебивать его?", "umenie-slushat-terpenie", ABSENT),
    Case("предложить клиенту несколько вариантов на выбор", "predostavlenie-vybora", SENTENCE),
    Case("как быстро надо отвечать на обращение клиента", "operativnost", SENTENCE),
    Case("выгодная сделка, но пострадает репутация компании", "reputaciya-dorozhe-deneg", SENTENCE),
    Case(
        "клиента передали другому менеджеру и он рассказывает всё заново",
        "preemstvennost-peredacha-informacii-mezhdu-podrazdeleniyami",
        SENTENCE,
    ),
    Case(
        "клиент унижает меня, должен ли я терпеть",
        "sohranenie-sobstvennogo-dostoinstva",
        SENTENCE,
    ),
    Case(
        "клиент просит бесплатно сделать сверх договора",
        "klientoorientirovannost-bez-zhertv",
        SENTENCE,
    ),
    Case(
        "cnjbn kb cjukfifnmcz yf dct ghjcm,s rkbtynf",
        "klientoorientirovannost-bez-zhertv",
        LAYOUT,
    ),
    Case(
        "откуда взялась фраза что клиент всегда прав",
        "otkuda-poshlo-vyrazhenie-klient-vsegda-prav",
        SENTENCE,
    ),
]


@dataclass
class Report:
    total: int
    top1: int
    top3: int
    misses: list[tuple[Case, list[str]]]
    by_shape: dict[str, tuple[int, int, int]]  # shape → (queries, top-1, top-3)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total


def evaluate(cases: list[Case] = CASES) -> Report:
    """Search each case's query as the API does and see where its entry comes."""
    top1 = top3 = 0
    misses = []
    counts: Counter = Counter()
    for case in cases:
        slugs = [hit.document.entry.slug for hit in search.search(case.query, per_page=3).hits]
        counts[case.shape, "all"] += 1
        if slugs[:1] == [case.slug]:
            top1 += 1
            counts[case.shape, "top1"] += 1
        if case.slug in slugs:
            top3 += 1
            counts[case.shape, "top3"] += 1
        else:
            misses.append((case, slugs))
    shapes = dict.fromkeys(case.shape for case in cases)
    by_shape = {s: (counts[s, "all"], counts[s, "top1"], counts[s, "top3"]) for s in shapes}
    return Report(len(cases), top1, top3, misses, by_shape)


def run(write: Callable[[str], None], cases: list[Case] = CASES) -> Report:
    report = evaluate(cases)
    write(
        f"{report.total} queries: top-1 {report.top1}/{report.total} "
        f"({report.top1_rate:.0%}), top-3 {report.top3}/{report.total} ({report.top3_rate:.0%})"
    )
    for shape, (count, first, three) in report.by_shape.items():
        write(f"  {shape:<13} {count:3} queries   top-1 {first:3}   top-3 {three:3}")
    if report.misses:
        write("Not in the top 3:")
        for case, slugs in report.misses:
            write(f"  «{case.query}» → expected {case.slug}; got {', '.join(slugs) or 'nothing'}")
    return report
