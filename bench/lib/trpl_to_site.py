#!/usr/bin/env python3
"""Turn the Rust book corpus (zh + en mdBook sources) into a grassroots site.

Usage: trpl_to_site.py CORPUS_DIR SITE_DIR

CORPUS_DIR has zh/*.md and en/*.md (pairs by file name) and zh/SUMMARY.md.
SITE_DIR gets config.toml and content/ with:
  _index.md / _index.en.md       the home page (zh default, en translation)
  NAME.md / NAME.en.md           one page per chapter, weight = SUMMARY order

Changes made to each chapter (and nothing else):
  * mdBook directive lines ({{#include ...}}, {{#rustdoc_include ...}}) are
    dropped: the listings/ tree is not part of the corpus.
  * the first heading, whatever its level, is promoted to "# " and moved to
    the top, so grassroots takes it as the page title (most chapters open with
    "##", one with "###"; 18 en chapters have an "<!-- Old headings -->"
    comment and '<a id="..."></a>' lines above it, which move below it).
  * links to other chapters, inline "(NAME.md#x)" / "(NAME.html#x)" and
    reference definitions "[x]: NAME.html#x", become "@/NAME.md" without the
    anchor (grassroots fails the build on broken @/ anchors, and the mdBook
    heading ids differ from grassroots' ones). Links to files that are not in
    the corpus are left as they are.
"""
import os
import re
import sys

DIRECTIVE = re.compile(r"^\s*\{\{#[^}]*\}\}\s*$")
LEADING_HTML = re.compile(r"^\s*(<!--.*-->|<a id=\"[^\"]*\"></a>)\s*$")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def summary_order(path):
    """File names in the order SUMMARY.md links them."""
    order = []
    with open(path, encoding="utf-8") as f:
        for m in re.finditer(r"\]\(([^)#\s]+\.md)\)", f.read()):
            name = m.group(1)
            if name not in order:
                order.append(name)
    return order


def convert(text, names):
    lines = [l for l in text.split("\n") if not DIRECTIVE.match(l)]
    # Promote the first heading (any level) to "# " and put it first. Only
    # blank lines, HTML comments and legacy-anchor lines ("<!-- Old headings
    # ... -->", '<a id="x"></a>') may precede it; they move below it.
    for i, line in enumerate(lines):
        if not line.strip() or LEADING_HTML.match(line):
            continue
        m = HEADING.match(line)
        if m and m.group(1):
            lines = ["# " + m.group(1)] + lines[:i] + lines[i + 1 :]
        break
    text = "\n".join(lines)

    def link(m):
        stem = m.group(2)
        if stem + ".md" not in names:
            return m.group(0)
        return m.group(1) + "@/" + stem + ".md"

    # inline links: ](NAME.md#x) / ](NAME.html#x), optional "title" kept
    text = re.sub(r"(\]\()([A-Za-z0-9_-]+)\.(?:md|html)(?:#[^)\s]*)?(?=[)\s])", link, text)
    # reference definitions: [label]: NAME.html#x
    text = re.sub(
        r"(?m)^(\s{0,3}\[[^\]]+\]:\s*<?)([A-Za-z0-9_-]+)\.(?:md|html)(?:#[^>\s]*)?(?=>?\s|>?$)",
        link,
        text,
    )
    return text


def main():
    corpus, site = sys.argv[1], sys.argv[2]
    zh_dir, en_dir = os.path.join(corpus, "zh"), os.path.join(corpus, "en")
    zh = {n for n in os.listdir(zh_dir) if n.endswith(".md") and n != "SUMMARY.md"}
    en = {n for n in os.listdir(en_dir) if n.endswith(".md") and n != "SUMMARY.md"}
    names = zh | en
    order = [n for n in summary_order(os.path.join(zh_dir, "SUMMARY.md")) if n in names]
    order += sorted(names - set(order))  # anything SUMMARY does not list goes last
    content = os.path.join(site, "content")
    os.makedirs(content, exist_ok=True)
    with open(os.path.join(site, "config.toml"), "w", encoding="utf-8") as f:
        f.write(
            'title = "Rust 程序设计语言"\n'
            'description = "The Rust Programming Language（简体中文版）"\n'
            'default_language = "zh"\n\n'
            "[search]\nenabled = true\n\n"
            '[languages.en]\ntitle = "The Rust Programming Language"\n'
            'description = "The Rust book"\n'
        )
    with open(os.path.join(content, "_index.md"), "w", encoding="utf-8") as f:
        f.write('+++\ntitle = "Rust 程序设计语言"\nsort_by = "weight"\n+++\n\n《Rust 程序设计语言》简体中文版。\n')
    with open(os.path.join(content, "_index.en.md"), "w", encoding="utf-8") as f:
        f.write('+++\ntitle = "The Rust Programming Language"\nsort_by = "weight"\n+++\n\nThe Rust book.\n')
    pages = 0
    for weight, name in enumerate(order, start=1):
        stem = name[: -len(".md")]
        for lang_dir, have, out in ((zh_dir, zh, stem + ".md"), (en_dir, en, stem + ".en.md")):
            if name not in have:
                continue
            with open(os.path.join(lang_dir, name), encoding="utf-8") as f:
                body = convert(f.read(), names)
            with open(os.path.join(content, out), "w", encoding="utf-8") as f:
                f.write("+++\nweight = %d\n+++\n\n%s" % (weight, body))
            pages += 1
    print("trpl_to_site: %d chapters, %d page files -> %s" % (len(order), pages, content), file=sys.stderr)


if __name__ == "__main__":
    main()
