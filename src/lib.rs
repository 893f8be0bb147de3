//! s75: Section 75 partnership agreements from YAML to signature-ready PDF.
//!
//! The pipeline: [`load`] finds and parses YAML into the typed [`model`];
//! [`check`] validates it; [`render`] runs the minijinja templates to emit
//! typst source; [`typeset`] lays it out and exports PDF; [`build`] ties the
//! steps together and writes files atomically.

pub mod apportion;
pub mod build;
pub mod check;
pub mod cli;
pub mod diag;
pub mod escape;
pub mod finance;
pub mod library;
pub mod load;
pub mod manifest;
pub mod markup;
pub mod model;
pub mod progress;
pub mod render;
pub mod report;
pub mod reports;
pub mod scaffold;
pub mod schema;
pub mod terms;
pub mod typeset;
pub mod view;
pub mod yamlpos;
