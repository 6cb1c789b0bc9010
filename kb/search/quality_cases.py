"""More queries for the search quality report (`kb.tools.search_quality`), by category.

Written from the situations as staff live them, before any result was looked at: Latin
transliteration from phones without a Russian keyboard, the keyboard left in the other layout,
phone typos (a neighbouring key, a dropped letter), real words no entry uses, paraphrases that
share no word with the entry, questions wrapped in discourse words, dictated sentences without
punctuation, and terse one-word queries. Each row is (query, expected entry's slug, category).
"""

TRANSLIT = "transliteration"
LAYOUT = "wrong layout"
TYPOS = "phone typos"
UNSEEN = "unseen words"
PARAPHRASE = "paraphrases"
QUESTION = "questions"
DICTATED = "dictated sentences"
TERSE = "terse one-word"

ISTERIKA = "klient-vpal-v-isteriku"
UMER = "klient-umer"
PROPAL = "nash-sotrudnik-propal-po-doroge-k-klientu"
PRINTER = "posle-pereproshivki-po-prosbe-klienta-slomalsya-printer"
BANKET = "prishli-rabotat-k-klientu-a-tam-banket"
GRUBYJ = "grubyj-klient-povod-otkazatsya-ot-kontrakta"
OBESHALI = "pri-prodazhe-klientu-poobeshali-nevypolnimoe"
PRODALI = "prodali-klientu-programmnyj-produkt-kotoryj-u-nego-uzhe-est"
OZHIDANIYA = "neobosnovanno-zavyshennye-ozhidaniya-klienta"
KONFLIKT = "konflikt-interesov-vnutri-klienta"
OSHIBKI = "ispravlenie-oshibok-nashih-sotrudnikov"
SROKI = "klient-sryvaet-sroki-so-svoim-subpodryadchikom"
NEUDOBNO = "specialist-priehal-v-neudobnoe-dlya-klienta-vremya"
DVA_OTDELA = "v-baze-klienta-rabotayut-srazu-dva-nashih-podrazdeleniya"
MENYAET = "klient-postoyanno-menyaet-sposoby-dostizheniya-celi"
REPUTACIYA = "reputaciya-dorozhe-deneg"
UVAZHENIE = "uvazhenie-vezhlivost-korrektnost"
ZHALOBSHICA = "aviakompaniya-rasstalas-s-hronicheskoj-zhalobshicej"
BEZ_ZHERTV = "klientoorientirovannost-bez-zhertv"
PRIZNAT = "priznat-oshibku-i-dovesti-proekt-do-konca"
PRAV = "otkuda-poshlo-vyrazhenie-klient-vsegda-prav"
RISKI = "proschityvat-riski-i-raskryvat-ih-klientu"

ROWS = [
    # Transliteration: Russian sounds in Latin letters.
    ("klient krichit", ISTERIKA, TRANSLIT),
    ("klient v isterike", ISTERIKA, TRANSLIT),
    ("zakazchik oret na menya", ISTERIKA, TRANSLIT),
    ("klient umer", UMER, TRANSLIT),
    ("umer direktor zakazchika", UMER, TRANSLIT),
    ("sotrudnik propal", PROPAL, TRANSLIT),
    ("master ne vykhodit na svyaz", PROPAL, TRANSLIT),
    ("slomalsya printer posle proshivki", PRINTER, TRANSLIT),
    ("pereproshili printer", PRINTER, TRANSLIT),
    ("poobeshchali nevypolnimoe", OBESHALI, TRANSLIT),
    ("menedzher naobeschal klientu", OBESHALI, TRANSLIT),
    ("grubyj klient", GRUBYJ, TRANSLIT),
    ("klient khamit", GRUBYJ, TRANSLIT),
    ("reputaciya", REPUTACIYA, TRANSLIT),
    ("uvazhenie k klientu", UVAZHENIE, TRANSLIT),
    ("korporativ u klienta", BANKET, TRANSLIT),
    ("zavyshennye ozhidaniya", OZHIDANIYA, TRANSLIT),
    ("oshibka nashego sotrudnika", OSHIBKI, TRANSLIT),
    ("konflikt vnutri klienta", KONFLIKT, TRANSLIT),
    ("subpodryadchik sorval sroki", SROKI, TRANSLIT),
    ("prodali programmu povtorno", PRODALI, TRANSLIT),
    ("khronicheskaya zhalobshchica", ZHALOBSHICA, TRANSLIT),
    ("operativnost'", "operativnost", TRANSLIT),
    ("chestnost' s klientom", "chestnost-i-otkrytost", TRANSLIT),
    ("dva nashikh otdela u odnogo klienta", DVA_OTDELA, TRANSLIT),
    # The keyboard left in the Latin layout.
    ("gthtghjibdrf", PRINTER, LAYOUT),
    ("ljdthbt", "doverie", LAYOUT),
    ("xtcnyjcnm c rkbtynjv", "chestnost-i-otkrytost", LAYOUT),
    ("rjhgjhfnbd", BANKET, LAYOUT),
    ("pfrfpxbr jhtn", ISTERIKA, LAYOUT),
    ("jgthfnbdyjcnm", "operativnost", LAYOUT),
    ("ghtljcnfdktybt ds,jhf", "predostavlenie-vybora", LAYOUT),
    ("eks,rf", "ulybka-i-pozitiv", LAYOUT),
    ("ckeifnm rkbtynf", "umenie-slushat-terpenie", LAYOUT),
    ("ljcnjbycndj", "sohranenie-sobstvennogo-dostoinstva", LAYOUT),
    ("rkbtyn crjyxfkcz", UMER, LAYOUT),
    ("[fvcndj", GRUBYJ, LAYOUT),
    # Typos of a phone keyboard: a neighbouring key, a letter dropped or doubled.
    ("клиент умкр", UMER, TYPOS),
    ("клиент в истерикн", ISTERIKA, TYPOS),
    ("сломался пинтер", PRINTER, TYPOS),
    ("сотрудник проапл", PROPAL, TYPOS),
    ("завышеные ожидания", OZHIDANIYA, TYPOS),
    ("конфоикт в компании клиента", KONFLIKT, TYPOS),
    ("репутауия", REPUTACIYA, TYPOS),
    ("оперативеость", "operativnost", TYPOS),
    ("грубвй клиент", GRUBYJ, TYPOS),
    ("прдали повторно програму", PRODALI, TYPOS),
    ("банкнт у клиента", BANKET, TYPOS),
    ("субподрядчик сорвал срокм", SROKI, TYPOS),
    # Real words no entry uses.
    ("наладчик приехал а клиенту некогда", NEUDOBNO, UNSEEN),
    ("компьютерщик пропал", PROPAL, UNSEEN),
    ("фуршет у клиента", BANKET, UNSEEN),
    ("пьянка у заказчика", BANKET, UNSEEN),
    ("заказчик рыдает", ISTERIKA, UNSEEN),
    ("клиент ругается матом", GRUBYJ, UNSEEN),
    ("кончина директора заказчика", UMER, UNSEEN),
    ("монтёр не приехал и не отвечает", PROPAL, UNSEEN),
    ("программист напортачил", OSHIBKI, UNSEEN),
    ("купили дубликат лицензии", PRODALI, UNSEEN),
    ("принтер накрылся после прошивки", PRINTER, UNSEEN),
    ("вымогает бесплатные доработки", BEZ_ZHERTV, UNSEEN),
    ("кляузник пишет жалобы после каждого полёта", ZHALOBSHICA, UNSEEN),
    # Paraphrases sharing no word with the entry.
    ("заказчик визжит в трубку", ISTERIKA, PARAPHRASE),
    ("покупатель ушёл из жизни", UMER, PARAPHRASE),
    ("работник не отвечает на звонки и не приехал", PROPAL, PARAPHRASE),
    ("печатающее устройство не включается после обновления", PRINTER, PARAPHRASE),
    ("хочет невозможного", OZHIDANIYA, PARAPHRASE),
    ("в фирме заказчика каждый тянет одеяло на себя", KONFLIKT, PARAPHRASE),
    ("наш человек накосячил на объекте", OSHIBKI, PARAPHRASE),
    ("пришёл а у них застолье", BANKET, PARAPHRASE),
    ("держать слово", "ispolnitelnost-vypolnenie-obeshanij-i-dogovorennostej", PARAPHRASE),
    ("дать человеку выговориться", "umenie-slushat-terpenie", PARAPHRASE),
    ("имидж фирмы важнее заработка", REPUTACIYA, PARAPHRASE),
    ("быстро отвечать на письма", "operativnost", PARAPHRASE),
    ("дать заказчику альтернативы", "predostavlenie-vybora", PARAPHRASE),
    ("не прогибаться под хамство", "sohranenie-sobstvennogo-dostoinstva", PARAPHRASE),
    ("предупредить заранее о возможных проблемах", RISKI, PARAPHRASE),
    ("сделать больше чем сказали", "obeshat-menshe-delat-bolshe", PARAPHRASE),
    ("не бросать проект после промаха", PRIZNAT, PARAPHRASE),
    # Questions, wrapped in discourse words.
    ("что делать если клиент кричит", ISTERIKA, QUESTION),
    ("как быть если умер клиент", UMER, QUESTION),
    ("подскажите что делать если сотрудник пропал", PROPAL, QUESTION),
    ("что сказать если клиент рыдает", ISTERIKA, QUESTION),
    ("как извиниться перед клиентом за нашу ошибку", PRIZNAT, QUESTION),
    ("можно ли пить на корпоративе у клиента", BANKET, QUESTION),
    ("как отказать клиенту в бесплатной работе", BEZ_ZHERTV, QUESTION),
    ("что делать если принтер сломался после перепрошивки", PRINTER, QUESTION),
    ("как себя вести если клиент хамит???", GRUBYJ, QUESTION),
    ("почему клиент всегда недоволен", "dve-prichiny-nedovolstva-klienta", QUESTION),
    ("кто придумал что клиент всегда прав", PRAV, QUESTION),
    ("нужно ли говорить клиенту о рисках", RISKI, QUESTION),
    ("ну короче клиент опять меняет задачу, как быть", MENYAET, QUESTION),
    ("подскажите, продали лишнюю лицензию, что делать?", PRODALI, QUESTION),
    ("КАК ЖЕ БЫТЬ ЕСЛИ ЗАКАЗЧИК ОРЁТ!!! 😡", ISTERIKA, QUESTION),
    # Dictated: long, no punctuation, spoken word order.
    ("у нас тут такая ситуация клиент позвонил и орёт на нас", ISTERIKA, DICTATED),
    ("короче приехал я к заказчику а у них там праздник все выпивают", BANKET, DICTATED),
    ("наш монтажник с утра не отвечает и на объект так и не доехал", PROPAL, DICTATED),
    ("заказчик говорит что мы обещали сделать то что сделать невозможно", OBESHALI, DICTATED),
    (
        "клиент просит ещё одну доработку бесплатно хотя в договоре этого нет",
        BEZ_ZHERTV,
        DICTATED,
    ),
    ("два наших отдела работают у одного клиента и звонят ему по очереди", DVA_OTDELA, DICTATED),
    ("мы перепрошили принтер как просил клиент и теперь он не печатает", PRINTER, DICTATED),
    ("у заказчика умер генеральный директор как нам себя вести", UMER, DICTATED),
    # Terse: one word.
    ("истерика", ISTERIKA, TERSE),
    ("смерть", UMER, TERSE),
    ("пропал", PROPAL, TERSE),
    ("принтер", PRINTER, TERSE),
    ("банкет", BANKET, TERSE),
    ("хамство", GRUBYJ, TERSE),
    ("репутация", REPUTACIYA, TERSE),
    ("доверие", "doverie", TERSE),
    ("улыбка", "ulybka-i-pozitiv", TERSE),
    ("оперативность", "operativnost", TERSE),
    ("субподрядчик", SROKI, TERSE),
    ("жалобщица", ZHALOBSHICA, TERSE),
    ("достоинство", "sohranenie-sobstvennogo-dostoinstva", TERSE),
    ("риски", RISKI, TERSE),
    ("уважение", UVAZHENIE, TERSE),
]
