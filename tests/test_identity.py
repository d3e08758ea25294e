"""A paper's identity: one key for all the ways its URL is written, distinct keys for distinct papers."""

import pytest

from catalog.identity import normalise_url, paper_identity, reference


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2403.00745",
        "https://arxiv.org/abs/2403.00745v2",
        "https://arxiv.org/pdf/2403.00745",
        "https://arxiv.org/pdf/2403.00745v2",
        "https://arxiv.org/pdf/2403.00745v1.pdf",
        "http://www.arxiv.org/abs/2403.00745/",
        "https://ARXIV.org/abs/2403.00745#section-2",
        "https://export.arxiv.org/abs/2403.00745",
        "https://arxiv.org/html/2403.00745v3",
    ],
)
def test_every_arxiv_url_form_gives_the_arxiv_id(url):
    assert paper_identity(url) == "arxiv:2403.00745"


def test_old_style_and_five_digit_arxiv_ids():
    assert paper_identity("https://arxiv.org/abs/hep-th/9901001v3") == "arxiv:hep-th/9901001"
    assert paper_identity("https://arxiv.org/pdf/math.GT/0309136.pdf") == "arxiv:math.GT/0309136"
    assert paper_identity("https://arxiv.org/abs/2312.00752") == "arxiv:2312.00752"
    assert paper_identity("https://arxiv.org/abs/2312.0075") == "arxiv:2312.0075"


def test_different_arxiv_papers_differ():
    assert paper_identity("https://arxiv.org/abs/2403.00745") != paper_identity("https://arxiv.org/abs/2403.00746")


def test_openreview_forum_and_pdf_give_the_forum_id():
    forum = paper_identity("https://openreview.net/forum?id=F76bwRSLeK")
    assert forum == "openreview:F76bwRSLeK"
    assert paper_identity("https://openreview.net/pdf?id=F76bwRSLeK") == forum
    assert paper_identity("https://www.openreview.net/forum?id=F76bwRSLeK&noteId=abc") == forum
    assert paper_identity("https://openreview.net/forum?id=other") != forum


def test_other_urls_are_compared_normalised():
    same = [
        "https://transformer-circuits.pub/2023/monosemantic-features/index.html",
        "http://www.Transformer-Circuits.pub/2023/monosemantic-features/index.html#phenomenology",
        "https://transformer-circuits.pub/2023/monosemantic-features/index.html?utm_source=x&utm_medium=y",
        "https://transformer-circuits.pub:443/2023/monosemantic-features/index.html",
    ]
    assert {paper_identity(url) for url in same} == {
        "url:https://transformer-circuits.pub/2023/monosemantic-features/index.html"
    }


def test_normalising_keeps_what_tells_pages_apart():
    assert normalise_url("https://example.org/Post/") == "https://example.org/Post"
    assert normalise_url("https://example.org/page?id=3&ref=feed") == "https://example.org/page?id=3"
    assert normalise_url("https://example.org:8080/a") == "https://example.org:8080/a"
    assert paper_identity("https://example.org/page?id=3") != paper_identity("https://example.org/page?id=4")
    assert paper_identity("https://example.org/a") != paper_identity("https://example.org/b")


def test_a_port_out_of_range_is_kept_as_written():
    assert normalise_url("https://Example.org:99999/a/") == "https://example.org:99999/a"
    assert normalise_url("https://example.org:port/a") == "https://example.org:port/a"


def test_an_arxiv_listing_url_is_not_mistaken_for_a_paper():
    assert paper_identity("https://arxiv.org/list/cs.CL/recent") == "url:https://arxiv.org/list/cs.CL/recent"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2403.00745", ("arxiv", "2403.00745")),
        (" 2403.00745v2 ", ("arxiv", "2403.00745")),
        ("arXiv:2403.00745", ("arxiv", "2403.00745")),
        ("hep-th/9901001v1", ("arxiv", "hep-th/9901001")),
        ("https://arxiv.org/pdf/2403.00745v2.pdf", ("arxiv", "2403.00745")),
        ("https://openreview.net/forum?id=F76bwRSLeK", ("openreview", "F76bwRSLeK")),
        ("https://openreview.net/pdf?id=F76bwRSLeK", ("openreview", "F76bwRSLeK")),
        ("10.18653/v1/2023.acl-long.1", ("doi", "10.18653/v1/2023.acl-long.1")),
        ("doi:10.1000/xyz", ("doi", "10.1000/xyz")),
        ("https://doi.org/10.1038/s41586-024-07487-w", ("doi", "10.1038/s41586-024-07487-w")),
        ("https://dx.doi.org/10.1000%2Fxyz", ("doi", "10.1000/xyz")),
        ("https://example.org/post", None),
        ("https://openreview.net/group?id=ICLR.cc", None),
        ("sparse autoencoders", None),
        ("", None),
    ],
)
def test_a_pasted_reference_names_its_source_and_id(text, expected):
    assert reference(text) == expected
