"""PostgreSQL: a Russian text search configuration that keeps PostgreSQL's stop words.

The built-in `russian` configuration drops some 150 words, among them ones staff search by
(«два», «один», «другой», «после», «больше», «нельзя»), which SQLite's index keeps: a query
holding them found less on PostgreSQL. `pravila_russian` stems Russian words with the same
Snowball stemmer and drops nothing (the query side leaves out its own short list of stop words,
kb/search/russian.py). The existing vectors are rebuilt with it.
"""

from django.db import migrations

CREATE = """
CREATE TEXT SEARCH DICTIONARY pravila_russian_stem (TEMPLATE = snowball, LANGUAGE = russian);
CREATE TEXT SEARCH CONFIGURATION pravila_russian (COPY = russian);
ALTER TEXT SEARCH CONFIGURATION pravila_russian
    ALTER MAPPING FOR word, hword, hword_part WITH pravila_russian_stem;
"""
DROP = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS pravila_russian;
DROP TEXT SEARCH DICTIONARY IF EXISTS pravila_russian_stem;
"""


def vector(config: str) -> str:
    fields = (("title", "A"), ("phrases", "A"), ("summary", "B"), ("steps", "B"),
              ("tags", "B"), ("body", "C"))  # fmt: skip
    return " || ".join(
        f"setweight(to_tsvector('{config}', translate(lower({f}), 'ё', 'е')), '{w}')"
        for f, w in fields
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        new = vector("pravila_russian")
        schema_editor.execute(f"UPDATE kb_searchdocument SET search_vector = {new}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE kb_searchdocument SET search_vector = {vector('russian')}")
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0009_entry_popular_idx"),
    ]

    operations = [migrations.RunPython(create, drop)]
