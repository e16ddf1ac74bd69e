//! What grassroots does with Zola's settings, in one place.
//!
//! grassroots follows Zola's layout, so a Zola site's `config.toml` and
//! front matter are mostly understood as they are. Each Zola key that
//! grassroots reads differently, or not at all, is listed here with the
//! sentence a publisher sees: what grassroots does instead, or that it does
//! not do it yet. Keys in neither grassroots' own schema nor these tables are
//! errors (a typo must not pass silently).

/// How a `config.toml` key is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKey {
    /// A grassroots key (Zola may have it too, with the same meaning).
    Ours,
    /// A table whose keys are checked one by one.
    Table,
    /// A table that takes any key (`[extra]`).
    Free,
    /// A Zola key grassroots reads, with Zola's meaning.
    Honoured,
    /// A Zola key with no effect here; the text says what grassroots does
    /// instead. A table of this kind gets one warning, not one per key.
    Ignored(&'static str),
}

/// The rule for a key path such as "markdown.highlighting.theme"; language
/// tables are written "languages.*". `None`: no such key, an error.
pub fn config_key(path: &str) -> Option<ConfigKey> {
    use ConfigKey::*;
    let rule = match path {
        // grassroots' own keys (most of them Zola's too).
        "title"
        | "description"
        | "default_language"
        | "default_language_in_subdir"
        | "base_url"
        | "theme"
        | "offline"
        | "precompress" => Ours,
        "markdown" | "search" | "navigation" | "print" | "languages" | "languages.*" => Table,
        "markdown.highlight_theme"
        | "markdown.highlight_theme_dark"
        | "markdown.smart_punctuation" => Ours,
        "search.enabled" | "search.exclude_languages" | "search.exclude_sections" => Ours,
        "navigation.expand_all_below"
        | "print.enabled"
        | "print.max_documents"
        | "print.inline_max_documents" => Ours,
        "languages.*.title"
        | "languages.*.description"
        | "languages.*.html_lang"
        | "languages.*.name" => Ours,
        "extra" => Free,

        // Zola keys with a meaning here.
        "build_search_index"
        | "generate_feeds"
        | "taxonomies"
        | "ignored_content"
        | "author"
        | "slugify"
        | "slugify.paths"
        | "slugify.paths_keep_dates"
        | "markdown.highlighting"
        | "markdown.highlighting.theme"
        | "markdown.highlighting.light_theme"
        | "markdown.highlighting.dark_theme"
        | "markdown.github_alerts"
        | "languages.*.generate_feeds"
        | "languages.*.taxonomies"
        | "languages.*.build_search_index" => Honoured,

        // Zola keys with no effect here.
        "output_dir" => {
            Ignored("grassroots writes to SITE/public; use `grassroots build --output DIR`")
        }
        "preserve_dotfiles_in_output" => {
            Ignored("grassroots replaces the output folder as a whole, atomically")
        }
        "compile_sass" => Ignored(
            "grassroots does not compile Sass; the theme's assets/ are published as they are",
        ),
        "minify_html" => Ignored(
            "grassroots writes its HTML as it is; use `--precompress` to make it smaller on the wire",
        ),
        "ignored_static" => Ignored("every file in static/ is published"),
        "feed_filenames" | "feed_filename" | "generate_feed" | "feed_limit" => Ignored(
            "grassroots writes one Atom feed per language, atom.xml, whenever base_url is set",
        ),
        "exclude_paginated_pages_in_sitemap" => {
            Ignored("grassroots does not paginate sections yet")
        }
        "hard_link_static" => Ignored("static files are copied"),
        "taxonomy_root" => {
            Ignored("taxonomy pages are written at /{taxonomy}/ below each language's root")
        }
        "generate_sitemap" | "generate_robots_txt" => {
            Ignored("grassroots writes sitemap.xml and robots.txt whenever base_url is set")
        }
        "highlight_code" | "markdown.highlight_code" => {
            Ignored("grassroots always highlights fenced code that names its language")
        }
        "highlight_theme" => Ignored("set `[markdown] highlight_theme` (a syntect theme) instead"),
        "markdown.highlight_themes_css" | "markdown.extra_syntaxes_and_themes" => Ignored(
            "grassroots writes its own highlight.css from [markdown] highlight_theme and highlight_theme_dark",
        ),
        "markdown.highlighting.style"
        | "markdown.highlighting.error_on_missing_language"
        | "markdown.highlighting.extra_grammars"
        | "markdown.highlighting.extra_themes"
        | "markdown.highlighting.data_attr_position" => Ignored(
            "grassroots highlights with syntect and CSS classes, from [markdown] highlight_theme and highlight_theme_dark",
        ),
        "markdown.render_emoji" => Ignored("emoji shortcodes such as :smile: are left as written"),
        "markdown.external_links_class"
        | "markdown.external_links_target_blank"
        | "markdown.external_links_no_follow"
        | "markdown.external_links_no_referrer"
        | "markdown.external_links_external" => {
            Ignored("external links are written as plain links")
        }
        "markdown.definition_list" => {
            Ignored("definition lists are not parsed; they stay paragraphs")
        }
        "markdown.lazy_async_image" => Ignored("images are written without loading=\"lazy\""),
        "markdown.bottom_footnotes" => {
            Ignored("footnotes are always listed at the bottom of the page")
        }
        "markdown.insert_anchor_links" => {
            Ignored("every heading always gets a `#` link after its text")
        }
        "markdown.cache" => Ignored("grassroots keeps nothing between builds"),
        "link_checker" => Ignored(
            "`grassroots check` checks internal links and anchors; external links are not checked",
        ),
        "search.include_title"
        | "search.include_description"
        | "search.include_date"
        | "search.include_path"
        | "search.include_content"
        | "search.truncate_content_length"
        | "search.index_format" => Ignored(
            "grassroots indexes every page's title and full text with its own index and search client",
        ),
        "translations" | "languages.*.translations" => Ignored(
            "grassroots reads UI strings from i18n/CODE.toml (e.g. i18n/en.toml) in the site or theme",
        ),
        "languages.*.feed_filenames" | "languages.*.generate_feed" => Ignored(
            "grassroots writes one Atom feed per language, atom.xml, whenever base_url is set",
        ),
        "languages.*.search" => Ignored("one [search] table applies to every language"),
        "mode" => Ignored("grassroots has no build modes"),
        "slugify.anchors" => Ignored(
            "heading ids keep letters and digits of every script and `_` (`## 调查研究` → `#调查研究`), other characters become `-`",
        ),
        "slugify.taxonomies" => {
            Ignored("taxonomy and term URLs follow `[slugify] paths`, as page URLs do")
        }
        _ => return None,
    };
    Some(rule)
}

/// Whether a Zola key with no effect here is set to what grassroots does
/// anyway (`compile_sass = false`): then there is nothing to warn about.
pub fn agrees_with_grassroots(path: &str, value: Option<bool>) -> bool {
    let same = match path {
        "compile_sass"
        | "minify_html"
        | "hard_link_static"
        | "preserve_dotfiles_in_output"
        | "markdown.render_emoji"
        | "markdown.external_links_target_blank"
        | "markdown.external_links_no_follow"
        | "markdown.external_links_no_referrer"
        | "markdown.definition_list"
        | "markdown.lazy_async_image" => Some(false),
        "generate_sitemap"
        | "generate_robots_txt"
        | "highlight_code"
        | "markdown.highlight_code"
        | "markdown.bottom_footnotes" => Some(true),
        _ => None,
    };
    same.is_some() && same == value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_keys_are_known() {
        assert_eq!(
            config_key("compile_sass").map(|k| matches!(k, ConfigKey::Ignored(_))),
            Some(true)
        );
        assert_eq!(config_key("build_search_index"), Some(ConfigKey::Honoured));
        assert_eq!(config_key("languages.*.title"), Some(ConfigKey::Ours));
        assert_eq!(config_key("default_langauge"), None);
    }
}
