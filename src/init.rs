//! `grassroots init DIR`: a new bilingual site that builds at once.

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::output::write_file;

const FILES: &[(&str, &str)] = &[
    (
        "config.toml",
        r#"# Site settings; README.md lists every key.
title = "学习园地"
description = "专题学习材料"
default_language = "zh"
# base_url = "https://example.org/study"   # needed for sitemap, feeds and canonical links

[languages.en]
title = "Study portal"
description = "Thematic study materials"

[search]
enabled = true
"#,
    ),
    (
        "content/_index.md",
        "+++\ntitle = \"学习园地\"\nsort_by = \"weight\"\n+++\n\n欢迎！从左侧目录开始阅读，或者直接[阅读第一课](@/lessons/first.md)。\n",
    ),
    (
        "content/_index.en.md",
        "+++\ntitle = \"Study portal\"\nsort_by = \"weight\"\n+++\n\nWelcome! Start from the contents on the left, or [read the first lesson](@/lessons/first.md).\n",
    ),
    (
        "content/lessons/_index.md",
        "+++\ntitle = \"课程\"\nweight = 1\nsort_by = \"weight\"\n+++\n\n本单元的课程。\n",
    ),
    (
        "content/lessons/_index.en.md",
        "+++\ntitle = \"Lessons\"\nweight = 1\nsort_by = \"weight\"\n+++\n\nThe lessons of this unit.\n",
    ),
    (
        "content/lessons/first.md",
        "+++\ntitle = \"第一课\"\ndescription = \"从这里开始\"\nweight = 1\ndate = 2024-01-01\n+++\n\n## 要点\n\n在这里写下第一课的内容。\n\n## 思考\n\n- 这一课讲了什么？\n",
    ),
    (
        "content/lessons/first.en.md",
        "+++\ntitle = \"The first lesson\"\ndescription = \"Start here\"\nweight = 1\ndate = 2024-01-01\n+++\n\n## Key points\n\nWrite the first lesson here.\n\n## Questions\n\n- What did this lesson say?\n",
    ),
    ("static/.gitkeep", ""),
];

/// Writes a new site into `dir`, which must be empty or not exist.
pub fn init(dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, "read the folder", e))?
            .next()
            .is_some()
    {
        return Err(
            Error::in_file(ErrorKind::Init, dir, "the folder is not empty")
                .hint("choose a new folder; init never overwrites files"),
        );
    }
    for (rel, text) in FILES {
        write_file(&dir.join(rel), text.as_bytes())?;
    }
    Ok(())
}
