//! `rudder package` and `rudder repo index`: the times they stamp come from
//! `SOURCE_DATE_EPOCH` (or fixed defaults), everything else from the library.

use crate::cli::{PackageArgs, RepoCommand};
use anyhow::{Context, Result, anyhow};
use rudder::package::{DEFAULT_MTIME, Options};
use rudder::repo::IndexOptions;

pub fn package(args: PackageArgs) -> Result<()> {
    let options = Options {
        version: args.version,
        app_version: args.app_version,
        mtime: source_date_epoch()?.unwrap_or(DEFAULT_MTIME),
    };
    for chart in &args.charts {
        let packaged = rudder::package::package(chart, &args.destination, &options)
            .with_context(|| format!("cannot package {}", chart.display()))?;
        super::say(format_args!("{}  {}", packaged.sha256, packaged.path.display()))?;
    }
    Ok(())
}

pub fn repo(command: RepoCommand) -> Result<()> {
    match command {
        RepoCommand::Index { dir, url, merge } => {
            let now = match source_date_epoch()? {
                Some(seconds) => rfc3339(seconds as i64)?,
                None => time::OffsetDateTime::now_utc()
                    .replace_nanosecond(0)
                    .map_err(|e| anyhow!("{e}"))?
                    .format(&time::format_description::well_known::Rfc3339)?,
            };
            let path = rudder::repo::write_index(&dir, &IndexOptions { url, merge, now })?;
            super::say(format_args!("wrote {}", path.display()))?;
            Ok(())
        }
    }
}

/// `SOURCE_DATE_EPOCH`, if set: seconds since the epoch.
fn source_date_epoch() -> Result<Option<u64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| anyhow!("SOURCE_DATE_EPOCH={text:?} is not a number of seconds")),
        _ => Ok(None),
    }
}

fn rfc3339(seconds: i64) -> Result<String> {
    let time =
        time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| anyhow!("SOURCE_DATE_EPOCH: {e}"))?;
    Ok(time.format(&time::format_description::well_known::Rfc3339)?)
}
