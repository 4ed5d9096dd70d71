"""Reading what researchers have: PDF (a real one printed by Chromium, pages kept), Word,
HTML through the main-text extractor, other encodings, other languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import DependencyError, InputError
from graph.facts import DocumentInfo
from graph.readers.formats import page_of
from graph.reading import read_corpus, read_document

CHROMIUM = Path("/usr/bin/chromium")

# Three pages, one paragraph each; the first paragraph is long enough to wrap in the PDF.
PAGES = [
    "Officials in Jilin sent forty North Korean women back to North Korea in March 2021, "
    "Human Rights Watch said after speaking to relatives of the women at length.",
    "The relatives said China had held the women for several weeks in a detention centre "
    "in Tumen.",
    "The United Nations asked China to publish the number of people held.",
]


def print_pdf(html: str, folder: Path, name: str = "report.pdf") -> Path:
    """`html` printed to PDF by Debian's headless Chromium (as a researcher's PDF is made)."""
    assert CHROMIUM.exists(), "Debian's chromium is needed (apt-get install chromium)"
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    pdf = folder / name
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    page.unlink()
    return pdf


@pytest.fixture(scope="module")
def pdf_document(tmp_path_factory: pytest.TempPathFactory) -> DocumentInfo:
    folder = tmp_path_factory.mktemp("pdf")
    body = "".join(f'<div style="page-break-after:always"><p>{p}</p></div>' for p in PAGES)
    print_pdf("<!doctype html><html><head><meta charset='utf-8'><title>Field notes</title>"
              f"<style>body{{font-size:16pt}}</style></head><body>{body}</body></html>", folder)
    (document,) = read_corpus(folder).documents
    return document


@pytest.mark.browser
def test_formats_pdf_pages_and_verbatim_text(pdf_document: DocumentInfo) -> None:
    assert pdf_document.media_type == "application/pdf"
    assert pdf_document.title == "Field notes"
    assert len(pdf_document.pages) == 3
    for number, paragraph in enumerate(PAGES, 1):
        # lines the PDF wrapped inside a sentence are joined again: each paragraph is verbatim
        start = pdf_document.text.index(paragraph)
        assert page_of(pdf_document.pages, start) == number
        assert page_of(pdf_document.pages, start + len(paragraph) - 1) == number


@pytest.mark.browser
@pytest.mark.slow
def test_formats_pdf_quotes_are_verbatim_with_pages(pdf_document: DocumentInfo) -> None:
    """The extraction on a PDF: every evidence quote is the stored text at its offsets, and
    its page is where the sentence was printed."""
    from graph.extract import extract_document

    facts = extract_document(pdf_document)
    quotes = [m.evidence for m in facts.mentions]
    assert quotes, "the PDF gave no mention at all"
    for evidence in quotes:
        assert pdf_document.text[evidence.start:evidence.end] == evidence.quote
        page = page_of(pdf_document.pages, evidence.start)
        assert page is not None and evidence.quote in PAGES[page - 1]


@pytest.mark.browser
def test_formats_scanned_pdf_without_text_is_reported(tmp_path: Path) -> None:
    # a page that is only a drawing: no text layer, as in a scan
    print_pdf("<!doctype html><html><body><svg width='400' height='300'><rect width='300' "
              "height='200' fill='gray'/></svg></body></html>", tmp_path, "scan.pdf")
    (tmp_path / "note.txt").write_text("A note that reads fine.\n", encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["note.txt"]
    (problem,) = reading.problems
    assert problem.file == "scan.pdf" and "no text layer" in problem.reason


def test_formats_broken_pdf_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF")
    with pytest.raises(InputError, match=r"broken\.pdf: .*PDF"):
        read_document(tmp_path / "broken.pdf")


def test_formats_docx(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.core_properties.title = "Memo on transfers"
    word.add_heading("Memo on transfers", 1)
    word.add_paragraph("Guards moved nine detainees to the border post in May 2022, a "
                       "lawyer said.")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Held since spring."
    word.save(str(tmp_path / "memo.docx"))
    document = read_document(tmp_path / "memo.docx")
    assert document.title == "Memo on transfers"
    assert "Guards moved nine detainees to the border post in May 2022, a lawyer said.\n" \
        in document.text
    assert "Held since spring." in document.text


def test_formats_damaged_docx_is_reported(tmp_path: Path) -> None:
    (tmp_path / "damaged.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"damaged\.docx: unreadable \.docx"):
        read_document(tmp_path / "damaged.docx")


SENTENCE = "Border guards returned a family of four across the river before dawn.\n"


@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-16", b""), ("utf-8-sig", b""),
    ("utf-32", b""), ("cp1252", b""), ("latin-1", b"")])
def test_formats_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bom + (SENTENCE * 3).encode(encoding))
    assert read_document(path).text == SENTENCE * 3


@pytest.mark.parametrize(("text", "encoding", "language"), [
    ("중국 당국은 탈북민 가족을 새벽에 강을 건너 돌려보냈다고 인권 단체가 밝혔다.\n",
     "euc-kr", "ko"),
    ("人权组织说，边境警察在黎明前把一家四口遣返过河。\n", "gb18030", "zh"),
])
def test_formats_korean_and_chinese_are_read_and_reported(tmp_path: Path, text: str,
                                                          encoding: str, language: str) -> None:
    (tmp_path / "utf8.txt").write_text(text * 3, encoding="utf-8")
    (tmp_path / "legacy.txt").write_bytes((text * 2).encode(encoding))
    reading = read_corpus(tmp_path)
    assert {d.file_name: d.text for d in reading.documents} == {
        "utf8.txt": text * 3, "legacy.txt": text * 2}
    assert {d.language for d in reading.documents} == {language}
    for name in ("utf8.txt", "legacy.txt"):
        reasons = [p.reason for p in reading.problems if p.file == name]
        assert any(f"({language}), not English" in r for r in reasons), reasons


# --- HTML: the main-text extractor is in use ------------------------------------------------

PAGE = """<!doctype html><html><head><title>River crossing | Example Monitor</title></head>
<body><div class="topbar"><a href="/">Example Monitor</a> <a href="/a">Analysis</a>
<a href="/c">Careers at the Monitor</a></div>
<div class="content"><article><h1>Returns resumed at the river crossing</h1>
<p>Officials in a northern province sent a group of women back across the river last
spring, according to three relatives interviewed for this report.</p>
<p>The relatives said the women had been held for several weeks in a county detention centre
before the transfer took place at night.</p>
<p>Observers asked the provincial authorities to publish the number of people held and to let
monitors visit the facility without delay.</p></article></div>
<div class="sidebar"><div>Popular this week: harvest festival photographs draw record crowds
</div><div>Editor picks: ten recipes for a cold winter evening</div></div>
<div class="bottom">Example Monitor is funded by readers like you.</div></body></html>"""


def test_formats_html_main_text_only(tmp_path: Path) -> None:
    """Plain tag text would keep the top bar, the sidebar and the funding line (they are in
    no nav/aside/footer tag): only a main-text extractor drops them."""
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    document = read_document(tmp_path / "page.html")
    assert "held for several weeks in a county detention centre" in document.text
    for chrome in ("Careers at the Monitor", "harvest festival", "recipes",
                   "funded by readers"):
        assert chrome not in document.text
    assert document.title == "Returns resumed at the river crossing"
    assert not any("plain tag text" in w for w in document.warnings)


def test_formats_html_without_trafilatura_is_an_error(tmp_path: Path) -> None:
    """A broken install (trafilatura 2.x with lxml 6 and no lxml_html_clean) stops the
    build with a message, instead of silently reading every page as tag text."""
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    code = ("import sys; sys.modules['trafilatura'] = None\n"
            "from pathlib import Path; from graph.reading import read_corpus\n"
            f"read_corpus(Path({str(tmp_path)!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode != 0
    assert "DependencyError" in result.stderr and "trafilatura" in result.stderr
    assert DependencyError.__name__ == "DependencyError"


@pytest.mark.browser
@pytest.mark.slow
def test_formats_pdf_page_of_each_quote_in_the_graph_and_on_the_site(tmp_path: Path) -> None:
    """A built PDF: every mention carries rkg:page, the page its quote was printed on, and
    the site cites that page beside the quote."""
    import pyoxigraph as ox

    from graph.builder import build_graph
    from graph.viz import build_site

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "".join(f'<div style="page-break-after:always"><p>{p}</p></div>' for p in PAGES)
    print_pdf("<!doctype html><html><head><meta charset='utf-8'><title>Field notes</title>"
              f"<style>body{{font-size:16pt}}</style></head><body>{body}</body></html>", corpus)
    out = tmp_path / "out"
    build_graph(corpus, out)
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    rows = list(store.query("""PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?mention ?page ?exact ?claim WHERE {
          ?mention a rkg:Mention ; oa:hasSelector ?q . ?q oa:exact ?exact .
          OPTIONAL { ?mention rkg:page ?page }
          OPTIONAL { ?claim <http://www.w3.org/ns/prov#wasDerivedFrom> ?mention } }""",
        use_default_graph_as_union=True))
    assert rows and all(r["page"] is not None for r in rows), "a mention without its page"
    for r in rows:
        # the page the quote begins on (a quote may run on over the page break)
        assert r["exact"].value.split("\n")[0] in PAGES[int(r["page"].value) - 1]
        assert r["page"].datatype.value.endswith("#integer") and int(r["page"].value) >= 1
    claimed = {int(r["page"].value) for r in rows if r["claim"] is not None}
    assert {1, 2} <= claimed  # the return is told on page 1, the detention on page 2
    build_site(out)
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "site").rglob("*.html"))
    assert "Field notes, page 1" in pages and "Field notes, page 2" in pages


def test_formats_text_documents_have_no_page() -> None:
    """Only paged documents give rkg:page: a plain text's quotes cite no page."""
    from graph.facts import DocumentFacts, DocumentInfo, EntityMention, EntityRef, Evidence
    from graph.rdf.assemble import document_quads
    from graph.vocab import RKG

    text = "Lanterns were hung along the quay."
    info = DocumentInfo("e" * 64, "quay.txt", text)
    evidence = Evidence(info.doc_id, 0, len(text), text, "rkg.entities.v1")
    mention = EntityMention(EntityRef("quay", "Quay", "Place", False), "quay", 29, 33, evidence)
    plain = document_quads(DocumentFacts(info, (mention,)))
    assert not any(q[1] == RKG.page for q in plain)
    paged = document_quads(DocumentFacts(DocumentInfo("f" * 64, "quay.pdf", text,
                                                      pages=(0, 20)), (mention,)))
    assert [int(q[2]) for q in paged if q[1] == RKG.page] == [2]
