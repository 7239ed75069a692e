#!/usr/bin/env python3
"""Checks a Markdown file the way a permissive Markdown renderer sees it.

    md_check.py FILE            prints one line per problem, exits 1 if any
    md_check.py --headings FILE prints the text of every top-level heading
                                (the document's sections), one a line

The file is parsed with the cmark command-line tool with raw HTML allowed
(--unsafe), as pandoc, wikis and editor previews do. A problem is any raw
HTML node (html_block, html_inline) in the tree, and, in the rendered HTML,
any element outside what Markdown itself produces, any on* attribute, and
any href/src whose scheme is not http, https or mailto.
"""
import html.parser
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

MARKDOWN_TAGS = {
    "p", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "a", "img",
}
SAFE_SCHEMES = {"http", "https", "mailto"}


def cmark(path, *args):
    return subprocess.run(["cmark", "--unsafe", *args, path], check=True,
                          capture_output=True).stdout.decode("utf-8",
                                                             "replace")


def tree(path):
    root = ET.fromstring(cmark(path, "-t", "xml").encode())
    for el in root.iter():
        el.tag = el.tag.split("}")[-1]
    return root


def url_ok(url):
    u = "".join(c for c in url if c > " ")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", u)
    return not m or m.group(1).lower() in SAFE_SCHEMES


class Scan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in MARKDOWN_TAGS:
            self.problems.append("element <%s>" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("handler %s= on <%s>" % (k, tag))
            elif k in ("href", "src") and v is not None and not url_ok(v):
                self.problems.append("%s=%r on <%s>" % (k, v, tag))
            elif (k, tag) == ("class", "code") and v.startswith("language-"):
                pass
            elif (k, tag) == ("start", "ol") and (v or "").isdigit():
                pass
            elif k not in ("href", "src", "alt", "title"):
                self.problems.append("attribute %s on <%s>" % (k, tag))

    def handle_comment(self, data):
        self.problems.append("comment <!--%s-->" % data[:40])

    def handle_pi(self, data):
        self.problems.append("processing instruction <?%s>" % data[:40])

    def handle_decl(self, decl):
        self.problems.append("declaration <!%s>" % decl[:40])

    def unknown_decl(self, data):
        self.problems.append("declaration <![%s>" % data[:40])


def main(argv):
    if len(argv) == 3 and argv[1] == "--headings":
        for h in tree(argv[2]).findall("heading"):
            print("".join(h.itertext()).strip())
        return 0
    path = argv[1]
    problems = []
    for el in tree(path).iter():
        if el.tag in ("html_block", "html_inline"):
            problems.append("raw %s: %r" % (el.tag, (el.text or "")[:60]))
    s = Scan()
    s.feed(cmark(path))
    s.close()
    problems += s.problems
    for p in problems:
        print("%s: %s" % (path, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
