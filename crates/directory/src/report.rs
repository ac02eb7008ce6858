//! The diff a sync or an import prints: counts, then one line per change and per rejection.

use guichet_app::directory::SyncReport;
use std::fmt::Write as _;

/// The report as the CLI prints it.
pub fn render(title: &str, report: &SyncReport) -> String {
    let c = &report.counts;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{title}{} (run {})",
        if report.dry_run {
            ", dry run: nothing written"
        } else {
            ""
        },
        report.run_id
    );
    let _ = writeln!(
        out,
        "establishments: {} created, {} updated, {} rejected",
        c.establishments_created, c.establishments_updated, c.establishments_rejected
    );
    let _ = writeln!(
        out,
        "persons: {} created, {} updated, {} deactivated, {} rejected",
        c.persons_created, c.persons_updated, c.persons_deactivated, c.persons_rejected
    );
    for ch in &report.changes {
        let _ = write!(out, "{} {} {}", ch.action.as_str(), ch.object, ch.key);
        if !ch.detail.is_empty() {
            let _ = write!(out, " ({})", ch.detail);
        }
        out.push('\n');
    }
    if report.more_changes > 0 {
        let _ = writeln!(out, "… and {} more changes", report.more_changes);
    }
    for r in &report.rejections {
        let _ = writeln!(out, "rejected {}: {}", r.entry, r.reason);
    }
    if report.more_rejections > 0 {
        let _ = writeln!(out, "… and {} more rejections", report.more_rejections);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_app::directory::{Change, ChangeAction, Rejection};

    #[test]
    fn the_diff_names_every_change_and_reason() {
        let mut report = SyncReport {
            run_id: 7,
            ..SyncReport::default()
        };
        report.counts.persons_deactivated = 1;
        report.changes.push(Change {
            action: ChangeAction::Deactivated,
            object: "person",
            key: "p0002".into(),
            detail: String::new(),
        });
        report.rejections.push(Rejection {
            entry: "line 5".into(),
            reason: "invalid UAI \"0219999X\" (uai.check_letter)".into(),
        });
        let text = render("directory sync", &report);
        assert!(text.starts_with("directory sync (run 7)\n"), "{text}");
        assert!(text.contains("persons: 0 created, 0 updated, 1 deactivated, 0 rejected\n"));
        assert!(text.contains("deactivated person p0002\n"));
        assert!(text.contains("rejected line 5: invalid UAI \"0219999X\" (uai.check_letter)\n"));
    }
}
