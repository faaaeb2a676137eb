//! rudder renders Helm-style charts per environment with Tera.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! project ─► chart ─► values ─► render ─► manifest ─┬─► output
//!                                                     └─► diff
//! ```
//!
//! `project` reads `rudder.yaml` (environments); `chart` loads a chart directory and its
//! subcharts; `values` merges the user's values with the charts' defaults by Helm's rules;
//! `render` runs the templates through Tera; `manifest` splits, checks and orders the
//! rendered documents; `output` prints them or writes them to a directory; `diff`
//! compares them with a baseline (the last render, a file, another environment). `yaml` is the
//! YAML reader and writer they share.

pub mod atomic;
pub mod chart;
pub mod convert;
pub mod diff;
pub mod git;
pub mod glob;
pub mod input;
pub mod limits;
pub mod manifest;
pub mod output;
pub mod package;
pub mod parallel;
pub mod present;
pub mod project;
pub mod release;
pub mod render;
pub mod repo;
pub mod secret;
pub mod translate;
pub mod values;
pub mod yaml;

#[cfg(test)]
mod fuzz_tests;
