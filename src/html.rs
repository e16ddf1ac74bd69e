//! HTML (and XML) escaping, in one place for templates, Markdown code
//! blocks, the dev server's error page, sitemaps and feeds.

/// Escapes text for element content and quoted attribute values. Unlike
/// tera's default it leaves `/` alone, so URLs stay readable (and
/// comparable) in the output.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            super::escape("../a/<b>&\"'"),
            "../a/&lt;b&gt;&amp;&quot;&#39;"
        );
    }
}
