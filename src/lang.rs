//! Language codes: the one place that says what a code is, how two codes
//! compare and what is derived from one (the primary subtag, the output
//! folder, `<html lang>`, the name in the language switcher).
//!
//! Codes are written as configured ("zh", "zh-Hans", "en-GB"); everything
//! that compares or derives goes through these functions, so "EN" in a
//! file suffix and "en" in config.toml mean the same language everywhere.

/// A BCP 47-like code: two or three letters, then optional subtags of 2-8
/// letters or digits ("zh", "zh-Hans", "zh-CN", "en-GB").
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split(['-', '_']);
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether two codes name the same language as written ("zh-CN" and
/// "zh-cn" do; "zh" and "zh-CN" do not: see [`primary_subtag`]).
pub fn same_code(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The primary subtag in lowercase: "zh" for "zh-Hans", "en" for "en-GB".
pub fn primary_subtag(code: &str) -> String {
    code.split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase()
}

/// The folder of a language in the output ("en" for "EN", "zh-hans" for
/// "zh-Hans"): URLs are lowercase so hosts that are case-sensitive and
/// those that are not serve the same paths.
pub fn folder_name(code: &str) -> String {
    code.to_ascii_lowercase()
}

/// `<html lang>` for a code: plain "zh" means Simplified Chinese as used in mainland China.
pub fn html_lang_for(code: &str) -> String {
    if same_code(code, "zh") {
        "zh-CN".into()
    } else {
        code.into()
    }
}

/// The language's own name, for the language switcher.
pub fn native_name(code: &str) -> String {
    match primary_subtag(code).as_str() {
        "zh" => "中文".into(),
        "en" => "English".into(),
        "fr" => "Français".into(),
        "de" => "Deutsch".into(),
        "ja" => "日本語".into(),
        "ru" => "Русский".into(),
        "es" => "Español".into(),
        _ => code.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_compared_without_case() {
        assert!(is_language_code("zh"));
        assert!(is_language_code("zh-Hans"));
        assert!(is_language_code("en_GB"));
        assert!(!is_language_code("chinese"));
        assert!(!is_language_code("z"));
        assert!(!is_language_code("en-"));
        assert!(same_code("zh-CN", "zh-cn"));
        assert!(!same_code("zh", "zh-CN"));
    }

    #[test]
    fn derived_names() {
        assert_eq!(primary_subtag("zh-Hans"), "zh");
        assert_eq!(primary_subtag("EN_gb"), "en");
        assert_eq!(folder_name("zh-Hans"), "zh-hans");
        assert_eq!(html_lang_for("zh"), "zh-CN");
        assert_eq!(html_lang_for("zh-TW"), "zh-TW");
        assert_eq!(native_name("zh-TW"), "中文");
        assert_eq!(native_name("sw"), "sw");
    }
}
