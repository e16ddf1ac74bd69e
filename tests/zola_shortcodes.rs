//! Zola's shortcodes: inline and body calls with templates from the site and
//! the theme, their arguments and context, escapes, code left alone, errors.

mod common;

use common::*;
use grassroots::ErrorKind;

fn built() -> Fixture {
    let f = Fixture::copy("zola-shortcodes");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    f
}

#[test]
fn inline_shortcode_gets_every_kind_of_argument_without_smart_quotes() {
    let f = built();
    let doc = f.page("sc/index.html");
    assert_eq!(attr(&doc, ".badge", "data-n").as_deref(), Some("3"));
    assert_eq!(attr(&doc, ".badge", "data-x").as_deref(), Some("-1.5"));
    assert_eq!(attr(&doc, ".badge", "data-on").as_deref(), Some("true"));
    assert_eq!(texts(&doc, ".badge i"), ["甲", "b"]);
    // Straight quotes, escaped by the template: no smart quotes.
    assert_eq!(text(&doc, ".badge"), "it is \"quoted\"甲b");
}

#[test]
fn body_shortcode_gets_body_nth_page_config_and_lang() {
    let f = built();
    let doc = f.page("sc/index.html");
    let quotes: Vec<_> = doc.select(&sel("blockquote.quote")).collect();
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0].value().attr("data-nth"), Some("1"));
    assert_eq!(quotes[1].value().attr("data-nth"), Some("2"));
    assert_eq!(quotes[0].value().attr("data-lang"), Some("zh"));
    assert_eq!(quotes[0].value().attr("data-page"), Some("短代码页"));
    assert_eq!(quotes[0].value().attr("data-motto"), Some("实事求是"));
    assert_eq!(text(&doc, "blockquote.quote strong"), "发言权");
    assert_eq!(text(&doc, "blockquote.quote cite"), "毛泽东");
    let en = f.page("en/sc/index.html");
    assert_eq!(
        attr(&en, "blockquote.quote", "data-lang").as_deref(),
        Some("en")
    );
    assert_eq!(text(&en, "blockquote.quote cite"), "Someone");
}

#[test]
fn markdown_shortcode_output_is_rendered_as_markdown() {
    let f = built();
    let doc = f.page("sc/index.html");
    assert!(texts(&doc, "strong").contains(&"签名".to_string()));
}

#[test]
fn built_in_note_figure_video_audio_and_github_alerts() {
    let f = built();
    let doc = f.page("sc/index.html");
    assert_eq!(text(&doc, "aside.note.note-tip .note-title"), "小提示");
    assert_eq!(text(&doc, "aside.note.note-tip em"), "注释");
    assert_eq!(
        attr(&doc, "figure.figure img", "src").as_deref(),
        Some("../img/x.png")
    );
    assert_eq!(text(&doc, "figure.figure figcaption em"), "图");
    assert_eq!(
        attr(&doc, "figure video", "src").as_deref(),
        Some("../media/talk.mp4")
    );
    assert_eq!(
        attr(&doc, "figure audio", "src").as_deref(),
        Some("../media/read.mp3")
    );
    assert_eq!(text(&doc, "blockquote.markdown-alert-note"), "这是提醒。");
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn escapes_render_literally_and_code_is_never_expanded() {
    let f = built();
    let doc = f.page("sc/index.html");
    let body = text(&doc, "main");
    assert!(
        body.contains("Escaped: {{ youtube(id=\"abc\") }} and {% quote() %}."),
        "{body}"
    );
    let codes = texts(&doc, "code");
    assert!(
        codes.contains(&"{{ badge(text=\"no\") }}".to_string()),
        "{codes:?}"
    );
    assert!(codes.contains(&"{{ badge() }}".to_string()), "{codes:?}");
    let pre = texts(&doc, "pre");
    assert!(pre[0].contains("{{ badge(text=\"no\") }} {{ youtube(id=\"abc\") }} {% quote(author=\"x\") %}body{% end %}"), "{pre:?}");
    assert!(pre[1].contains("{{ badge(text=\"indented\") }}"), "{pre:?}");
    assert!(!doc.html().contains("/*"), "escape marks left in the page");
    assert_eq!(doc.select(&sel(".badge")).count(), 1);
}

#[test]
fn unknown_shortcodes_and_bad_arguments_are_errors_at_their_line_and_column() {
    let f = Fixture::copy("zola-shortcodes");
    f.write(
        "content/bad.md",
        "+++\ntitle = \"坏\"\n+++\n正文\n\n{{ youtube(id=\"abc\") }}\n\n中文 {{ badge(text=bare) }}\n\n{{ nothere() }}\n",
    );
    let err = f.build().unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kinds(), [ErrorKind::Shortcode; 3], "{msg}");
    assert!(
        msg.contains("bad.md:8:18: shortcode `badge`: `bare` is not a value"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "bad.md:6:1: unknown shortcode `youtube`: it is one of Zola's theme-provided shortcodes"
        ),
        "{msg}"
    );
    assert!(msg.contains("templates/shortcodes/youtube.html"), "{msg}");
    assert!(
        msg.contains("bad.md:10:1: unknown shortcode `nothere`"),
        "{msg}"
    );
}
