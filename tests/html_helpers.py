"""Reading the HTML report back as a browser would tokenize it (stdlib `html.parser`),
for the view and command-line tests (no tests here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Elements that never have content or an end tag in HTML.
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "source", "wbr", "area", "base"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    #: Text and child elements, in document order.
    content: list[str | Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        """Every descendant (depth first) with `tag` and class `cls`."""
        out = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                out.append(child)
            out += child.iter(tag, cls)
        return out

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.iter(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)


class TreeBuilder(HTMLParser):
    """A minimal DOM: enough to check the page's structure; records every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.decl: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.tags.append((tag, node.attrs))
        self.stack[-1].content.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.tags.append((tag, node.attrs))
        self.stack[-1].content.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(page: str) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert [n.tag for n in builder.stack] == ["#document"], "unclosed elements"
    return builder


def assert_self_contained(doc: TreeBuilder, page: str) -> None:
    """One file that renders offline: no script, no external resource of any kind."""
    tags = {tag for tag, _ in doc.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "image", "use"}
    for _, attrs in doc.tags:
        assert not {"src", "href", "xlink:href"} & set(attrs)
        assert not any(a.startswith("on") for a in attrs)
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page


def section(doc: TreeBuilder, ident: str) -> Node:
    return next(s for s in doc.root.iter("section") if s.attrs.get("id") == ident)


def rows_of(table: Node) -> list[Node]:
    return [tr for tbody in table.iter("tbody") for tr in tbody.iter("tr")]
