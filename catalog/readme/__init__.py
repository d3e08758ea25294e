"""The README format: pure functions between markdown text and a Document tree (no Django)."""

from .document import NOT_AN_ENTRY, normalise_line_endings, parse, render, render_section, rendered_nodes
from .inline import RenderError, text_problem, url_problem
from .items import render_list_item, venue_note
from .rows import DEFAULT_TABLE_HEAD, render_paper_row, table_columns
from .tree import CRLF, ERROR, LF, WARNING, Document, Link, PaperRow, Problem, ResourceItem, Section, TableHead, Text

__all__ = [
    "CRLF",
    "LF",
    "normalise_line_endings",
    "DEFAULT_TABLE_HEAD",
    "ERROR",
    "NOT_AN_ENTRY",
    "WARNING",
    "Document",
    "Link",
    "PaperRow",
    "Problem",
    "RenderError",
    "ResourceItem",
    "Section",
    "TableHead",
    "Text",
    "parse",
    "render",
    "render_paper_row",
    "render_list_item",
    "render_section",
    "rendered_nodes",
    "table_columns",
    "text_problem",
    "url_problem",
    "venue_note",
]
