"""PostgreSQL: keep each document's `search_vector` in the table row, not in TOAST.

With the default storage (`EXTENDED`) a row holding the document's texts is too long for a
page's share, and PostgreSQL moves its largest value out of line first: the vector, about
1.8 kB at the benchmark's entries. Every `ts_rank`, every weighted `@@` then fetched it from the
TOAST table through its index, once per call: a ranking over 6,000 matches (four words, each
scored and tested) read 137,000 buffers and took 120 ms at 10,000 entries. `MAIN` moves the
texts out of line instead (only the snippets read them, ten rows a search) and leaves the
vector in the row unless the row is still longer than a page: 2,900 buffers, 42 ms (both at a
load average of 4). The stored vectors are rewritten so that they move too.
"""

from django.db import migrations


def storage(kind: str, apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE kb_searchdocument ALTER COLUMN search_vector SET STORAGE {kind}"
        )
        # A new value (concatenating nothing) is stored by the column's new rule.
        schema_editor.execute(
            "UPDATE kb_searchdocument SET search_vector = search_vector || ''::tsvector"
            " WHERE search_vector IS NOT NULL"
        )


def inline(apps, schema_editor) -> None:
    storage("MAIN", apps, schema_editor)


def extended(apps, schema_editor) -> None:
    storage("EXTENDED", apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0012_scale21c_tag_counts"),
    ]

    operations = [migrations.RunPython(inline, extended)]
