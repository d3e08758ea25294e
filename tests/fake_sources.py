"""Fake arXiv, OpenReview, Semantic Scholar and GitHub (repositories) APIs for FakeServer, answering in each
API's documented format.

Each holds the papers it knows and a queue of scripted answers (`then`) given before the normal ones, for the
failure cases: throttling, garbage, timeouts, an XML bomb.
"""

import json
import re
from collections import deque
from contextlib import contextmanager
from html import escape
from urllib.parse import parse_qs, urlsplit

from tests.fake_http import Answer, FakeServer

ARXIV_PATH = "/api/query"
ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$")

# Papers as the three sources describe them.
ABSTRACT = (
    "We train sparse autoencoders on the residual stream of a language model and find features that are "
    "interpretable, monosemantic and causally relevant to the model's outputs across many prompts."
)
ARXIV_PAPERS = {
    "2403.00745": {
        "title": "Sparse Autoencoders Find Highly Interpretable Features in Language Models Across Many Layers",
        "authors": ["Hoagy Cunningham", "Aidan Ewart", "Logan Riggs", "Robert Huben", "Lee Sharkey"],
        "abstract": ABSTRACT,
        "published": "2024-03-01",
        "version": 3,
        "doi": "10.48550/arXiv.2403.00745",
        "category": "cs.LG",
    },
    "hep-th/9901001": {
        "title": "An old-style identifier",
        "authors": ["Ann Old"],
        "abstract": "Short.",
        "published": "1999-01-04",
        "category": "hep-th",
    },
}

NOTES = {
    "Abc123XyZ": {
        "title": "Towards Monosemanticity:\n  Decomposing Language Models",
        "authors": ["Trenton Bricken", "Adly Templeton"],
        "authorids": ["~Trenton_Bricken1", "~Adly_Templeton1"],
        "abstract": "Dictionary learning\non a one-layer transformer.",
        "venue": "ICLR 2024 poster",
        "pdf": "/pdf/0123abcd.pdf",
        "pdate": 1705000000000,
    }
}

S2_PAPERS = {
    "ARXIV:2403.00745": {
        "paperId": "f1e2d3",
        "externalIds": {"ArXiv": "2403.00745", "DOI": "10.48550/arXiv.2403.00745", "CorpusId": 1},
        "title": "Sparse Autoencoders Find Highly Interpretable Features",
        "abstract": "An abstract.",
        "publicationDate": "2023-09-15",
        "year": 2023,
        "citationCount": 412,
        "authors": [{"authorId": "1", "name": "Hoagy Cunningham"}, {"authorId": "2", "name": "Aidan Ewart"}],
    },
    "DOI:10.1000/xyz": {
        "paperId": "a1b2c3",
        "externalIds": {"DOI": "10.1000/xyz"},
        "title": "A journal paper",
        "abstract": None,
        "publicationDate": None,
        "year": 2021,
        "citationCount": 3,
        "authors": [],
    },
}

XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol4;</title></entry></feed>"""


def wrap(text, width=70, indent="  "):
    """`text` hard-wrapped as arXiv sends titles and abstracts."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return f"\n{indent}".join(lines)


class Scripted:
    def __init__(self):
        self.then = deque()

    def __call__(self, request):
        if self.then:
            return self.then.popleft()
        return self.answer(request)


class FakeArxiv(Scripted):
    """`papers` maps an id to its fields: title, authors, abstract, published, version, doi, category."""

    def __init__(self, papers):
        super().__init__()
        self.papers = papers

    def answer(self, request):
        if urlsplit(request.path).path != ARXIV_PATH:
            return Answer(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>")
        query = parse_qs(urlsplit(request.path).query)
        ids = query.get("id_list", [""])[0].split(",")
        malformed = [identifier for identifier in ids if not ARXIV_ID.match(identifier)]
        if malformed:
            return Answer(200, {"Content-Type": "application/atom+xml"}, feed([error_entry(malformed[0])]))
        entries = [paper_entry(identifier, self.papers[identifier]) for identifier in ids if identifier in self.papers]
        limit = int(query.get("max_results", ["10"])[0])
        return Answer(200, {"Content-Type": "application/atom+xml; charset=utf-8"}, feed(entries[:limit]))


def feed(entries):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        '  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>\n'
        '  <title type="html">ArXiv Query: id_list</title>\n'
        "  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>\n"
        "  <updated>2024-05-01T00:00:00-04:00</updated>\n"
        f'  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}'
        "</opensearch:totalResults>\n" + "".join(entries) + "</feed>\n"
    ).encode()


def error_entry(identifier):
    anchor = f"http://arxiv.org/api/errors#incorrect_id_format_for_{escape(identifier)}"
    return (
        f"  <entry>\n    <id>{anchor}</id>\n    <title>Error</title>\n"
        f"    <summary>incorrect id format for {escape(identifier)}</summary>\n"
        "    <updated>2024-05-01T00:00:00-04:00</updated>\n"
        f'    <link href="{anchor}" rel="alternate" type="text/html"/>\n'
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n"
    )


def paper_entry(identifier, paper):
    versioned = f"{identifier}v{paper.get('version', 1)}"
    authors = "".join(
        f"    <author>\n      <name>{escape(name)}</name>\n"
        '      <arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom">Some Lab</arxiv:affiliation>\n'
        "    </author>\n"
        for name in paper["authors"]
    )
    doi = (
        f'    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{paper["doi"]}</arxiv:doi>\n'
        if paper.get("doi")
        else ""
    )
    category = paper.get("category", "cs.LG")
    return (
        f"  <entry>\n    <id>http://arxiv.org/abs/{versioned}</id>\n"
        "    <updated>2024-05-02T17:59:59Z</updated>\n"
        f"    <published>{paper['published']}T17:59:59Z</published>\n"
        f"    <title>{escape(wrap(paper['title']))}</title>\n"
        f"    <summary>  {escape(wrap(paper['abstract']))}\n</summary>\n"
        + authors
        + doi
        + f'    <link href="http://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>\n'
        f'    <link title="pdf" href="http://arxiv.org/pdf/{versioned}" rel="related" type="application/pdf"/>\n'
        f'    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{category}" '
        'scheme="http://arxiv.org/schemas/atom"/>\n'
        f'    <category term="{category}" scheme="http://arxiv.org/schemas/atom"/>\n'
        "  </entry>\n"
    )


class FakeOpenReview(Scripted):
    """`notes` maps a note id to its content fields (title, authors, abstract, venue) and `pdate` in ms."""

    def __init__(self, notes):
        super().__init__()
        self.notes = notes

    def answer(self, request):
        parts = urlsplit(request.path)
        identifier = parse_qs(parts.query).get("id", [""])[0]
        if parts.path != "/notes" or not identifier:
            return json_answer(400, {"name": "ValidationError", "message": "Bad request", "status": 400})
        if identifier not in self.notes:
            message = f"The Note {identifier} was not found"
            return json_answer(404, {"name": "NotFoundError", "message": message, "status": 404})
        fields = dict(self.notes[identifier])
        pdate = fields.pop("pdate", None)
        note = {
            "id": identifier,
            "forum": identifier,
            "invitations": ["ICLR.cc/2024/Conference/-/Submission"],
            "content": {name: {"value": value} for name, value in fields.items()},
            "cdate": 1695000000000,
            "pdate": pdate,
            "odate": 1697000000000,
            "mdate": 1700000000000,
        }
        return json_answer(200, {"notes": [note], "count": 1})


class FakeSemanticScholar(Scripted):
    """`papers` maps `ARXIV:id` / `DOI:doi` to a paper as the Graph API returns it."""

    def __init__(self, papers):
        super().__init__()
        self.papers = papers

    def answer(self, request):
        parts = urlsplit(request.path)
        if request.command != "POST" or parts.path != "/paper/batch":
            return json_answer(404, {"error": "Not found"})
        try:
            ids = json.loads(request.body)["ids"]
        except (ValueError, KeyError):
            return json_answer(400, {"error": "Unacceptable request body"})
        fields = parse_qs(parts.query).get("fields", ["title"])[0].split(",")
        return json_answer(200, [self.shape(self.papers.get(identifier), fields) for identifier in ids])

    @staticmethod
    def shape(paper, fields):
        if paper is None:
            return None
        return {"paperId": paper["paperId"], **{name: paper.get(name) for name in fields}}


REPO = {"stargazers_count": 1234, "archived": False, "pushed_at": "2024-05-06T07:08:09Z"}


def repo_json(full_name, **fields):
    return json.dumps({**REPO, "full_name": full_name, **fields}).encode()


class FakeGitHubRepos:
    """GitHub's `GET /repos/{owner}/{name}` for a few repositories of `lab`, scripted by path; `limits` holds a
    (status, headers) answer given once before the normal one."""

    def __init__(self):
        self.limits = {}

    def __call__(self, request):
        path = request.path
        if path in self.limits:
            status, headers = self.limits.pop(path)
            return Answer(status, headers, b'{"message": "API rate limit exceeded"}')
        if path == "/repos/lab/tool":
            if request.headers.get("If-None-Match") == '"v1"':
                return Answer(304, {"ETag": '"v1"'})
            return Answer(200, {"ETag": '"v1"', "X-RateLimit-Remaining": "59"}, repo_json("lab/tool"))
        if path == "/repos/lab/old-name":
            return Answer(301, {"Location": "/repositories/42"}, b'{"message": "Moved Permanently"}')
        if path == "/repositories/42":
            return Answer(200, {"ETag": '"v9"'}, repo_json("lab/new-name", archived=True, stargazers_count=7))
        if path == "/repos/lab/later":
            return Answer(200, {}, repo_json("lab/later", stargazers_count=1))
        return Answer(404, {}, b'{"message": "Not Found"}')


def json_answer(status, data, headers=None):
    return Answer(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode())


class Sources:
    """The three fake sources running at once, the settings pointing at them."""

    def __init__(self, arxiv, openreview, semantic_scholar):
        self.arxiv, self.openreview, self.semantic_scholar = arxiv, openreview, semantic_scholar


@contextmanager
def fake_sources(settings, *, arxiv_papers=None, notes=None, s2_papers=None):
    with (
        FakeServer(FakeArxiv(dict(arxiv_papers or {}))) as arxiv,
        FakeServer(FakeOpenReview(dict(notes or {}))) as openreview,
        FakeServer(FakeSemanticScholar(dict(s2_papers or {}))) as semantic_scholar,
    ):
        for server in (arxiv, openreview, semantic_scholar):
            server.fake = server.route
        settings.CATALOG_ARXIV_API_URL = arxiv.base + ARXIV_PATH
        settings.CATALOG_OPENREVIEW_API_URL = openreview.base
        settings.CATALOG_SEMANTIC_SCHOLAR_API_URL = semantic_scholar.base
        yield Sources(arxiv, openreview, semantic_scholar)
