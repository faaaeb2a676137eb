//! The integration tests: every test runs the real `rudder` binary over fixture charts
//! (`tests/fixtures/`) or the journal app, and compares output with insta snapshots
//! (`tests/snapshots/`) or exact text.

mod harness;

mod apply;
mod architecture;
mod budgets;
mod cli;
mod convert;
mod diff;
mod environments;
mod errors;
mod go_charts;
mod helm_charts;
mod helm_values;
mod journal;
mod output;
mod package;
mod ported;
mod porting;
mod render;
mod secrets;
mod security;
mod streams;
mod values;
