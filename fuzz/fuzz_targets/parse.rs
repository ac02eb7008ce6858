//! Any bytes through everything intake reads from a message: nothing may panic. libFuzzer's
//! panic hook aborts even on a panic that `parse`'s own guard would catch, so a mail-parser
//! panic is found here rather than hidden.
#![no_main]

use guichet_mail::inbound::{KeywordSet, authentication, fold, html_to_text, parse, strip_quotes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let message = parse(data);
    let _ = message.sender();
    let _ = message.answered_ids().count();
    let keywords = KeywordSet::new([
        ("LSUN", vec!["LSUN", "LSU", "Livret"]),
        ("ONDE", vec!["ONDE", "Base élèves"]),
        ("ENT", vec!["ENT"]),
    ]);
    let _ = keywords.find(&message.subject);
    let _ = keywords.find(&message.text);
    let domain = message
        .sender()
        .and_then(|s| s.rsplit_once('@'))
        .map_or("", |(_, d)| d);
    let _ = authentication(&message.authentication_results, "mx.ac-dijon.fr", domain);
    let _ = strip_quotes(&message.text);
    let _ = strip_quotes(&message.reply_text);
    let _ = fold(&message.subject);
    if let Some(reason) = message.automatic {
        let _ = reason.code();
    }
    if let Some(bounce) = &message.bounce {
        let _ = bounce.permanent;
    }
    for attachment in &message.attachments {
        let _ = format!("{attachment:?}");
    }
    // The HTML converter on its own, on arbitrary (lossily decoded) input.
    let _ = html_to_text(&String::from_utf8_lossy(data));
});
