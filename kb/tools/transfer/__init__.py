"""Export and import of the whole knowledge base.

The JSON document is lossless: sources, entries of every kind with all their fields (status,
owner by username, review dates, number, place in the source, seed bookkeeping, creation and
update times, views), their steps with anchors in order, a situation's signals, phrases and
hand-over, tags, "basis", "examples" and "see also" links by slug, and synonym groups. Import
validates the whole document first and reports every problem with its place in the file, then
applies everything in one transaction: entries and sources are created or updated by slug;
whatever the knowledge base holds and the file does not is kept.
"""

from kb.tools.transfer.apply import ImportReport, import_knowledge_base
from kb.tools.transfer.export import ExportError, export_json, export_markdown, write_atomically
from kb.tools.transfer.validation import ImportInvalid, line_numbers

__all__ = [
    "ExportError",
    "ImportInvalid",
    "ImportReport",
    "export_json",
    "export_markdown",
    "import_knowledge_base",
    "line_numbers",
    "write_atomically",
]
