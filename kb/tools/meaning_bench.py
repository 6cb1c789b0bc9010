"""What the semantic layer costs a process, behind `manage.py bench_meaning`: the resident
memory and time of loading the navec vectors (once per process, on the first query that needs
them), of the index's word vectors and entries' vectors, of the thesaurus's index
(kb/search/thesaurus.py), and of a query by meaning once loaded."""

import resource
import time
from collections.abc import Callable

from kb.search import meaning, semantic, thesaurus

QUERIES = ("фуршет", "компьютерщик", "рыдает", "имидж", "заказчик", "пьянка")


def resident_mb() -> float:
    """The process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(write: Callable[[str], None]) -> dict[str, float]:
    from kb.search import spelling
    from kb.search.russian import is_dictionary_word

    # The lexicon and the Russian dictionary are loaded without the vectors too: not their cost.
    spelling.lexicon()
    is_dictionary_word("клиент")
    figures = {}
    before = resident_mb()
    started = time.perf_counter()
    loaded = meaning.model() is not None
    figures["load_s"] = time.perf_counter() - started
    figures["load_mb"] = resident_mb() - before
    if not loaded:
        write("navec vectors not found: the semantic layer is off.")
        return figures
    started = time.perf_counter()
    space = meaning.index_space()
    meaning.reference()
    figures["index_s"] = time.perf_counter() - started
    started = time.perf_counter()
    documents = semantic.document_space()
    figures["documents_s"] = time.perf_counter() - started
    mark = resident_mb()
    started = time.perf_counter()
    has_thesaurus = thesaurus.thesaurus() is not None
    figures["thesaurus_s"] = time.perf_counter() - started
    figures["thesaurus_mb"] = resident_mb() - mark
    figures["total_mb"] = resident_mb() - before
    times = []
    for word in QUERIES * 5:
        started = time.perf_counter()
        meaning.neighbours(word)
        times.append((time.perf_counter() - started) * 1000)
    figures["query_ms"] = sorted(times)[len(times) // 2]
    times = []
    for word in QUERIES:
        started = time.perf_counter()
        thesaurus.related(word)
        times.append((time.perf_counter() - started) * 1000)
    figures["related_ms"] = sorted(times)[len(times) // 2]
    write(f"navec file: {meaning.model_path()}")
    write(f"vectors loaded in {figures['load_s']:.2f} s, +{figures['load_mb']:.0f} MB resident")
    write(
        f"index words' vectors ({len(space.words) if space else 0} words) and "
        f"{meaning.REFERENCE_WORDS:,} reference words' built in "
        f"{figures['index_s']:.2f} s"
    )
    write(
        f"entries' vectors ({len(documents.ids) if documents else 0} entries) built in "
        f"{figures['documents_s']:.2f} s"
    )
    write(f"semantic layer in all (vectors and thesaurus): +{figures['total_mb']:.0f} MB")
    if has_thesaurus:
        write(
            f"thesaurus indexed in {figures['thesaurus_s']:.2f} s, "
            f"+{figures['thesaurus_mb']:.0f} MB resident ({thesaurus.data_path()})"
        )
    else:
        write("wiki-ru-wordnet not found: the thesaurus is off.")
    write(f"a word's neighbours by meaning, once loaded: median {figures['query_ms']:.2f} ms")
    write(
        f"a word's relatives in the thesaurus, first look-up: median {figures['related_ms']:.2f} ms"
    )
    return figures
