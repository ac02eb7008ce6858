//! The quoted history of a reply, recognised the way each mail client writes it.

/// `text` without the quoted history of a reply: cut at the first attribution line
/// ("Le … a écrit :" of Thunderbird, Apple Mail, Gmail and iOS, even when wrapped onto two
/// lines; "On … wrote:"), Outlook's header block ("De : … / Envoyé : …", "From: … / Sent: …",
/// possibly under a line of underscores), the "-----Original Message-----" and Zimbra's
/// "----- Mail original -----" separators, or a run of `>` lines that goes on to the end.
/// Signatures such as "Envoyé de mon iPhone" stay. Never returns an empty text for a message
/// that had one: a message that is nothing but a quote is kept whole.
pub fn strip_quotes(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.replace(['\u{a0}', '\u{202f}'], " "))
        .collect();
    let lower: Vec<String> = lines.iter().map(|l| l.trim().to_lowercase()).collect();
    // Where the run of quoted (or blank) lines that goes on to the end starts.
    let quoted_tail = lower
        .iter()
        .rposition(|l| !(l.is_empty() || l.starts_with('>')))
        .map_or(0, |last| last + 1);
    let mut cut = lines.len();
    for i in 0..lines.len() {
        let l = lower[i].as_str();
        let next = lower.get(i + 1).map_or("", String::as_str);
        // What follows a forward separator is the forwarded message: the content itself.
        if is_forward_separator(l) {
            break;
        }
        if is_attribution(l, next) || is_separator(l) || is_header_block(&lower[i..]) {
            cut = i;
            break;
        }
        // A line of underscores (Outlook) just before a header block.
        if l.len() >= 10 && l.chars().all(|c| c == '_') && is_header_block(&lower[i + 1..]) {
            cut = i;
            break;
        }
        if l.starts_with('>') && i >= quoted_tail {
            cut = i;
            break;
        }
    }
    let kept = lines[..cut].join("\n");
    let kept = kept.trim();
    if kept.is_empty() {
        text.trim().to_owned()
    } else {
        kept.to_owned()
    }
}

fn ends_with_wrote(l: &str) -> bool {
    let l = l.trim_end();
    l.ends_with("écrit :")
        || l.ends_with("écrit:")
        || l.ends_with("a ecrit :")
        || l.ends_with("wrote:")
        || l.ends_with("wrote :")
        || l.ends_with("schrieb:")
}

/// "Le jeu. 3 déc. 2026 à 10:00, X <x@y> a écrit :", maybe wrapped before "écrit :"
/// (Gmail wraps its plain-text attribution at 78 columns) or quoted itself (iOS).
fn is_attribution(l: &str, next: &str) -> bool {
    let l = l.trim_start_matches(['>', ' ']);
    let opens = l.starts_with("le ") || l.starts_with("on ") || l.starts_with("am ");
    // Every client dates its attribution; "Le directeur m'a écrit :" is the person's own text.
    if !opens || !l.contains(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if ends_with_wrote(l) {
        return true;
    }
    // The wrapped rest: "écrit :", "wrote:", or "x@y.fr> a écrit :".
    let next = next.trim_start_matches(['>', ' ']);
    ends_with_wrote(next) && next.chars().count() < 60
}

fn is_separator(l: &str) -> bool {
    let bare: String = l.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let dashed = l.starts_with("---") && l.ends_with("---");
    dashed
        && matches!(
            bare.as_str(),
            "originalmessage"
                | "messaged'origine"
                | "messaged’origine"
                | "mailoriginal"
                | "messageoriginal"
        )
}

fn is_forward_separator(l: &str) -> bool {
    let bare: String = l.chars().filter(|c| *c != '-' && *c != ' ').collect();
    l.starts_with("---")
        && matches!(
            bare.as_str(),
            "forwardedmessage" | "messagetransféré" | "messagetransfére" | "beginforwardedmessage:"
        )
        || l.starts_with("début du message réexpédié")
        || l.starts_with("begin forwarded message")
}

/// Outlook's "De : … / Envoyé : … / À : … / Objet : …" (or English) block at the top of `rest`.
fn is_header_block(rest: &[String]) -> bool {
    let Some(first) = rest.first() else {
        return false;
    };
    let first = first.trim_start_matches(['*', ' ']);
    let from = ["de :", "de:", "from:", "from :", "von:"]
        .iter()
        .any(|p| first.starts_with(p));
    if !from {
        return false;
    }
    rest.iter().skip(1).take(3).any(|n| {
        let n = n.trim_start_matches(['*', ' ']);
        [
            "envoyé :",
            "envoyé:",
            "sent:",
            "sent :",
            "date :",
            "date:",
            "à :",
            "à:",
            "to:",
            "objet :",
            "objet:",
            "subject:",
            "gesendet:",
        ]
        .iter()
        .any(|p| n.starts_with(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_loses_its_quoted_history() {
        let text = "Merci, c'est réglé.\n\nLe 3 déc. 2026 à 10:00, Guichet <guichet@ac-dijon.fr> a écrit :\n> Bonjour\n> Votre demande";
        assert_eq!(strip_quotes(text), "Merci, c'est réglé.");
        let outlook = "Toujours bloqué.\n\nDe : Guichet\nEnvoyé : jeudi 3 décembre 2026\nObjet : [Guichet #2026-000001]";
        assert_eq!(strip_quotes(outlook), "Toujours bloqué.");
        assert_eq!(strip_quotes("> only a quote"), "> only a quote");
    }

    #[test]
    fn every_client_s_history_is_recognised() {
        let gmail = "Oui.\n\nLe jeu. 3 déc. 2026 à 10:12, Guichet Académie de Dijon <guichet@ac-dijon.fr> a\nécrit :\n\n> Bonjour";
        assert_eq!(strip_quotes(gmail), "Oui.");
        let gmail_en = "Yes.\n\nOn Thu, Dec 3, 2026 at 10:12 AM Guichet <guichet@ac-dijon.fr>\nwrote:\n\n> Hello";
        assert_eq!(strip_quotes(gmail_en), "Yes.");
        let zimbra = "C'est bon.\n\n----- Mail original -----\nDe: \"Guichet\" <guichet@ac-dijon.fr>\nÀ: moi";
        assert_eq!(strip_quotes(zimbra), "C'est bon.");
        let outlook_en = "Done.\n\n________________________________\nFrom: Guichet <guichet@ac-dijon.fr>\nSent: Thursday, December 3, 2026 10:12 AM";
        assert_eq!(strip_quotes(outlook_en), "Done.");
        let outlook_nbsp = "Fait.\n\nDe\u{a0}: Guichet\nEnvoyé\u{a0}: jeudi";
        assert_eq!(strip_quotes(outlook_nbsp), "Fait.");
        let ios = "Merci\n\nEnvoyé de mon iPhone\n\n> Le 3 déc. 2026 à 10:12, Guichet <guichet@ac-dijon.fr> a écrit :\n> \n> Bonjour";
        assert_eq!(strip_quotes(ios), "Merci\n\nEnvoyé de mon iPhone");
        let forward = "Pour info.\n\n---------- Message transféré ---------\nDe : Jean <j@x.fr>\nDate: jeu.\n\nLe livret";
        assert_eq!(strip_quotes(forward), forward);
        let own = "Le parent m'a écrit :\n> Mon fils n'a pas de livret.\nPouvez-vous vérifier ?";
        assert_eq!(strip_quotes(own), own);
        // A quote in the middle, answered below it, is the person's text.
        let inline = "> Quel navigateur ?\nFirefox.\n> Quelle version ?\n128";
        assert_eq!(strip_quotes(inline), inline);
    }
}
