//! Files for crawlers and feed readers: `sitemap.xml` (with hreflang
//! alternates), `robots.txt` and an Atom feed per language. All of them need
//! absolute URLs, so they are written only when `base_url` is set.

use std::fmt::Write as _;

use crate::content::Kind;
use crate::error::Result;
use crate::html::escape;
use crate::output::Sink;
use crate::site::Site;

/// Percent-encodes the non-ASCII bytes of a URL: sitemaps and feeds want
/// URIs, and `/units/调查研究/` is an IRI.
pub(crate) fn uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    escape(&out)
}

/// How many recent pages a feed lists.
const FEED_ENTRIES: usize = 20;

/// `sitemap.xml`: every translated document, with its translations as
/// `xhtml:link` alternates.
pub fn sitemap(site: &Site, base_url: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (lang, view) in site.views.iter().enumerate() {
        for &id in &view.reading_order {
            if !site.is_translated(id, lang) && view.entries[id].source.is_some() {
                continue; // fallback pages show another language's text
            }
            let entry = &view.entries[id];
            let _ = writeln!(
                xml,
                "  <url>\n    <loc>{}</loc>",
                uri(&format!("{base_url}/{}", entry.url))
            );
            if let Some(date) = entry.source.and_then(|s| site.sources[s].front.date) {
                let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
            }
            for (other, l) in site.config.languages.iter().enumerate() {
                if site.is_translated(id, other) {
                    let href = format!("{base_url}/{}", site.views[other].entries[id].url);
                    let _ = writeln!(
                        xml,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        escape(&l.html_lang),
                        uri(&href)
                    );
                }
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// robots.txt is plain text, one directive a line: the sitemap's URL is
/// percent-encoded where a URL may not hold the byte as it is (spaces,
/// line breaks, quotes, angle brackets, non-ASCII), so a strange `base_url`
/// can neither add a directive nor carry markup.
pub fn robots(base_url: &str) -> String {
    let mut url = String::new();
    for b in format!("{base_url}/sitemap.xml").bytes() {
        if b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) {
            url.push(b as char);
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    format!("User-agent: *\nAllow: /\n\nSitemap: {url}\n")
}

/// An Atom feed of the language's most recent dated pages, newest first;
/// `None` when no page has a date.
pub fn atom_feed(site: &Site, lang: usize, base_url: &str, build_time: &str) -> Option<String> {
    let view = &site.views[lang];
    let language = &site.config.languages[lang];
    let mut dated: Vec<_> = view
        .reading_order
        .iter()
        .filter(|&&id| site.nodes[id].kind == Kind::Page && site.is_translated(id, lang))
        .filter_map(|&id| {
            let entry = &view.entries[id];
            let file = &site.sources[entry.source?];
            Some((file.front.date?, entry, file))
        })
        .collect();
    if dated.is_empty() {
        return None;
    }
    dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.url.cmp(&b.1.url)));
    dated.truncate(FEED_ENTRIES);
    let home = format!("{base_url}/{}", language.prefix);
    let feed_url = format!("{home}atom.xml");
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <subtitle>{desc}</subtitle>\n  <link href=\"{home}\"/>\n  <link rel=\"self\" href=\"{feed}\"/>\n  <id>{home}</id>\n  <updated>{updated}</updated>\n  <generator>grassroots</generator>\n",
        lang = escape(&language.html_lang),
        title = escape(&language.title),
        desc = escape(&language.description),
        home = uri(&home),
        feed = uri(&feed_url),
        updated = dated
            .first()
            .map(|d| format!("{}T00:00:00Z", d.0))
            .unwrap_or_else(|| build_time.to_string()),
    );
    for (date, entry, file) in dated {
        let url = format!("{base_url}/{}", entry.url);
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{date}T00:00:00Z</updated>\n",
            escape(&entry.title),
            url = uri(&url),
        );
        if let Some(d) = &file.front.description {
            let _ = writeln!(xml, "    <summary>{}</summary>", escape(d));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}

/// sitemap.xml, robots.txt and the Atom feeds, which need absolute URLs.
pub(crate) fn write_crawler_files(
    site: &Site,
    out: &dyn Sink,
    notes: &mut Vec<String>,
) -> Result<()> {
    let Some(base) = site.config.base_url.as_deref() else {
        notes.push("no base_url: sitemap.xml, robots.txt and feeds are skipped (set base_url or --base-url to get them)".into());
        return Ok(());
    };
    out.put("sitemap.xml", sitemap(site, base).as_bytes())?;
    out.put("robots.txt", robots(base).as_bytes())?;
    let now = time::OffsetDateTime::now_utc();
    let now = format!("{}T00:00:00Z", now.date());
    for (lang, l) in site.config.languages.iter().enumerate() {
        if let Some(feed) = atom_feed(site, lang, base, &now) {
            out.put(&format!("{}atom.xml", l.prefix), feed.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn robots_encodes_what_a_url_cannot_hold() {
        assert_eq!(
            super::robots("https://example.org/a"),
            "User-agent: *\nAllow: /\n\nSitemap: https://example.org/a/sitemap.xml\n"
        );
        assert_eq!(
            super::robots("https://x.org/\"><script>\nDisallow: / 调"),
            "User-agent: *\nAllow: /\n\nSitemap: https://x.org/%22%3E%3Cscript%3E%0ADisallow:%20/%20%E8%B0%83/sitemap.xml\n"
        );
    }
}
