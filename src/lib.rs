//! grassroots: a static site generator for bilingual (Chinese + English)
//! study portals.
//!
//! The pipeline, one module per stage:
//! [`content`] (load) → [`markdown`] (parse) → [`site`] (model) →
//! [`render`] (templates) → search index (the `grassroots-search` crate) →
//! [`output`] (write, atomically). [`build`] runs them in order.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod html;
pub mod incremental;
pub mod index;
pub mod init;
pub mod lang;
pub mod markdown;
pub mod options;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod theme;
pub mod zola;

pub use build::{BuildReport, build};
pub use error::{Error, ErrorKind, Result};
pub use options::BuildOptions;
